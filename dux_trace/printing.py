"""Jinja helpers for dux_trace's print formats (hooks.py `jinja.methods`)."""

import frappe
from frappe.utils import getdate

from dux_trace.core.barcodes import BarcodeError, Symbology, render_svg
from dux_trace.core.label_barcodes import choose_barcode
from dux_trace.core.label_templates import LabelData, LabelLayoutError
from dux_trace.stock.labels import item_codes, price_incl_tax


def label_barcode(item_code: str, batch_no: str | None = None, serial_no: str | None = None) -> str:
	"""The label's barcode as inline SVG, chosen as the label sheets choose it
	(`core.label_barcodes.choose_barcode`, check digits verified): GS1-128 (GTIN, expiry, lot, serial) when
	the item has a GTIN, EAN-13 for the item alone, Code128 of the serial, lot or item code
	otherwise — and a Code128 when the GS1 data cannot be made (a wrong GTIN, a lot outside GS1's
	characters)."""
	gtin, ean = item_codes(item_code)
	expiry = frappe.db.get_value("Batch", batch_no, "expiry_date") if batch_no else None
	label = LabelData(
		item_code=item_code,
		lot=batch_no,
		serial=serial_no,
		expiry=getdate(expiry) if expiry else None,
		gtin=gtin,
		ean=ean,
	)
	try:
		# an item label (no lot, no serial) is read at the till: its EAN-13
		preferred = "ean13" if ean and not (batch_no or serial_no) else "auto"
		symbology, data, text = choose_barcode(label, preferred)
		return render_svg(data, symbology, text=text)
	except (LabelLayoutError, BarcodeError):
		code = serial_no or batch_no or item_code
		return render_svg(code, Symbology.CODE128, text=code)


def label_price(item_code: str) -> str:
	"""The item's selling price incl. tax, formatted, for labels ('' when it has none)."""
	return price_incl_tax(item_code) or ""
