"""Label sheets and thermal labels: layout on A4 sheets or rolls, barcode choice, ZPL II output.

Pure values in, pure values out: the glue reads items, lots and serials from ERPNext and prints
either an HTML sheet (positions from `paginate` / `position`) or raw ZPL for a Zebra printer.

Barcode choice ("auto"): GS1-128 when the item has a GTIN (it carries lot, expiry and serial),
else EAN-13 when the item has an EAN and there is no lot or serial to carry, else Code128 of the
serial, the lot or the item code, in that order.

On a sheet or roll label (`plan_label`) every strip has a height fixed here and the strips never
add up to more than the label: one GS1-128 symbol when its bars can be MIN_MODULE_MM wide, else
two, (01)(17) and (10)(21), as GS1 allows; when those do not fit either, the text is shortened
(one line of name, no item code, smaller type) and, last, the label gets a GS1 DataMatrix with the
same element string beside its human-readable lines ("auto" only: a template that asks for
GS1-128 gets GS1-128 or an error).

ZPL notes (ZPL II Programming Guide, ^BC / ^BE / ^FH):
- text fields use ^FH and hex escapes (`_5E` for '^', `_7E` for '~', `_5F` for the '_' indicator),
  so no raw '^' or '~' ever reaches a ^FD field;
- Code128 data is written in subset B (start `>:`) with the invocation codes `>0` for '>',
  `><` for '^' and `>=` for '~';
- GS1-128 starts in subset C with FNC1 (`>;>8`), switches to subset B (`>6`) for alphanumerics and
  back to C (`>5`) for long digit runs, and writes the FNC1 separators as `>8`;
- ^BE takes the first 12 digits of the EAN, the printer adds the check digit;
- barcodes print without the printer's interpretation line: the human-readable text is a text
  field of its own under the bars, so that its height is known when laying out the label.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from dux_trace.core.barcodes import (
	FNC1,
	MATRIX_SYMBOLOGIES,
	BarcodeError,
	bar_pattern,
	element_string,
	gs1_brackets,
	gs1_data,
	gs1_parts,
	matrix_rows,
)

A4_WIDTH_MM = 210.0
A4_HEIGHT_MM = 297.0
PAGES = ("A4", "Roll")
BARCODES = ("auto", "code128", "ean13", "gs1_128", "gs1_datamatrix", "qr")
GS1_SYMBOLOGIES = ("gs1_128", "gs1_datamatrix", "gs1_qr")
FONT_SCALES = (0.5, 2.0)  # smallest and largest type scale a template may ask for
BAR_HEIGHTS_MM = (3.0, 40.0)  # lowest and highest bar height a template may ask for
EPSILON = 1e-6

_DIGITS = "0123456789"
_ZPL_EDGE_MM = 2.0  # white edge kept around ZPL content (and part of the barcode's quiet zone)
_MIN_BAR_HEIGHT_MM = 5.0
_MIN_SPLIT_BAR_HEIGHT_MM = 3.0  # each of two stacked GS1-128 symbols
_MAX_MODULE_DOTS = 4
_QUIET_MODULES = 20  # 10 modules each side
# Code128 subset B: characters that ZPL reads specially, written as invocation codes
_CODE128_B_ESCAPES = {">": ">0", "^": "><", "~": ">="}
# ^FH hex escapes: '^' would end the field, '~' is the control prefix, '_' is the ^FH indicator
_FH_ESCAPES = {"^": "_5E", "~": "_7E", "_": "_5F"}


class LabelLayoutError(ValueError):
	pass


@dataclass(frozen=True)
class LabelTemplate:
	"""Label size and, for A4 sheets, the grid; on a roll each label is its own page."""

	page: str
	label_width_mm: float
	label_height_mm: float
	rows: int = 1
	columns: int = 1
	margin_top_mm: float = 0.0
	margin_left_mm: float = 0.0
	gap_x_mm: float = 0.0
	gap_y_mm: float = 0.0
	barcode: str = "auto"
	font_scale: float = 1.0  # type size, 1 = the sizes below (NAME_PT, LINE_PT...)
	bar_height_mm: float = 12.0  # highest bars of a linear symbol (lower when the label is full)

	@property
	def per_page(self) -> int:
		return self.rows * self.columns if self.page == "A4" else 1

	def validate(self) -> None:
		"""Raise LabelLayoutError unless the template is usable (and, for A4, fits on the page)."""
		if self.page not in PAGES:
			raise LabelLayoutError(f"Page must be 'A4' or 'Roll', not {self.page!r}.")
		if self.barcode not in BARCODES:
			raise LabelLayoutError(f"Barcode must be one of {', '.join(BARCODES)}, not {self.barcode!r}.")
		_positive("Label width", self.label_width_mm)
		_positive("Label height", self.label_height_mm)
		if not _is_number(self.font_scale) or not FONT_SCALES[0] <= self.font_scale <= FONT_SCALES[1]:
			raise LabelLayoutError(
				f"Font size must be between {FONT_SCALES[0]:g} and {FONT_SCALES[1]:g} times the standard"
				f" size, not {self.font_scale!r}."
			)
		low, high = BAR_HEIGHTS_MM
		if not _is_number(self.bar_height_mm) or not low <= self.bar_height_mm <= high:
			raise LabelLayoutError(
				f"Barcode height must be between {low:g} and {high:g} mm, not {self.bar_height_mm!r}."
			)
		if self.page == "Roll":
			return
		_count("Rows", self.rows)
		_count("Columns", self.columns)
		for name, value in (
			("Top margin", self.margin_top_mm),
			("Left margin", self.margin_left_mm),
			("Horizontal gap", self.gap_x_mm),
			("Vertical gap", self.gap_y_mm),
		):
			_not_negative(name, value)
		width = self.margin_left_mm + self.columns * self.label_width_mm + (self.columns - 1) * self.gap_x_mm
		if width > A4_WIDTH_MM + EPSILON:
			raise LabelLayoutError(
				f"{self.columns} column(s) of {_mm(self.label_width_mm)} mm labels with {_mm(self.gap_x_mm)} mm"
				f" gaps and a {_mm(self.margin_left_mm)} mm left margin need {_mm(width)} mm: wider than"
				f" an A4 page ({_mm(A4_WIDTH_MM)} mm)."
			)
		height = self.margin_top_mm + self.rows * self.label_height_mm + (self.rows - 1) * self.gap_y_mm
		if height > A4_HEIGHT_MM + EPSILON:
			raise LabelLayoutError(
				f"{self.rows} row(s) of {_mm(self.label_height_mm)} mm labels with {_mm(self.gap_y_mm)} mm"
				f" gaps and a {_mm(self.margin_top_mm)} mm top margin need {_mm(height)} mm: taller than"
				f" an A4 page ({_mm(A4_HEIGHT_MM)} mm)."
			)


def _mm(value: float) -> str:
	return f"{value:g}"


def _is_number(value) -> bool:
	return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _positive(name: str, value) -> None:
	if not _is_number(value) or value <= 0:
		raise LabelLayoutError(f"{name} must be a number of millimetres greater than 0, not {value!r}.")


def _not_negative(name: str, value) -> None:
	if not _is_number(value) or value < 0:
		raise LabelLayoutError(f"{name} must be a number of millimetres, 0 or more, not {value!r}.")


def _count(name: str, value) -> None:
	if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
		raise LabelLayoutError(f"{name} must be a whole number of at least 1, not {value!r}.")


def paginate(labels: Iterable, template: LabelTemplate) -> list[list[list]]:
	"""Pages of rows of labels: rows of up to `columns` items on A4, one label per page on a roll."""
	template.validate()
	items = list(labels)
	if template.page == "Roll":
		return [[[item]] for item in items]
	pages = []
	for start in range(0, len(items), template.per_page):
		page_items = items[start : start + template.per_page]
		pages.append(
			[page_items[row : row + template.columns] for row in range(0, len(page_items), template.columns)]
		)
	return pages


def position(index_on_page: int, template: LabelTemplate) -> tuple[float, float]:
	"""Top-left corner (x_mm, y_mm) of the label at this index (row by row) on its page."""
	template.validate()
	if not isinstance(index_on_page, int) or not 0 <= index_on_page < template.per_page:
		raise IndexError(f"Label index {index_on_page!r} is not on a page of {template.per_page} label(s).")
	if template.page == "Roll":
		return (0.0, 0.0)
	row, column = divmod(index_on_page, template.columns)
	x = template.margin_left_mm + column * (template.label_width_mm + template.gap_x_mm)
	y = template.margin_top_mm + row * (template.label_height_mm + template.gap_y_mm)
	return (float(x), float(y))


@dataclass
class LabelData:
	"""What one label shows."""

	item_code: str
	item_name: str = ""
	price_text: str | None = None
	lot: str | None = None
	expiry: date | None = None
	serial: str | None = None
	gtin: str | None = None  # 14 digits
	ean: str | None = None  # 13 digits
	short_name: str | None = None
	dot: str | None = None  # a tyre lot's DOT code (week and year)
	medicine: bool = False  # "auto" gives it a GS1 DataMatrix (EU Falsified Medicines Directive)


def gs1_check_digit_ok(digits: str) -> bool:
	"""True when the last digit is the GS1 (mod 10) check digit of the others (EAN-13, GTIN-14)."""
	if not re.fullmatch(r"\d{2,18}", digits or ""):
		return False
	body = digits[:-1]
	total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
	return (10 - total % 10) % 10 == int(digits[-1])


def choose_barcode(label: LabelData, preferred: str = "auto") -> tuple[str, str, str]:
	"""(symbology, data, human-readable text). GS1-128 data carries FNC1 as `barcodes.FNC1`.
	Raises LabelLayoutError when the preferred symbology cannot be made from the label's data."""
	preferred = getattr(preferred, "value", preferred)  # barcodes.Symbology is accepted too
	if preferred not in BARCODES:
		raise LabelLayoutError(f"Barcode must be one of {', '.join(BARCODES)}, not {preferred!r}.")
	gtin = (label.gtin or "").strip()
	ean = (label.ean or "").strip()
	if preferred == "gs1_datamatrix" or (preferred == "auto" and gtin and label.medicine):
		return _gs1_matrix(label, gtin, "gs1_datamatrix")
	if preferred == "qr":
		return _gs1_matrix(label, gtin, "gs1_qr") if gtin else ("qr", *_code128(label)[1:])
	if preferred == "gs1_128" or (preferred == "auto" and gtin):
		return _gs1_128(label, gtin)
	if preferred == "ean13" or (preferred == "auto" and ean and not label.lot and not label.serial):
		return _ean13(label, ean)
	return _code128(label)


