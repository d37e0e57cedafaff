"""Label sheets and rolls drawn straight into a PDF with reportlab, from the plans of
`dux_trace.core.label_sheets.plan_label`.

Why not HTML through wkhtmltopdf (Frappe's print path)? A label's plan already fixes every strip
in millimetres; wkhtmltopdf spent ~20 s on 1,000 labels parsing and laying out 1,000 inline SVGs
only to put them back where the plan had them. Here each bar and matrix module is a filled
rectangle (vector, exact at any printer resolution) and each distinct label is drawn once as a
PDF form that every copy reuses (the 300 boxes of one lot cost one drawing).

Type: DejaVu Sans when the system has it (the font the HTML sheet asks for), else Bitstream Vera,
which reportlab ships and whose Latin glyphs DejaVu Sans took unchanged — same metrics, same look.
Pure: no frappe. Translated words and the date format come from the caller (`LabelWords`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from dux_trace.core.label_barcodes import MATRIX_TEXT_GAP_MM, matrix_quiet_modules
from dux_trace.core.label_sheets import PT_MM, LabelPlan
from dux_trace.core.label_templates import A4_HEIGHT_MM, A4_WIDTH_MM, LabelData

MM_PT = 72 / 25.4
ELLIPSIS = "\u2026"
#: where the baseline of a line sits below the middle of its line box, in em (DejaVu Sans: ascent
#: 0.928, descent 0.236: what a browser does with a line-height taller than the font)
BASELINE_EM = (0.928 - 0.236) / 2
_SYSTEM_FONTS = (
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
REGULAR, BOLD = "DuxLabelSans", "DuxLabelSans-Bold"


@dataclass(frozen=True)
class LabelWords:
	"""The label's words in the user's language, and how it writes a date."""

	incl_tax: str = "incl. tax"
	lot: str = "Lot"
	expiry: str = "Exp."
	serial: str = "S/N"
	dot: str = "DOT"
	format_date: Callable[[date], str] = lambda value: value.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class PlacedLabel:
	"""A label at its place on the page (top-left corner, mm from the page's top-left)."""

	x_mm: float
	y_mm: float
	label: LabelData
	plan: LabelPlan
	key: tuple = ()  # labels with the same key look the same: drawn once


def register_fonts() -> None:
	from reportlab.pdfbase import pdfmetrics
	from reportlab.pdfbase.ttfonts import TTFont

	if REGULAR in pdfmetrics.getRegisteredFontNames():
		return
	if all(os.path.exists(path) for path in _SYSTEM_FONTS):
		regular, bold = _SYSTEM_FONTS
	else:
		import reportlab

		folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
		regular, bold = os.path.join(folder, "Vera.ttf"), os.path.join(folder, "VeraBd.ttf")
	pdfmetrics.registerFont(TTFont(REGULAR, regular))
	pdfmetrics.registerFont(TTFont(BOLD, bold))


def render(
	pages: Sequence[Sequence[PlacedLabel]],
	page_mm: tuple[float, float] = (A4_WIDTH_MM, A4_HEIGHT_MM),
	words: LabelWords | None = None,
	show_expiry: bool = True,
) -> bytes:
	"""One PDF page per list of placed labels."""
	from reportlab.pdfgen.canvas import Canvas

	register_fonts()
	words = words or LabelWords()
	out = BytesIO()
	width_pt, height_pt = page_mm[0] * MM_PT, page_mm[1] * MM_PT
	canvas = Canvas(out, pagesize=(width_pt, height_pt), pageCompression=1, invariant=1)
	canvas.setCreator("dux_trace")
	forms: dict[tuple, str] = {}
	for page in pages:
		for placed in page:
			key = placed.key or (id(placed),)
			if key not in forms:
				forms[key] = f"L{len(forms)}"
				canvas.beginForm(
					forms[key], 0, 0, placed.plan.width_mm * MM_PT, placed.plan.height_mm * MM_PT
				)
				_draw_label(canvas, placed.label, placed.plan, words, show_expiry)
				canvas.endForm()
			canvas.saveState()
			canvas.translate(placed.x_mm * MM_PT, height_pt - (placed.y_mm + placed.plan.height_mm) * MM_PT)
			canvas.doForm(forms[key])
			canvas.restoreState()
		canvas.showPage()
	canvas.save()
	return out.getvalue()


def _draw_label(canvas, label: LabelData, plan: LabelPlan, words: LabelWords, show_expiry: bool) -> None:
	"""Inside a form whose origin is the label's bottom-left corner."""
	left = plan.padding_x_mm
	inner = plan.inner_width_mm
	top = plan.padding_y_mm  # mm from the label's top
	height = plan.height_mm

	def y_pt(mm_from_top: float) -> float:
		return (height - mm_from_top) * MM_PT

	canvas.setFillColorRGB(0, 0, 0)
	for block in plan.blocks:
		if block.kind == "bars":
			x0 = left + (inner - block.width_mm) / 2
			_bars(canvas, block.modules[0], x0, y_pt(top + block.height_mm), block.module_mm, block.height_mm)
		elif block.kind == "matrix":
			quiet = matrix_quiet_modules(block.symbology) * block.module_mm
			_matrix(canvas, block.modules, left + quiet, top + quiet, block.module_mm, y_pt)
			text_x = left + block.width_mm + MATRIX_TEXT_GAP_MM
			for index, line in enumerate(block.hri):
				_line(
					canvas,
					[(line, False)],
					text_x,
					y_pt(top + index * block.line_mm + _baseline(block.line_mm, block.font_pt)),
					left + inner - text_x,
					block.font_pt,
				)
		elif block.kind == "hri":
			_line(
				canvas,
				[(block.text, False)],
				left,
				y_pt(top + _baseline(block.line_mm, block.font_pt)),
				inner,
				block.font_pt,
				centre=True,
			)
		elif block.kind != "gap":
			segments = _segments(block.kind, label, words, show_expiry)
			if block.lines > 1:
				lines = _wrap(
					segments[0][0], BOLD if segments[0][1] else REGULAR, block.font_pt, inner, block.lines
				)
				for index, text in enumerate(lines):
					baseline = top + index * block.line_mm + _baseline(block.line_mm, block.font_pt)
					_line(canvas, [(text, segments[0][1])], left, y_pt(baseline), inner, block.font_pt)
			else:
				baseline = top + _baseline(block.line_mm, block.font_pt)
				_line(canvas, segments, left, y_pt(baseline), inner, block.font_pt)
		top += block.height_mm


def _baseline(line_mm: float, font_pt: float) -> float:
	return line_mm / 2 + BASELINE_EM * font_pt * PT_MM


def _segments(kind: str, label: LabelData, words: LabelWords, show_expiry: bool) -> list[tuple[str, bool]]:
	"""(text, bold) pieces of a text strip, as the HTML sheet writes them."""
	if kind == "name":
		return [(label.item_name or "", True)]
	if kind == "short":
		return [(label.short_name or "", False)]
	if kind == "code":
		return [(label.item_code, False)]
	if kind == "price":
		return [(f"{label.price_text} {words.incl_tax}", True)]
	if kind == "lot":
		pieces = [(f"{words.lot}: ", False), (label.lot or "", True)]
		if show_expiry and label.expiry:
			pieces += [(f" \u00b7 {words.expiry} ", False), (words.format_date(label.expiry), True)]
		return pieces
	if kind == "dot":
		return [(f"{words.dot}: ", False), (label.dot or "", True)]
	if kind == "serial":
		return [(f"{words.serial}: ", False), (label.serial or "", True)]
	return [("", False)]


def _line(canvas, segments, x_mm: float, y: float, width_mm: float, font_pt: float, centre=False) -> None:
	"""One line of text pieces, cut with an ellipsis where it would leave its strip."""
	from reportlab.pdfbase.pdfmetrics import stringWidth

	room = width_mm * MM_PT
	fitted, used = [], 0.0
	for text, bold in segments:
		font = BOLD if bold else REGULAR
		text = _printable(text)
		wide = stringWidth(text, font, font_pt)
		if used + wide <= room:
			fitted.append((text, font, wide))
			used += wide
			continue
		while text and used + stringWidth(text + ELLIPSIS, font, font_pt) > room:
			text = text[:-1]
		text = text.rstrip() + ELLIPSIS
		wide = stringWidth(text, font, font_pt)
		fitted.append((text, font, wide))
		used += wide
		break
	x = x_mm * MM_PT + (max(0.0, room - used) / 2 if centre else 0.0)
	for text, font, wide in fitted:
		canvas.setFont(font, font_pt)
		canvas.drawString(x, y, text)
		x += wide


def _wrap(text: str, font: str, font_pt: float, width_mm: float, lines: int) -> list[str]:
	"""Up to `lines` lines of words; the last one cut off by `_line` when text remains."""
	from reportlab.lib.utils import simpleSplit

	split = simpleSplit(_printable(text), font, font_pt, width_mm * MM_PT) or [""]
	if len(split) > lines:
		split = [*split[: lines - 1], " ".join(split[lines - 1 :])]
	return split


def _printable(text: str) -> str:
	return re.sub(r"[\x00-\x1f\x7f]", " ", text or "")


def _bars(canvas, pattern: str, x_mm: float, bottom_pt: float, module_mm: float, height_mm: float) -> None:
	"""A linear symbol: one rectangle per bar."""
	path = canvas.beginPath()
	for run in re.finditer(r"1+", pattern):
		path.rect(
			(x_mm + run.start() * module_mm) * MM_PT,
			bottom_pt,
			(run.end() - run.start()) * module_mm * MM_PT,
			height_mm * MM_PT,
		)
	canvas.drawPath(path, stroke=0, fill=1)


def _matrix(canvas, rows: Sequence[str], x_mm: float, top_mm: float, module_mm: float, y_pt) -> None:
	"""A 2D symbol: one rectangle per run of dark modules in a row."""
	path = canvas.beginPath()
	for index, row in enumerate(rows):
		bottom = y_pt(top_mm + (index + 1) * module_mm)
		for run in re.finditer(r"1+", row):
			path.rect(
				(x_mm + run.start() * module_mm) * MM_PT,
				bottom,
				(run.end() - run.start()) * module_mm * MM_PT,
				module_mm * MM_PT,
			)
	canvas.drawPath(path, stroke=0, fill=1)
