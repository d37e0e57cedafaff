"""ZPL output: one label laid out for a thermal (Zebra) printer as ZPL II, ^XA ... ^XZ: name, code
and price, lot and expiry, serial, then the barcode with its human-readable text.

- ^BE takes the first 12 digits of the EAN, the printer adds the check digit;
- barcodes print without the printer's interpretation line: the human-readable text is a text
  field of its own under the bars, so that its height is known when laying out the label;
- bars are 2 dots wide at least: a GS1-128 too long for that is split in two symbols.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dux_trace.core.barcodes import MATRIX_SYMBOLOGIES, BarcodeError, matrix_rows
from dux_trace.core.label_barcodes import (
	MATRIX_TEXT_GAP_MM,
	MIN_BAR_HEIGHT_MM,
	MIN_MATRIX_MODULE_MM,
	MIN_SPLIT_BAR_HEIGHT_MM,
	choose_barcodes,
)
from dux_trace.core.label_templates import LabelData, LabelLayoutError, LabelTemplate, format_mm
from dux_trace.core.zpl import dots, zpl_code128, zpl_gs1_128, zpl_matrix_data, zpl_text

_ZPL_EDGE_MM = 2.0  # white edge kept around ZPL content (and part of the barcode's quiet zone)
_MAX_MODULE_DOTS = 4
_QUIET_MODULES = 20  # 10 modules each side


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
	minimum = MIN_BAR_HEIGHT_MM if len(symbols) == 1 else MIN_SPLIT_BAR_HEIGHT_MM
	if bar_height < dots(minimum, dpi):
		raise LabelLayoutError(
			f"A {format_mm(template.label_width_mm)} x {format_mm(template.label_height_mm)} mm label is too small:"
			f" its text leaves {bar_height * 25.4 / dpi:.1f} mm for the barcode, {format_mm(minimum)} mm"
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
					f" the {format_mm(template.label_width_mm)} mm label has {width}: use a wider label or shorter data."
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