def _gs1_128(label: LabelData, gtin: str) -> tuple[str, str, str]:
	if not gtin:
		raise LabelLayoutError(f"GS1-128 needs a GTIN (14 digits) and item {label.item_code} has none.")
	if not re.fullmatch(r"\d{14}", gtin):
		raise LabelLayoutError(f"GTIN of item {label.item_code} must have 14 digits, not {gtin!r}.")
	if not gs1_check_digit_ok(gtin):
		raise LabelLayoutError(f"GTIN {gtin} of item {label.item_code} has a wrong check digit.")
	try:
		data, text = element_string(gtin, label.lot or None, label.expiry, label.serial or None)
	except BarcodeError as error:
		raise LabelLayoutError(f"GS1-128 for item {label.item_code}: {error}")
	return "gs1_128", data, text


def _gs1_matrix(label: LabelData, gtin: str, symbology: str) -> tuple[str, str, str]:
	"""A GS1 DataMatrix / GS1 QR: (01) GTIN, (17) expiry, (10) lot, (21) serial, data as zint reads
	it (`[01]...[17]...`), FNC1 first and between variable-length fields (added by the encoder)."""
	if not gtin:
		name = "GS1 DataMatrix" if symbology == "gs1_datamatrix" else "GS1 QR Code"
		raise LabelLayoutError(f"{name} needs a GTIN (14 digits) and item {label.item_code} has none.")
	_symbology, _data, text = _gs1_128(label, gtin)  # the same checks and human-readable text
	parts = gs1_parts(gtin, label.lot or None, label.expiry, label.serial or None)
	return symbology, gs1_brackets(parts), text


