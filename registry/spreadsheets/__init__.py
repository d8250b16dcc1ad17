"""Spreadsheets in and out: importing XLSX/CSV files, exporting lists and the dashboard.

reading.py         open an upload by its bytes (XLSX streamed, CSV sniffed) as rows
columns.py         header names and cell values as people type them; formula-safe cells
fields.py          the specs' building blocks: Column, the cell parsers (parse_nik), the row Context
kinds.py           one spec per kind of import (columns, natural key, fields), also the export columns
imports.py         the import's first step: the dry run that checks every row and plans the writes
commit.py          the import's second step: the commit in one transaction, undo a batch
import_sheets.py   the template of each kind and the upload with its errors marked
list_exports.py    the lists as XLSX/CSV with their filters, and the ministry recap workbook
dashboard_export.py the dashboard's tables as one workbook

An upload waiting for its commit is a PendingImport row (services/import_jobs.py).
The pages are in views/imports.py, views/list_exports.py and views/dashboard.py.
"""
