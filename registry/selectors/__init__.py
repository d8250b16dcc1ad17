"""Reads with joins and aggregates, one module per page or concept."""
