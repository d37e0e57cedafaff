"""ZPL II field data: text, Code128 / GS1-128, Data Matrix and QR fields written so that a Zebra
printer reads them as meant. Knows nothing of labels (`label_zpl` lays a label out with these).

ZPL notes (ZPL II Programming Guide, ^BC / ^BE / ^FH):
- text fields use ^FH and hex escapes (`_5E` for '^', `_7E` for '~', `_5F` for the '_' indicator),
  so no raw '^' or '~' ever reaches a ^FD field;
- Code128 data is written in subset B (start `>:`) with the invocation codes `>0` for '>',
  `><` for '^' and `>=` for '~';
- GS1-128 starts in subset C with FNC1 (`>;>8`), switches to subset B (`>6`) for alphanumerics and
  back to C (`>5`) for long digit runs, and writes the FNC1 separators as `>8`.
"""

from __future__ import annotations

import re
import unicodedata

from dux_trace.core.barcodes import FNC1

_DIGITS = "0123456789"
# Code128 subset B: characters that ZPL reads specially, written as invocation codes
_CODE128_B_ESCAPES = {">": ">0", "^": "><", "~": ">="}
# ^FH hex escapes: '^' would end the field, '~' is the control prefix, '_' is the ^FH indicator
_FH_ESCAPES = {"^": "_5E", "~": "_7E", "_": "_5F"}


def dots(mm: float, dpi: int) -> int:
	"""Printer dots for a length in millimetres."""
	return round(mm / 25.4 * dpi)


def zpl_text(text: str, *, block: bool = False) -> str:
	"""Field data for a ^FH^FD text field: control characters become spaces, '^' '~' '_' hex escapes;
	`block` doubles backslashes (^FB reads '\\&' as a line break)."""
	text = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in text)
	if block:
		text = text.replace("\\", "\\\\")
	return "".join(_FH_ESCAPES.get(char, char) for char in text)


def zpl_code128(data: str) -> tuple[str, int]:
	"""(^BC field data in subset B, number of symbol characters before the check character)."""
	return ">:" + "".join(_CODE128_B_ESCAPES.get(char, char) for char in data), 1 + len(data)


def zpl_gs1_128(data: str) -> tuple[str, int]:
	"""(^BC field data for a GS1 element string with FNC1 separators, number of symbol characters
	before the check character). Subset C for digit pairs, B for the rest."""
	out, symbols, subset, index = [">;>8"], 2, "C", 0
	while index < len(data):
		char = data[index]
		if char == FNC1:
			out.append(">8")
			symbols, index = symbols + 1, index + 1
		elif subset == "C":
			if char in _DIGITS and index + 1 < len(data) and data[index + 1] in _DIGITS:
				out.append(data[index : index + 2])
				symbols, index = symbols + 1, index + 2
			else:
				out.append(">6")  # CODE B
				symbols, subset = symbols + 1, "B"
		else:
			run = 0
			while index + run < len(data) and data[index + run] in _DIGITS:
				run += 1
			if run >= 4:
				if run % 2:
					out.append(char)
					symbols, index = symbols + 1, index + 1
				out.append(">5")  # CODE C
				symbols, subset = symbols + 1, "C"
			else:
				out.append(_CODE128_B_ESCAPES.get(char, char))
				symbols, index = symbols + 1, index + 1
	return "".join(out), symbols


def code128_modules(data: str, gs1: bool = False) -> int:
	"""Width of a Code128 / GS1-128 symbol in modules (start, data, check and stop; no quiet zone)."""
	_bars, symbols = zpl_gs1_128(data) if gs1 else zpl_code128(data)
	return (symbols + 1) * 11 + 13


def zpl_matrix_data(data: str, symbology: str) -> str:
	"""^FD data of a ^BX (Data Matrix ECC 200) or ^BQ (QR) field written with `^FH\\`: '^', '~' and
	'\\' as hex escapes. Data Matrix reads `_` as its escape character (given in ^BX): a GS1 symbol
	starts with `_1` (FNC1) and has `_1` after a variable-length field that is not the last, a
	literal '_' is `__`. ZPL's QR has no FNC1: GS1 data is written with GS (hex 1D) separators."""

	def hex_escaped(text: str) -> str:
		return "".join({"^": "\\5E", "~": "\\7E", "\\": "\\5C"}.get(char, char) for char in text)

	gs1 = symbology.startswith("gs1_")
	if gs1:
		fields = re.findall(r"\[(\d{2})\]([^\[]*)", data)
		if symbology == "gs1_datamatrix":
			body = "_1"
			for index, (ai, value) in enumerate(fields):
				body += ai + hex_escaped(value).replace("_", "__")
				if ai in ("10", "21") and index < len(fields) - 1:
					body += "_1"
			return body
		return "".join(
			ai + hex_escaped(value) + ("\\1D" if ai in ("10", "21") and index < len(fields) - 1 else "")
			for index, (ai, value) in enumerate(fields)
		)
	if symbology == "datamatrix":
		return hex_escaped(data).replace("_", "__")
	return hex_escaped(data)
