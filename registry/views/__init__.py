"""Pages of the registry, one module per section. Thin views: access mixin first."""
