"""Label templates and pagination: what a template asks for (label size, A4 grid or roll, barcode,
type and bar sizes) and whether it fits, where each label sits on its page, and what one label shows.

Pure values in, pure values out (no frappe): the glue reads items, lots and serials from ERPNext
into `LabelData`; the layout of a label's inside is `label_sheets` (A4 sheets and rolls) or
`label_zpl` (thermal printers), the barcode on it `label_barcodes`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

A4_WIDTH_MM = 210.0
A4_HEIGHT_MM = 297.0
PAGES = ("A4", "Roll")
BARCODES = ("auto", "code128", "ean13", "gs1_128", "gs1_datamatrix", "qr")
FONT_SCALES = (0.5, 2.0)  # smallest and largest type scale a template may ask for
BAR_HEIGHTS_MM = (3.0, 40.0)  # lowest and highest bar height a template may ask for
EPSILON = 1e-6


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
		_fits(
			f"{self.columns} column(s)",
			self.columns,
			self.label_width_mm,
			self.gap_x_mm,
			self.margin_left_mm,
			"left",
			A4_WIDTH_MM,
			"wider",
		)
		_fits(
			f"{self.rows} row(s)",
			self.rows,
			self.label_height_mm,
			self.gap_y_mm,
			self.margin_top_mm,
			"top",
			A4_HEIGHT_MM,
			"taller",
		)


def format_mm(value: float) -> str:
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


def _fits(
	count_text: str, count: int, size: float, gap: float, margin: float, side: str, page: float, than: str
):
	"""`count` labels of `size` mm with `gap` mm between them after a `margin` mm margin fit the
	page's `page` mm."""
	need = margin + count * size + (count - 1) * gap
	if need > page + EPSILON:
		raise LabelLayoutError(
			f"{count_text} of {format_mm(size)} mm labels with {format_mm(gap)} mm gaps and a"
			f" {format_mm(margin)} mm {side} margin need {format_mm(need)} mm: {than} than an A4 page"
			f" ({format_mm(page)} mm)."
		)
