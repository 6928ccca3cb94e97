"""SIMPEG import: units, positions, employees and position history from CSV, XLSX, JSON or JSON
Lines. The public surface is in `services` (writes) and `selectors` (reads); the file format is
documented in docs/import-format.md."""
