"""Frappe-free rules of dux_trace.

Nothing in this package imports frappe, erpnext or the rest of dux_trace: the modules here take
plain values (dates, numbers, strings, dataclasses) and return plain values, so that they are
unit-tested in milliseconds (`tests/` at the repository root) and reused by the thin glue in
`dux_trace.overrides` and `dux_trace.api`, which reads and writes the database.
"""
