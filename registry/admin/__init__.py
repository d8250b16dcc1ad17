"""Django admin for the registry: accounts, reference data and records, with their history.

The admin is the Admin Dinas' tool for the whole district. Officers work in the registry pages,
where every list is limited to their kecamatan. One module per part of the registry, as in
models/; base.py holds what they share. Importing them here registers them.
"""

from . import areas, assessments, cooperatives, imports, office, partnerships, people, portal, reports  # noqa: F401
