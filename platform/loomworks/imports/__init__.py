"""Importing records from CSV and XLSX files: read, map, coerce, resolve, write row by row."""
