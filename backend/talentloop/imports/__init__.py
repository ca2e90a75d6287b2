"""A company's data in and out (issue 22): every importable record kind registered in
`kinds.py`, the job that reads, maps, checks and writes a file (`performance/imports.py` for
now runs it), what each import changed (`models.ImportChange`: for the audit trail and undo,
`undo.py`), and the column mappings saved per kind."""
