"""FilterSets of the registry's lists, one module per section."""
