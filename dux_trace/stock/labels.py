"""Labels for received goods: one per serial, N per lot line, laid out by a Label Template.

What goes on each label (item, price incl. tax, lot, expiry, serial, GTIN/EAN) is read here; the
layout, the barcode choice and the ZPL text are `dux_trace.core.labels`'; the barcodes are drawn by
python-barcode (`dux_trace.core.barcodes`); the PDF goes through Frappe's own wkhtmltopdf path
(`frappe.utils.pdf.get_pdf`) from a self-contained HTML page (inline SVG, inline CSS).
"""

import re

import frappe
from frappe import _
from frappe.utils import cint, flt, fmt_money, getdate

from dux_trace.core.barcodes import bars_svg, matrix_svg
from dux_trace.core.labels import (
	MATRIX_QUIET_MODULES,
	MATRIX_TEXT_GAP_MM,
	LabelData,
	LabelFields,
	LabelLayoutError,
	LabelTemplate,
	label_padding,
	paginate,
	plan_label,
	position,
	price_text,
)
from dux_trace.stock.documents import RECEIPTS, row_warehouse
from dux_trace.stock.serials import row_serials

BARCODE_CHOICES = {"Auto": "auto", "Code128": "code128", "EAN-13": "ean13", "GS1-128": "gs1_128"}
MAX_LABELS = 5000


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
	price_list = frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
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


def labels_for_document(doctype: str, name: str) -> list[LabelData]:
	"""One label per unit received: per serial for serialized items, `qty` labels per lot line
	(and per line of an item followed by neither)."""
	if doctype not in RECEIPTS:
		frappe.throw(_("Labels are printed from receipts: {0} is not one.").format(_(doctype)))
	doc = frappe.get_doc(doctype, name)
	labels: list[LabelData] = []
	cache: dict[str, tuple] = {}
	for row in doc.get("items"):
		if not row_warehouse(doc, row, inward=True):
			continue
		if row.item_code not in cache:
			gtin, ean = item_codes(row.item_code)
			cache[row.item_code] = (gtin, ean, price_incl_tax(row.item_code))
		gtin, ean, price = cache[row.item_code]
		lot = row.get("batch_no") or row.get("dux_lot_no")
		expiry = frappe.db.get_value("Batch", lot, "expiry_date") if lot else None
		expiry = (
			getdate(expiry)
			if expiry
			else (getdate(row.dux_expiry_date) if row.get("dux_expiry_date") else None)
		)
		common = dict(
			item_code=row.item_code,
			item_name=row.item_name,
			price_text=price,
			lot=lot,
			expiry=expiry,
			gtin=gtin,
			ean=ean,
		)
		serials = row_serials(row)
		if not serials and not lot:
			common["gtin"] = None  # the item alone: its EAN-13 (or Code128), as on the shelf
		if serials:
			labels.extend(LabelData(**common, serial=serial) for serial in serials)
		else:
			units = max(0, round(flt(row.get("stock_qty") or row.get("transfer_qty") or row.qty)))
			labels.extend(LabelData(**common, serial=None) for _ in range(units))
		if len(labels) > MAX_LABELS:
			frappe.throw(_("More than {0} labels: print them in several documents.").format(MAX_LABELS))
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
	)


def label_blocks(label: LabelData, layout: LabelTemplate, fields: LabelFields) -> list[dict]:
	"""The label's strips (`core.labels.plan_label`), barcodes drawn as inline SVG."""
	try:
		plan = plan_label(label, layout, fields)
	except LabelLayoutError as error:
		frappe.throw(_("These labels do not fit: {0}").format(str(error)), title=_("Label Layout"))
	blocks = []
	for block in plan.blocks:
		svg = ""
		if block.kind == "bars":
			svg = bars_svg(block.modules[0])
		elif block.kind == "matrix":
			svg = matrix_svg(list(block.modules), MATRIX_QUIET_MODULES)
		blocks.append({"block": block, "svg": svg})
	return blocks


def sheet_html(labels: list[LabelData], template) -> str:
	layout = template_layout(template)
	try:
		layout.validate()
	except LabelLayoutError as error:
		frappe.throw(_("These labels do not fit: {0}").format(str(error)), title=_("Label Layout"))
	fields = template_fields(template)
	pages = []
	drawn: dict[tuple, list] = {}  # the boxes of one lot share their strips: lay them out once
	for page in paginate(labels, layout):
		placed = []
		for index, label in enumerate(label for row in page for label in row):
			x, y = position(index, layout) if layout.page == "A4" else (0.0, 0.0)
			key = (
				label.item_code,
				label.item_name,
				label.price_text,
				label.lot,
				label.expiry,
				label.serial,
				label.gtin,
				label.ean,
			)
			if key not in drawn:
				drawn[key] = label_blocks(label, layout, fields)
			placed.append({"x": x, "y": y, "label": label, "blocks": drawn[key]})
		pages.append(placed)
	scale = css_scale()
	return frappe.render_template(
		"dux_trace/templates/labels/sheet.html",
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


def sheet_pdf(labels: list[LabelData], template) -> bytes:
	from frappe.utils.pdf import get_pdf

	layout = template_layout(template)
	if layout.page == "A4":
		size = {"page-size": "A4"}
	else:
		size = {"page-width": f"{layout.label_width_mm}mm", "page-height": f"{layout.label_height_mm}mm"}
	# page size and zero margins are also in the sheet's .print-format style, where Frappe reads them
	return get_pdf(sheet_html(labels, template), {**size, "margin-left": "0mm", "margin-right": "0mm"})


def zpl(labels: list[LabelData], template) -> str:
	from dux_trace.core.labels import to_zpl_many

	try:
		return to_zpl_many(labels, template_layout(template), dpi=cint(template.dpi) or 203)
	except LabelLayoutError as error:
		frappe.throw(
			_("These labels cannot be printed as ZPL: {0}").format(str(error)), title=_("Label Layout")
		)
