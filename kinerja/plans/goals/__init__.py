"""Organisation goals (SAKIP): the Perjanjian Kinerja of an OPD and year with its sasaran
strategis and IKU (writes in services, reads and access in selectors, the Excel import in
imports, the cascading tree in tree)."""