def _ean13(label: LabelData, ean: str) -> tuple[str, str, str]:
	if not ean:
		raise LabelLayoutError(f"EAN-13 needs an EAN (13 digits) and item {label.item_code} has none.")
	if not re.fullmatch(r"\d{13}", ean):
		raise LabelLayoutError(f"EAN of item {label.item_code} must have 13 digits, not {ean!r}.")
	if not gs1_check_digit_ok(ean):
		raise LabelLayoutError(f"EAN {ean} of item {label.item_code} has a wrong check digit.")
	return "ean13", ean, ean


def _code128(label: LabelData) -> tuple[str, str, str]:
	for what, value in (("Serial", label.serial), ("Lot", label.lot), ("Item code", label.item_code)):
		if value:
			if not all(" " <= char <= "~" for char in value):
				raise LabelLayoutError(
					f"{what} {value!r} cannot be written in Code128: only printable ASCII characters can."
				)
			return "code128", value, value
	raise LabelLayoutError("Code128 needs a serial, a lot or an item code and the label has none.")


def code128_modules(data: str, gs1: bool = False) -> int:
	"""Width of a Code128 / GS1-128 symbol in modules (start, data, check and stop; no quiet zone)."""
	_bars, symbols = zpl_gs1_128(data) if gs1 else zpl_code128(data)
	return (symbols + 1) * 11 + 13


