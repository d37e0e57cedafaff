"""Labels: one per serial, N per lot line of a receipt or a delivery, or N per selected item, lot
or serial, laid out by a Label Template.

What goes on each label (item, short name, price incl. tax, lot, expiry, DOT, serial, GTIN/EAN) is
read here; the template and pagination, the barcode choice, the sheet layout and the ZPL text are
`dux_trace.core`'s `label_templates`, `label_barcodes`, `label_sheets` and `label_zpl`; the
symbols are encoded by python-barcode and zxing-cpp (`dux_trace.core.barcodes`). The PDF is drawn
by `dux_trace.core.label_pdf` (reportlab, vector bars, each distinct label drawn once); the same
plans rendered as HTML (`sheet_html`) give the desk's preview at real size.
"""

import re
from dataclasses import astuple
from functools import cache

import frappe
import jinja2
from frappe import _
from frappe.utils import cint, flt, fmt_money, getdate
from markupsafe import Markup

from dux_trace import settings
from dux_trace.core.barcodes import bars_svg, matrix_svg
from dux_trace.core.label_barcodes import MATRIX_TEXT_GAP_MM, matrix_quiet_modules
from dux_trace.core.label_pdf import LabelWords, PlacedLabel, render
from dux_trace.core.label_sheets import LabelFields, label_padding, plan_label
from dux_trace.core.label_templates import (
	A4_HEIGHT_MM,
	A4_WIDTH_MM,
	LabelData,
	LabelLayoutError,
	LabelTemplate,
	paginate,
	position,
	price_text,
)
from dux_trace.core.label_zpl import to_zpl_many
from dux_trace.stock.documents import RECEIPTS, row_stock_qty, row_warehouse
from dux_trace.stock.serials import row_serials

BARCODE_CHOICES = {
	"Auto": "auto",
	"Code128": "code128",
	"EAN-13": "ean13",
	"GS1-128": "gs1_128",
	"GS1 DataMatrix": "gs1_datamatrix",
	"QR Code": "qr",
}
MAX_LABELS = 5000
#: documents whose units get labels: what is received, and what leaves on a delivery note
LABEL_DOCUMENTS = (*RECEIPTS, "Delivery Note")
#: records selected in a list or opened in a form
LABEL_RECORDS = ("Item", "Batch", "Serial No")


def template_layout(template) -> LabelTemplate:
	return LabelTemplate(
		page=template.page or "A4",
		label_width_mm=flt(template.label_width_mm),
		label_height_mm=flt(template.label_height_mm),
		rows=cint(template.rows) or 1,
		columns=cint(template.columns) or 1,
		margin_top_mm=flt(template.margin_top_mm),
		margin_left_mm=flt(template.margin_left_mm),
		gap_x_mm=flt(template.gap_x_mm),
		gap_y_mm=flt(template.gap_y_mm),
		barcode=BARCODE_CHOICES.get(template.barcode or "Auto", "auto"),
		font_scale=flt(template.get("font_size_percent") or 100) / 100,
		bar_height_mm=flt(template.get("barcode_height_mm") or 12),
	)


def item_codes(item_code: str) -> tuple[str | None, str | None]:
	"""(GTIN-14, EAN-13) from the item's Barcodes table."""
	gtin = ean = None
	for barcode in frappe.get_all("Item Barcode", filters={"parent": item_code}, pluck="barcode"):
		if not re.fullmatch(r"\d{8}|\d{12,14}", barcode or ""):
			continue
		gtin = gtin or barcode.zfill(14)
		if len(barcode) == 13 or (len(barcode) == 14 and barcode.startswith("0")):
			ean = ean or barcode[-13:]
	return gtin, ean


def price_incl_tax(item_code: str) -> str | None:
	"""The item's selling price (default selling price list) with its Item Tax Template's rate."""
	price_list = settings.selling_price_list()
	price = frappe.get_all(
		"Item Price",
		filters={"item_code": item_code, "price_list": price_list, "selling": 1},
		fields=["price_list_rate", "currency"],
		order_by="valid_from desc",
		limit=1,
	)
	if not price:
		return None
	templates = frappe.get_all("Item Tax", filters={"parent": item_code}, pluck="item_tax_template")
	rate = 0.0
	if templates:
		rates = frappe.get_all(
			"Item Tax Template Detail", filters={"parent": ("in", templates)}, pluck="tax_rate"
		)
		rate = max([flt(r) for r in rates] or [0])
	amount = flt(price[0].price_list_rate) * (1 + rate / 100)
	currency = price[0].currency
	info = frappe.db.get_value(
		"Currency", currency, ["symbol", "symbol_on_right", "fraction_units"], as_dict=True, cache=True
	)
	info = info or frappe._dict()
	precision = len(str(cint(info.fraction_units))) - 1 if cint(info.fraction_units) > 1 else None
	return price_text(fmt_money(amount, precision), currency or "", info.symbol, bool(info.symbol_on_right))


