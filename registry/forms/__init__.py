"""Forms: input parsing and cross-field checks, one module per concept."""
