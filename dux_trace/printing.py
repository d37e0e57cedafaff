"""Jinja helpers for dux_trace's print formats (hooks.py `jinja.methods`)."""

import frappe
from frappe.utils import getdate

from dux_trace.core.barcodes import BarcodeError, Symbology, element_string, render_svg
from dux_trace.stock.labels import item_codes, price_incl_tax


def label_barcode(item_code: str, batch_no: str | None = None, serial_no: str | None = None) -> str:
	"""The label's barcode as inline SVG: GS1-128 (GTIN, expiry, lot, serial) when the item has a
	GTIN, EAN-13 for the item alone, Code128 of the serial, lot or item code otherwise."""
	gtin, _ean = item_codes(item_code)
	try:
		if gtin and (batch_no or serial_no):
			expiry = frappe.db.get_value("Batch", batch_no, "expiry_date") if batch_no else None
			data, text = element_string(
				gtin, lot=batch_no, expiry=getdate(expiry) if expiry else None, serial=serial_no
			)
			return render_svg(data, Symbology.GS1_128, text=text)
		if gtin and gtin.startswith("0"):
			return render_svg(gtin[1:], Symbology.EAN13)
		return render_svg(serial_no or batch_no or item_code, Symbology.CODE128)
	except BarcodeError:
		# a lot or serial outside the GS1 character set still gets a scannable Code128
		return render_svg(serial_no or batch_no or item_code, Symbology.CODE128)


def label_price(item_code: str) -> str:
	"""The item's selling price incl. tax, formatted, for labels ('' when it has none)."""
	return price_incl_tax(item_code) or ""