def label_item_facts(item_code: str, cache: dict) -> dict:
	"""What every label of the item shows, read once per print."""
	if item_code not in cache:
		item = frappe.db.get_value(
			"Item", item_code, ["item_name", "dux_short_name", "dux_is_medicine"], as_dict=True
		)
		if not item:
			frappe.throw(_("Item {0} does not exist.").format(item_code))
		gtin, ean = item_codes(item_code)
		cache[item_code] = dict(
			item_code=item_code,
			item_name=item.item_name,
			short_name=item.dux_short_name or None,
			medicine=bool(cint(item.dux_is_medicine)),
			price_text=price_incl_tax(item_code),
			gtin=gtin,
			ean=ean,
		)
	return cache[item_code]


def lot_facts(lot: str | None, cache: dict) -> dict:
	"""(expiry, DOT) of a lot."""
	if not lot:
		return {}
	if lot not in cache:
		batch = frappe.db.get_value("Batch", lot, ["expiry_date", "dux_dot_code"], as_dict=True) or {}
		cache[lot] = dict(
			expiry=getdate(batch.get("expiry_date")) if batch.get("expiry_date") else None,
			dot=batch.get("dux_dot_code") or None,
		)
	return cache[lot]


def unit_label(item: dict, lot: str | None = None, serial: str | None = None, lot_info=None) -> LabelData:
	facts = {**item}
	if not lot and not serial:
		facts["gtin"] = None  # the item alone: its EAN-13 (or Code128), as on the shelf
	return LabelData(**facts, lot=lot or None, serial=serial or None, **(lot_info or {}))


def row_units(doc, row) -> list[tuple[str | None, str | None, float]]:
	"""(lot, serial, units) of a document row: one per serial, the quantity per lot."""
	if bundle := row.get("serial_and_batch_bundle"):
		entries = frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": bundle},
			fields=["batch_no", "serial_no", "qty"],
			order_by="idx asc",
		)
		if entries:
			return [
				(entry.batch_no, entry.serial_no, 1 if entry.serial_no else abs(flt(entry.qty)))
				for entry in entries
			]
	lot = row.get("batch_no") or row.get("dux_lot_no")
	if serials := row_serials(row):
		return [(lot, serial, 1) for serial in serials]
	return [(lot, None, row_stock_qty(row))]


def labels_for_document(doctype: str, name: str) -> list[LabelData]:
	"""One label per unit received (receipts) or leaving (Delivery Note): per serial for serialized
	items, one per unit of each lot (and of a line of an item followed by neither)."""
	if doctype not in LABEL_DOCUMENTS:
		frappe.throw(
			_("Labels are printed from receipts and delivery notes: {0} is neither.").format(_(doctype))
		)
	doc = frappe.get_doc(doctype, name)
	inward = doctype in RECEIPTS
	labels: list[LabelData] = []
	items: dict[str, dict] = {}
	lots: dict[str, dict] = {}
	for row in doc.get("items"):
		if not row_warehouse(doc, row, inward=inward):
			continue
		item = label_item_facts(row.item_code, items)
		item = {**item, "item_name": row.item_name or item["item_name"]}
		for lot, serial, units in row_units(doc, row):
			lot_info = lot_facts(lot, lots)
			if lot and not lot_info.get("expiry") and row.get("dux_expiry_date"):
				lot_info = {**lot_info, "expiry": getdate(row.dux_expiry_date)}
			label = unit_label(item, lot, serial, lot_info)
			labels.extend(label for _ in range(max(0, round(units))))
			if len(labels) > MAX_LABELS:
				frappe.throw(_("More than {0} labels: print them in several documents.").format(MAX_LABELS))
	return labels


