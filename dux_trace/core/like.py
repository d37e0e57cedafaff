"""LIKE patterns from user text: `%` and `_` (and the escape character itself) match literally.

MariaDB's LIKE escapes with a backslash unless told otherwise; Frappe's query builder and its
`("like", …)` filters add no ESCAPE clause, so the backslash is the one to use."""


def escape_like(text: str) -> str:
	"""`text` as a LIKE pattern that matches exactly it (put `%` around it for "contains")."""
	return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
