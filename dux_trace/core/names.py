"""What a lot number or a serial number may be made of.

A lot (ERPNext Batch) or a serial (Serial No) is typed by a clerk, scanned from a supplier's code
or imported; its name then goes everywhere: labels, print formats, HTML attributes, CSV exports,
emails, ZPL. Frappe refuses only `<` and `>` in a document name. The rule here refuses, at the
door (a Batch or Serial No inserted or renamed, a receipt's lot and serials):

- quotes `"` `'` and the backtick: they end an HTML attribute (`X" onmouseover="…`) or a string
  in a script or a spreadsheet formula;
- `<` and `>` (Frappe refuses them in any name already: said here once for every path);
- control characters (Unicode category Cc: tab, CR, LF, NUL, DEL, the C1 range…): a scanner's
  stray CR or GS, a tab that starts a spreadsheet formula, a line break that splits a CSV row.

Everything else GS1 allows in a lot (AI 10) or a serial (AI 21) stays allowed: letters, digits and
``! % & ( ) * + , - . / : ; = ? _`` (GS1's 82-character set less its quotes, `<` and `>`), and
any other printable character (accents, spaces inside the name).

Plain values in, plain values out: the glue (`dux_trace.stock.names`) turns a refusal into a
translated message.
"""

from __future__ import annotations

import unicodedata

#: refused in a lot or serial number, besides control characters
FORBIDDEN_CHARACTERS = ('"', "'", "`", "<", ">")


def forbidden_in_name(name: str | None) -> list[str]:
	"""The characters of `name` no lot or serial number may hold, each once, in order of
	appearance ([] when the name is acceptable)."""
	found: list[str] = []
	for character in name or "":
		if (character in FORBIDDEN_CHARACTERS or unicodedata.category(character) == "Cc") and (
			character not in found
		):
			found.append(character)
	return found


def acceptable_name(name: str | None) -> bool:
	"""True when `name` holds none of the refused characters (an empty name is the caller's
	business: ERPNext names it)."""
	return not forbidden_in_name(name)


def shown(character: str) -> str:
	"""A refused character as a person can read it in a message: the character itself, or its
	code point for a control character (U+0009 for a tab)."""
	if unicodedata.category(character) == "Cc":
		return f"U+{ord(character):04X}"
	return character