def labels_for_records(rows: list[dict]) -> list[LabelData]:
	"""`qty` labels for each selected Item (the item alone), Batch (the item with the lot, its
	expiry and DOT) or Serial No (the unit, with its lot), in the order given. The user must be
	allowed to print each record."""
	labels: list[LabelData] = []
	items: dict[str, dict] = {}
	lots: dict[str, dict] = {}
	for row in rows:
		doctype, name, qty = row.get("doctype"), row.get("name"), row.get("qty", 1)
		if doctype not in LABEL_RECORDS:
			frappe.throw(
				_("Labels are printed for items, lots and serial numbers, not for {0}.").format(_(doctype))
			)
		if not isinstance(qty, int) and not (isinstance(qty, str) and qty.strip().isdigit()):
			frappe.throw(_("The number of labels for {0} must be a whole number, not {1}.").format(name, qty))
		qty = cint(qty)
		if qty < 1:
			frappe.throw(_("The number of labels for {0} must be at least 1.").format(name))
		if not name or not frappe.db.exists(doctype, name):
			frappe.throw(_("{0} {1} does not exist.").format(_(doctype), name))
		if not frappe.has_permission(doctype, "print", doc=name):
			frappe.throw(
				_("You are not allowed to print {0} {1}.").format(_(doctype), name), frappe.PermissionError
			)
		if doctype == "Item":
			lot = serial = None
			item_code = name
		elif doctype == "Batch":
			lot, serial = name, None
			item_code = frappe.db.get_value("Batch", name, "item")
		else:
			serial = name
			item_code, lot = frappe.db.get_value("Serial No", name, ["item_code", "batch_no"])
		label = unit_label(label_item_facts(item_code, items), lot, serial, lot_facts(lot, lots))
		if len(labels) + qty > MAX_LABELS:
			frappe.throw(_("More than {0} labels: print them in several times.").format(MAX_LABELS))
		labels.extend(label for _ in range(qty))
	return labels


def template_fields(template) -> LabelFields:
	"""The lines the Label Template shows."""
	return LabelFields(
		item_name=bool(cint(template.show_item_name)),
		item_code=bool(cint(template.show_item_code)),
		price=bool(cint(template.show_price)),
		lot=bool(cint(template.show_lot)),
		expiry=bool(cint(template.show_expiry)),
		serial=bool(cint(template.show_serial)),
		short_name=bool(cint(template.get("show_short_name"))),
		dot=bool(cint(template.get("show_dot", 1))),
		barcode=bool(cint(template.get("show_barcode", 1))),
	)


def label_svgs(plan) -> list[dict]:
	"""The plan's strips, barcodes drawn as inline SVG."""
	blocks = []
	for block in plan.blocks:
		svg = ""
		if block.kind == "bars":
			svg = bars_svg(block.modules[0])
		elif block.kind == "matrix":
			svg = matrix_svg(list(block.modules), matrix_quiet_modules(block.symbology))
		# drawn here from the plan's modules (rectangles, no text): markup the template keeps as is
		blocks.append({"block": block, "svg": Markup(svg)})
	return blocks


@cache
def template_environment() -> jinja2.Environment:
	"""The environment the app's own HTML templates (`dux_trace/templates/`) are rendered in:
	every value is escaped, in text and in attributes (`data-serial="…"`), unless the code marks
	it as markup (the barcodes' SVG, `label_svgs`).

	Not Frappe's `render_template`: its environment does not autoescape, so each `{{ value }}`
	would need its own `| e`, and one forgotten (a lot in a `data-lot` attribute) was a stored XSS
	in the desk's preview. The print formats, which Frappe renders itself, escape each value with
	`| e` instead (see dux_trace/dux_trace/print_format/)."""
	return jinja2.Environment(
		loader=jinja2.FileSystemLoader(frappe.get_app_path("dux_trace", "templates")),
		autoescape=True,
		keep_trailing_newline=True,
	)


def render_app_template(name: str, context: dict) -> str:
	"""An app template (path under dux_trace/templates/) rendered with autoescaping."""
	return template_environment().get_template(name).render(context)


def sheet_html(labels: list[LabelData], template, browser: bool = False) -> str:
	"""The same pages as HTML (inline SVG): the desk's preview at real size (`browser`), and the
	former wkhtmltopdf path (lengths scaled for its Qt, see css_scale)."""
	layout = template_layout(template)
	svgs: dict[tuple, list] = {}
	pages = []
	for page in placed_pages(labels, template):
		rows = []
		for placed in page:
			if placed.key not in svgs:
				svgs[placed.key] = label_svgs(placed.plan)
			rows.append(
				{"x": placed.x_mm, "y": placed.y_mm, "label": placed.label, "blocks": svgs[placed.key]}
			)
		pages.append(rows)
	scale = 1.0 if browser else css_scale()
	return render_app_template(
		"labels/sheet.html",
		{
			"pages": pages,
			"layout": layout,
			"padding": label_padding(layout),
			"matrix_gap": MATRIX_TEXT_GAP_MM,
			"template": template,
			"_": _,
			"format_date": frappe.utils.formatdate,
			"mm": lambda value: f"{value * scale:.3f}mm",
			"pt": lambda value: f"{value * scale:.2f}pt",
		},
	)


