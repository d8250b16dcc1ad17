"""The demo district of Kutai Timur, for `manage.py seed_demo` (never in production).

profiles.py     its shape: size, kecamatan, kinds of cooperative, name parts
district.py     DistrictGenerator and seed_district, which writes the cooperatives and their rows
cooperatives.py the cooperatives and their status lifecycle
reports.py      yearly reports with their RAT
people.py       board terms and members
accounts.py     the demo sign-ins
partnerships.py partnerships, kecamatan neighbours, trainings and findings (scale mode: per block)
assessments.py  assessments of the last three book years (scale mode: the last one)
imports.py      scale mode's finished imports (the import history)
"""