def choose_barcodes(
	label: LabelData, preferred: str = "auto", max_modules: int | None = None
) -> list[tuple[str, str, str]]:
	"""`choose_barcode`, with a GS1-128 wider than `max_modules` split in two symbols, as GS1 allows:
	(01) GTIN with (17) expiry, then (10) lot with (21) serial. A narrow label keeps bars a scanner
	can read instead of squeezing one long symbol."""
	symbology, data, text = choose_barcode(label, preferred)
	if symbology != "gs1_128" or max_modules is None or code128_modules(data, gs1=True) <= max_modules:
		return [(symbology, data, text)]
	product = [("01", label.gtin.strip())]
	if label.expiry:
		product.append(("17", label.expiry.strftime("%y%m%d")))
	unit = [(ai, value) for ai, value in (("10", label.lot), ("21", label.serial)) if value]
	if not unit:
		return [(symbology, data, text)]
	return [("gs1_128", *gs1_data(product)), ("gs1_128", *gs1_data(unit))]


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


def _fit_text(text: str, width_dots: int, font_dots: int) -> str:
	"""Cut text that would not fit on one line (estimate for the scalable font 0)."""
	limit = max(4, int(width_dots / (font_dots * 0.55)))
	return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def to_zpl(label: LabelData, template: LabelTemplate, dpi: int = 203) -> str:
	"""One ZPL II label (^XA ... ^XZ) of the template's size: name, code and price, lot and expiry,
	serial, then the barcode with its human-readable text."""
	template.validate()
	if not isinstance(dpi, int) or isinstance(dpi, bool) or dpi <= 0:
		raise LabelLayoutError(f"Printer resolution must be a whole number of dots per inch, not {dpi!r}.")
	width, height = dots(template.label_width_mm, dpi), dots(template.label_height_mm, dpi)
	# bars of 2 dots at least (the label's blank edges are part of the quiet zone): GS1 data too long
	# for that is split in two symbols
	symbols = choose_barcodes(label, template.barcode, max_modules=width // 2 - _QUIET_MODULES)
	edge = dots(_ZPL_EDGE_MM, dpi)
	inner = max(1, width - 2 * edge)
	font = min(max(round(height / 12), dots(1.8, dpi)), dots(4.0, dpi))
	name_font = round(font * 1.2)
	leading = max(1, round(font * 0.25))

	lines = ["^XA", "^CI28", f"^PW{width}", f"^LL{height}", "^LH0,0"]
	y = edge

	def text_field(text: str, size: int, justify: str = "") -> None:
		block = f"^FB{inner},1,0,{justify},0" if justify else ""
		lines.append(f"^FO{edge},{y}^A0N,{size},{size}{block}^FH^FD{zpl_text(text, block=bool(block))}^FS")

	if label.item_name:
		text_field(_fit_text(label.item_name, inner, name_font), name_font)
		y += name_font + leading
	price = label.price_text or ""
	code_width = inner - (int(len(price) * font * 0.6) + font if price else 0)
	text_field(_fit_text(label.item_code, max(1, code_width), font), font)
	if price:
		text_field(_fit_text(price, inner, font), font, "R")
	y += font + leading
	lot_line = "  ".join(
		part
		for part in (
			f"LOT {label.lot}" if label.lot else "",
			f"EXP {label.expiry:%d/%m/%Y}" if label.expiry else "",
		)
		if part
	)
	if lot_line:
		text_field(_fit_text(lot_line, inner, font), font)
		y += font + leading
	if label.serial:
		text_field(_fit_text(f"SN {label.serial}", inner, font), font)
		y += font + leading

	human_font = min(
		font, max(dots(1.5, dpi), int(inner / (max(1, max(len(human) for *_, human in symbols)) * 0.55)))
	)
	bar_height = (height - edge - y) // len(symbols) - human_font - leading
	minimum = _MIN_BAR_HEIGHT_MM if len(symbols) == 1 else _MIN_SPLIT_BAR_HEIGHT_MM
	if bar_height < dots(minimum, dpi):
		raise LabelLayoutError(
			f"A {_mm(template.label_width_mm)} x {_mm(template.label_height_mm)} mm label is too small:"
			f" its text leaves {bar_height * 25.4 / dpi:.1f} mm for the barcode, {_mm(minimum)} mm"
			" are needed."
		)
	if symbols[0][0] in MATRIX_SYMBOLOGIES:
		lines.extend(_zpl_matrix(*symbols[0], x=edge, y=y, width=inner, height=height - edge - y, dpi=dpi))
		lines.append("^XZ")
		return "\n".join(lines)
	for symbology, data, human in symbols:
		if symbology == "ean13":
			bar_data, modules = data[:12], 95  # ^BE adds the check digit
		else:
			bar_data, count = zpl_gs1_128(data) if symbology == "gs1_128" else zpl_code128(data)
			modules = (count + 1) * 11 + 13  # + check character, + stop
		module = min(_MAX_MODULE_DOTS, width // (modules + _QUIET_MODULES))
		if module < 1:
			if modules > width:
				raise LabelLayoutError(
					f"The {symbology} barcode of item {label.item_code} needs {modules} dots at {dpi} dpi and"
					f" the {_mm(template.label_width_mm)} mm label has {width}: use a wider label or shorter data."
				)
			module = 1
		bar_x = max(0, (width - modules * module) // 2)
		lines.append(f"^BY{module}")
		command = f"^BEN,{bar_height},N,N" if symbology == "ean13" else f"^BCN,{bar_height},N,N,N"
		lines.append(f"^FO{bar_x},{y}{command}^FD{bar_data}^FS")
		y += bar_height + leading
		text_field(_fit_text(human, inner, human_font), human_font, "C")
		y += human_font + leading
	lines.append("^XZ")
	return "\n".join(lines)


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


def _zpl_matrix(symbology: str, data: str, human: str, *, x: int, y: int, width: int, height: int, dpi: int):
	"""ZPL lines of a 2D symbol at (x, y), its human-readable (AI) lines beside it."""
	try:
		rows = matrix_rows(data, symbology)
	except BarcodeError as error:
		raise LabelLayoutError(f"The {symbology} barcode {human!r} cannot be made: {error}")
	side = len(rows) + (2 if symbology.endswith("datamatrix") else 8)  # + quiet zone
	module = min(10, height // side, (width // 2) // side)
	if module < max(2, dots(MIN_MATRIX_MODULE_MM, dpi)):
		raise LabelLayoutError(
			f"The {symbology} barcode {human!r} needs {side * max(2, dots(MIN_MATRIX_MODULE_MM, dpi))} dots"
			f" and the label has {min(height, width // 2)}: use a larger label or shorter data."
		)
	quiet = module * (1 if symbology.endswith("datamatrix") else 4)
	if symbology.endswith("datamatrix"):
		field = (
			f"^FO{x + quiet},{y + quiet}^BXN,{module},200,,,,_^FH\\^FD{zpl_matrix_data(data, symbology)}^FS"
		)
	else:  # ^BQ draws its own quiet zone; "MA,": error correction M, automatic input
		field = f"^FO{x},{y}^BQN,2,{module}^FH\\^FDMA,{zpl_matrix_data(data, symbology)}^FS"
	lines = [field]
	hri = [f"({ai}){value}" for ai, value in re.findall(r"\[(\d{2})\]([^\[]*)", data)] or [human]
	text_x = x + side * module + dots(MATRIX_TEXT_GAP_MM, dpi)
	text_width = max(1, x + width - text_x)
	font = max(dots(1.5, dpi), min(dots(2.5, dpi), int(text_width / (max(len(line) for line in hri) * 0.55))))
	for index, line in enumerate(hri):
		lines.append(
			f"^FO{text_x},{y + index * round(font * 1.2)}^A0N,{font},{font}^FH^FD{zpl_text(_fit_text(line, text_width, font))}^FS"
		)
	return lines


def to_zpl_many(labels: Sequence[LabelData], template: LabelTemplate, dpi: int = 203) -> str:
	"""Several ZPL labels, one ^XA ... ^XZ block each."""
	return "\n".join(to_zpl(label, template, dpi) for label in labels)


# Label sheets and rolls (HTML / PDF): every strip of a label has a fixed height

PT_MM = 25.4 / 72
PADDING_X_MM = 2.0
PADDING_Y_MM = 1.5
#: modules are whole dots of a 300 dpi printer (so whole pixels at 300 and 600 dpi): a module of
#: 2.4 dots prints as bars of 2 and 3 dots, and such symbols were seen not to read back at 300 dpi
DOT_MM = 25.4 / 300
#: narrowest bar of a linear symbol on a sheet (2 dots, 0.169 mm: GS1's minimum X for GS1-128
#: in healthcare is 0.170 mm): GS1-128 data that needs thinner bars is split
MIN_MODULE_MM = 2 * DOT_MM
MAX_MODULE_MM = 0.40
#: GS1 DataMatrix: module of 0.25 mm at least (GS1 General Specifications, 2D symbols at POS):
#: 3 dots, 0.254 mm
MIN_MATRIX_MODULE_MM = 3 * DOT_MM
MAX_MATRIX_MODULE_MM = 0.50
MAX_BAR_HEIGHT_MM = 12.0
BARCODE_GAP_MM = 0.5
LINEAR_QUIET_MODULES = 10  # each side of a Code128 / GS1-128 / EAN-13 symbol
MATRIX_QUIET_MODULES = 1
MATRIX_TEXT_GAP_MM = 1.0  # between a 2D symbol and its human-readable lines
NAME_PT, LINE_PT, PRICE_PT, HRI_PT, MIN_HRI_PT = 8.0, 6.5, 9.0, 6.0, 4.0
NAME_LEADING, LINE_LEADING = 1.15, 1.2
#: average advance of a character, in em (DejaVu Sans: digits 0.64, capitals 0.62 to 0.77,
#: parentheses 0.39, lower case about 0.6; bold a little wider): whether a line is likely to
#: fit, never its height (a line that does not fit is cut off at its strip's edge)
CHAR_EM, BOLD_CHAR_EM = 0.62, 0.64
#: how far the text gives way, in order: (lines of name, item code, type scale, lot / serial lines)
TEXT_LEVELS = (
	(2, True, 1.0, True),
	(1, True, 1.0, True),
	(1, False, 1.0, True),
	(1, False, 0.85, True),
	(1, False, 0.85, False),  # only when a GS1 symbol's human-readable text carries them
	(1, False, 0.7, False),
)


@dataclass(frozen=True)
class LabelFields:
	"""Which lines the template shows."""

	item_name: bool = True
	item_code: bool = True
	price: bool = True
	lot: bool = True  # lot and, with `expiry`, its expiry date
	expiry: bool = True
	serial: bool = True
	short_name: bool = False
	dot: bool = True
	barcode: bool = True


@dataclass(frozen=True)
class Block:
	"""One strip of a label, top to bottom, exactly `height_mm` tall.

	kind: "name", "short", "code", "price", "lot", "dot", "serial" (text, `font_pt`, `lines` of `line_mm`);
	"gap"; "bars" (a linear symbol `width_mm` wide, centred, quiet zone outside); "hri" (its
	human-readable text); "matrix" (a square 2D symbol `width_mm` wide with its quiet zone, its
	human-readable `hri` lines beside it)."""

	kind: str
	height_mm: float
	font_pt: float = 0.0
	lines: int = 1
	line_mm: float = 0.0
	symbology: str = ""
	data: str = ""
	text: str = ""
	hri: tuple[str, ...] = ()
	modules: tuple[str, ...] = ()  # '1' dark / '0' light; one row for linear symbols
	width_mm: float = 0.0
	module_mm: float = 0.0


@dataclass(frozen=True)
class LabelPlan:
	width_mm: float
	height_mm: float
	padding_x_mm: float
	padding_y_mm: float
	blocks: tuple[Block, ...]

	@property
	def inner_width_mm(self) -> float:
		return self.width_mm - 2 * self.padding_x_mm

	@property
	def inner_height_mm(self) -> float:
		return self.height_mm - 2 * self.padding_y_mm

	@property
	def content_height_mm(self) -> float:
		return sum(block.height_mm for block in self.blocks)

	@property
	def symbols(self) -> list[Block]:
		return [block for block in self.blocks if block.kind in ("bars", "matrix")]


def label_padding(template: LabelTemplate) -> tuple[float, float]:
	"""(left and right, top and bottom) white edge inside each label, in mm."""
	return (
		min(PADDING_X_MM, template.label_width_mm * 0.05),
		min(PADDING_Y_MM, template.label_height_mm * 0.05),
	)


def _floor(value: float) -> float:
	"""Down to the micrometre, so that the printed lengths (3 decimals of mm) never add up to more."""
	return math.floor(value * 1000 + EPSILON) / 1000


def _whole_dots(module_mm: float) -> float:
	"""Down to whole dots of a 300 dpi printer (`DOT_MM`)."""
	return math.floor(module_mm / DOT_MM + EPSILON) * DOT_MM


def _text_width_mm(text: str, font_pt: float, em: float = CHAR_EM) -> float:
	return len(text) * em * font_pt * PT_MM


def plan_label(label: LabelData, template: LabelTemplate, fields: LabelFields | None = None) -> LabelPlan:
	"""The strips of one label on a sheet or roll, their heights adding up to no more than the
	label's inner height. Raises LabelLayoutError when even the shortest text leaves no room for a
	barcode a scanner reads."""
	template.validate()
	fields = fields or LabelFields()
	padding_x, padding_y = label_padding(template)
	width = template.label_width_mm - 2 * padding_x
	height = template.label_height_mm - 2 * padding_y
	symbol_sets = _symbol_sets(label, template.barcode) if fields.barcode else [[]]
	for symbols in symbol_sets:
		gs1 = bool(symbols) and symbols[0][0] in GS1_SYMBOLOGIES
		for name_lines, item_code, scale, unit_lines in TEXT_LEVELS:
			if not unit_lines and not gs1:
				continue
			scale *= template.font_scale
			text = _text_blocks(label, fields, width, name_lines, item_code, scale, unit_lines)
			room = height - sum(block.height_mm for block in text)
			drawn = _symbol_blocks(symbols, width, room, scale, template.bar_height_mm)
			if drawn is not None:
				return LabelPlan(
					template.label_width_mm, template.label_height_mm, padding_x, padding_y, (*text, *drawn)
				)
	if not symbol_sets[0]:
		raise LabelLayoutError(
			f"A {_mm(template.label_width_mm)} x {_mm(template.label_height_mm)} mm label is too small for"
			f" the text of item {label.item_code}: use a larger label, a smaller font or fewer fields."
		)
	symbology, _data, human = symbol_sets[0][0]
	raise LabelLayoutError(
		f"A {_mm(template.label_width_mm)} x {_mm(template.label_height_mm)} mm label is too small for"
		f" the {symbology} barcode {human!r} of item {label.item_code}: use a larger label or shorter data."
	)


def _symbol_sets(label: LabelData, preferred: str) -> list[list[tuple[str, str, str]]]:
	"""The barcode arrangements to try, best first: [(symbology, data, human-readable text)]."""
	try:
		first = choose_barcode(label, preferred)
	except LabelLayoutError:
		# no GTIN for a GS1 template, no EAN for an EAN-13 one, a lot GS1 cannot write: Code128 of
		# what can be read
		fallback = label.serial or label.lot or label.item_code
		first = ("qr" if preferred == "qr" else "code128", fallback, fallback)
		if not fallback or not all(" " <= char <= "~" for char in fallback):
			raise
	sets = [[first]]
	if first[0] in MATRIX_SYMBOLOGIES:
		return sets
	if first[0] == "gs1_128":
		split = choose_barcodes(label, preferred, max_modules=0)
		if len(split) == 2:
			sets.append(split)
		if preferred == "auto":
			parts = gs1_parts(label.gtin.strip(), label.lot or None, label.expiry, label.serial or None)
			sets.append([("gs1_datamatrix", gs1_brackets(parts), first[2])])
	elif first[0] == "code128" and preferred == "auto":
		sets.append([("datamatrix", first[1], first[2])])
	return sets


def _text_blocks(
	label: LabelData,
	fields: LabelFields,
	width: float,
	name_lines: int,
	item_code: bool,
	scale: float,
	unit_lines: bool,
) -> list[Block]:
	blocks = []

	def line(kind: str, font: float, leading: float = LINE_LEADING, lines: int = 1) -> None:
		line_mm = _floor(font * scale * PT_MM * leading)
		blocks.append(Block(kind, line_mm * lines, font_pt=font * scale, lines=lines, line_mm=line_mm))

	name = fields.item_name and bool(label.item_name)
	if name:
		wide = _text_width_mm(label.item_name, NAME_PT * scale, BOLD_CHAR_EM) > width
		line("name", NAME_PT, NAME_LEADING, lines=min(name_lines, 2 if wide else 1))
	if fields.short_name and label.short_name:
		line("short", LINE_PT)
	if fields.item_code and (item_code or not name):
		line("code", LINE_PT)
	if fields.price and label.price_text:
		line("price", PRICE_PT)
	if unit_lines and fields.lot and label.lot:
		line("lot", LINE_PT)
	if unit_lines and fields.dot and label.dot:
		line("dot", LINE_PT)
	if unit_lines and fields.serial and label.serial:
		line("serial", LINE_PT)
	return blocks


def _hri_font(texts: Sequence[str], width: float, scale: float) -> float:
	longest = max((len(text) for text in texts), default=1) or 1
	fit = width / (longest * CHAR_EM * PT_MM)
	return max(MIN_HRI_PT, min(HRI_PT * scale, math.floor(fit * 4) / 4))


def _symbol_blocks(
	symbols, width: float, room: float, scale: float, max_bar_mm: float = MAX_BAR_HEIGHT_MM
) -> list[Block] | None:
	"""The barcode strips in `room` mm, or None when they do not fit."""
	if not symbols:
		return [] if room >= -EPSILON else None
	if symbols[0][0] in MATRIX_SYMBOLOGIES:
		return _matrix_blocks(*symbols[0], width, room, scale)
	drawn = []
	for symbology, data, text in symbols:
		try:
			pattern = bar_pattern(data, symbology)
		except BarcodeError:
			return None
		module = _whole_dots(min(MAX_MODULE_MM, width / (len(pattern) + 2 * LINEAR_QUIET_MODULES)))
		if module < MIN_MODULE_MM - EPSILON:
			return None
		font = _hri_font([text], width, scale)
		drawn.append((symbology, data, text, pattern, module, font, _floor(font * PT_MM * LINE_LEADING)))
	fixed = sum(BARCODE_GAP_MM + hri for *_rest, hri in drawn)
	bar_height = _floor(min(max_bar_mm, (room - fixed) / len(drawn)))
	if bar_height < (_MIN_BAR_HEIGHT_MM if len(drawn) == 1 else _MIN_SPLIT_BAR_HEIGHT_MM) - EPSILON:
		return None
	blocks = []
	for symbology, data, text, pattern, module, font, hri in drawn:
		blocks.append(Block("gap", BARCODE_GAP_MM))
		blocks.append(
			Block(
				"bars",
				bar_height,
				symbology=symbology,
				data=data,
				text=text,
				modules=(pattern,),
				width_mm=_floor(module * len(pattern)),
				module_mm=module,
			)
		)
		blocks.append(Block("hri", hri, font_pt=font, line_mm=hri, text=text))
	return blocks


def _matrix_blocks(symbology: str, data: str, text: str, width: float, room: float, scale: float):
	gs1 = symbology.startswith("gs1_")
	try:
		rows = matrix_rows(data, symbology)
	except BarcodeError:
		return None
	hri = (
		tuple(f"({ai}){value}" for ai, value in re.findall(r"\[(\d{2})\]([^\[]*)", data)) if gs1 else (text,)
	)
	side_modules = len(rows) + 2 * matrix_quiet_modules(symbology)
	room -= BARCODE_GAP_MM
	font = HRI_PT * scale
	while font >= MIN_HRI_PT - EPSILON:
		line_mm = _floor(font * PT_MM * LINE_LEADING)
		text_width = max(_text_width_mm(line, font) for line in hri) * 1.05
		module = min(
			MAX_MATRIX_MODULE_MM,
			room / side_modules,
			(width - MATRIX_TEXT_GAP_MM - text_width) / side_modules,
		)
		module = _whole_dots(module)
		if module >= MIN_MATRIX_MODULE_MM - EPSILON and line_mm * len(hri) <= room + EPSILON:
			side = _floor(module * side_modules)
			matrix = Block(
				"matrix",
				max(side, line_mm * len(hri)),
				font_pt=font,
				lines=len(hri),
				line_mm=line_mm,
				symbology=symbology,
				data=data,
				text=text,
				hri=hri,
				modules=tuple(rows),
				width_mm=side,
				module_mm=module,
			)
			return [Block("gap", BARCODE_GAP_MM), matrix]
		font -= 0.5
	return None


def matrix_quiet_modules(symbology: str) -> int:
	"""Quiet zone of a 2D symbol, in modules, each side: 1 for Data Matrix, 4 for QR Code (ISO/IEC
	18004)."""
	return 4 if symbology.endswith("qr") else MATRIX_QUIET_MODULES


def price_text(number: str, currency: str, symbol: str | None = None, symbol_on_right: bool = False) -> str:
	"""A formatted price with its currency as a label prints it: the currency's symbol when it is
	Latin script or a sign of Unicode's currency block (€, $, £, ₹), else its ISO code, after the
	number ("25.00 MAD"): an Arabic symbol such as MAD's "د.م." turns the line right to left and
	printed as a broken glyph ("25.00 ‚incl. tax") with the label fonts."""
	symbol = (symbol or "").strip()
	latin = symbol and all(ord(char) < 0x250 or 0x20A0 <= ord(char) <= 0x20CF for char in symbol)
	if not latin:
		return f"{number} {currency}".strip()
	return f"{number} {symbol}" if symbol_on_right else f"{symbol} {number}"
