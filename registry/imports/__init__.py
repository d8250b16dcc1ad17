"""Reading spreadsheets for import: files (readers), headers and values (columns), one spec per kind (kinds)."""
