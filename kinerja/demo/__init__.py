"""Demo and benchmark data: a believable, fictional Pemda built from one seed.

`plan` draws the Pemda as plain data (pure), `load` writes it in bulk and records one audit
record; `kinerja demo` (kinerja/web/management/commands/demo.py) is the command line.
"""
