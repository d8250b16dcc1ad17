"""Writes that touch several rows or models, one module per concept, each write atomic."""