def css_scale() -> float:
	"""wkhtmltopdf built on an unpatched Qt (Debian's, for one) draws CSS lengths at 72/96 of their
	size and ignores --disable-smart-shrinking; the patched build Frappe recommends draws them true.
	Lengths on the sheet are scaled so that a 70 mm label is 70 mm on paper with either."""
	cache_key = "dux_trace:wkhtmltopdf_scale"
	scale = frappe.cache.get_value(cache_key)
	if scale is None:
		import subprocess

		try:
			version = subprocess.run(
				["wkhtmltopdf", "--version"], capture_output=True, text=True, timeout=10
			).stdout
		except (OSError, subprocess.SubprocessError):
			version = ""
		scale = 1.0 if "patched qt" in version.lower() else 96 / 72
		frappe.cache.set_value(cache_key, scale)
	return float(scale)


def placed_pages(labels: list[LabelData], template) -> list[list[PlacedLabel]]:
	"""The labels on their pages, each with its plan (labels that look the same share one)."""
	layout = template_layout(template)
	try:
		layout.validate()
	except LabelLayoutError as error:
		frappe.throw(_("These labels do not fit: {0}").format(str(error)), title=_("Label Layout"))
	fields = template_fields(template)
	plans: dict[tuple, object] = {}
	pages = []
	for page in paginate(labels, layout):
		placed = []
		for index, label in enumerate(label for row in page for label in row):
			x, y = position(index, layout) if layout.page == "A4" else (0.0, 0.0)
			key = label_key(label)
			if key not in plans:
				try:
					plans[key] = plan_label(label, layout, fields)
				except LabelLayoutError as error:
					frappe.throw(
						_("These labels do not fit: {0}").format(str(error)), title=_("Label Layout")
					)
			placed.append(PlacedLabel(x, y, label, plans[key], key))
		pages.append(placed)
	return pages


def label_key(label: LabelData) -> tuple:
	"""Labels with equal data look the same: laid out and drawn once."""
	return astuple(label)


def label_words() -> LabelWords:
	return LabelWords(
		incl_tax=_("incl. tax"),
		lot=_("Lot"),
		expiry=_("Exp."),
		serial=_("S/N"),
		dot=_("DOT"),
		format_date=frappe.utils.formatdate,
	)


def sheet_pdf(labels: list[LabelData], template) -> bytes:
	"""The labels as a PDF: A4 sheets of the template's grid, or a roll of one label per page."""
	layout = template_layout(template)
	if layout.page == "A4":
		size = (A4_WIDTH_MM, A4_HEIGHT_MM)
	else:
		size = (layout.label_width_mm, layout.label_height_mm)
	pages = placed_pages(labels, template)
	return render(pages, size, label_words(), show_expiry=bool(cint(template.show_expiry)))


def zpl(labels: list[LabelData], template) -> str:
	try:
		return to_zpl_many(labels, template_layout(template), dpi=cint(template.dpi) or 203)
	except LabelLayoutError as error:
		frappe.throw(
			_("These labels cannot be printed as ZPL: {0}").format(str(error)), title=_("Label Layout")
		)


def example_label() -> LabelData:
	"""What a template's preview shows when no item is chosen: a box of medicine with a lot."""
	return LabelData(
		item_code="DOLI-1000-8",
		item_name=_("Doliprane 1000 mg, box of 8 tablets"),
		short_name=_("Doliprane 1 g x8"),
		price_text=price_text("25.00", "MAD"),
		lot="L2026A",
		expiry=getdate(frappe.utils.add_days(frappe.utils.nowdate(), 400)),
		serial="SN0001",
		gtin="03400935955838",
	)


def preview_html(label: LabelData, template) -> str:
	"""One label at real size, as the desk shows it before printing (the template's size and
	content on a page of its own)."""
	one = frappe._dict(template.as_dict())
	one.page = "Roll"
	return sheet_html([label], one, browser=True)
