"""Sheet layout: the inside of one label on an A4 sheet or a roll (HTML / PDF), as strips of fixed
heights that never add up to more than the label (`plan_label`).

One GS1-128 symbol when its bars can be MIN_MODULE_MM wide, else two, (01)(17) and (10)(21), as
GS1 allows; when those do not fit either, the text is shortened (one line of name, no item code,
smaller type) and, last, the label gets a GS1 DataMatrix with the same element string beside its
human-readable lines ("auto" only: a template that asks for GS1-128 gets GS1-128 or an error).
Pure: no frappe.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dux_trace.core.barcodes import (
	MATRIX_SYMBOLOGIES,
	BarcodeError,
	bar_pattern,
	gs1_brackets,
	gs1_parts,
	matrix_rows,
)
from dux_trace.core.label_barcodes import (
	DOT_MM,
	MATRIX_TEXT_GAP_MM,
	MIN_BAR_HEIGHT_MM,
	MIN_MATRIX_MODULE_MM,
	MIN_MODULE_MM,
	MIN_SPLIT_BAR_HEIGHT_MM,
	choose_barcode,
	choose_barcodes,
	matrix_quiet_modules,
)
from dux_trace.core.label_templates import EPSILON, LabelData, LabelLayoutError, LabelTemplate, format_mm

GS1_SYMBOLOGIES = ("gs1_128", "gs1_datamatrix", "gs1_qr")
PT_MM = 25.4 / 72
PADDING_X_MM = 2.0
PADDING_Y_MM = 1.5
MAX_MODULE_MM = 0.40
MAX_MATRIX_MODULE_MM = 0.50
MAX_BAR_HEIGHT_MM = 12.0
BARCODE_GAP_MM = 0.5
LINEAR_QUIET_MODULES = 10  # each side of a Code128 / GS1-128 / EAN-13 symbol
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
			f"A {format_mm(template.label_width_mm)} x {format_mm(template.label_height_mm)} mm label is too small for"
			f" the text of item {label.item_code}: use a larger label, a smaller font or fewer fields."
		)
	symbology, _data, human = symbol_sets[0][0]
	raise LabelLayoutError(
		f"A {format_mm(template.label_width_mm)} x {format_mm(template.label_height_mm)} mm label is too small for"
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
	if bar_height < (MIN_BAR_HEIGHT_MM if len(drawn) == 1 else MIN_SPLIT_BAR_HEIGHT_MM) - EPSILON:
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
