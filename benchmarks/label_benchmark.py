"""Label printing speed: 1,000 labels of a receipt as A4 sheets, a thermal roll, ZPL and a GS1
DataMatrix sheet, against the former path (the same sheets as HTML with inline SVG through
Frappe's wkhtmltopdf, `frappe.utils.pdf.get_pdf`) measured in the same run on the same labels.

    cd ~/frappe-bench/sites
    ../env/bin/python ../apps/dux_trace/benchmarks/label_benchmark.py SITE [--labels 1000]

Makes (once, committed) a Purchase Receipt of LABELS units: a third serialized phones, two thirds
boxes of one lot, then times each output (median of runs) and prints its size. Nothing is
asserted: this measures.
"""

import argparse
import sys

import frappe
from bulk import site_connection, test_setup, timed
from frappe.utils import add_days, nowdate

PREFIX = "BLBL"


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("site")
	parser.add_argument("--labels", type=int, default=1000)
	parser.add_argument("--runs", type=int, default=3)
	args = parser.parse_args()

	with site_connection(args.site):
		receipt = make_receipt(args.labels)
		measure(receipt, args.runs)


def make_receipt(count: int) -> str:
	from dux_trace.tests.utils import COMPANY, CURRENCY, STORES, SUPPLIER, make_item

	test_setup()
	name = frappe.db.get_value(
		"Purchase Receipt", {"supplier_delivery_note": f"{PREFIX}-{count}", "docstatus": 1}
	)
	if name:
		return name
	phone = make_item(f"{PREFIX} Phone", "Serial", item_name="Smartphone A15")
	pills = make_item(f"{PREFIX} Doliprane", "Lot", item_name="Doliprane 1000 mg")
	for item, barcode in ((phone, "03760000000093"), (pills, "03400935955906")):
		if not item.barcodes:
			item.append("barcodes", {"barcode": barcode, "barcode_type": "GS1"})
			item.save()
	phones = count // 3
	serials = [f"BL{frappe.generate_hash(length=10).upper()}" for _ in range(phones)]
	receipt = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"company": COMPANY,
			"supplier": SUPPLIER,
			"currency": CURRENCY,
			"supplier_delivery_note": f"{PREFIX}-{count}",
			"items": [
				{
					"item_code": phone.name,
					"qty": phones,
					"rate": 2500,
					"warehouse": STORES,
					"use_serial_batch_fields": 1,
					"serial_no": "\n".join(serials),
				},
				{
					"item_code": pills.name,
					"qty": count - phones,
					"rate": 20,
					"warehouse": STORES,
					"dux_lot_no": f"{PREFIX}{frappe.generate_hash(length=4).upper()}",
					"dux_expiry_date": add_days(nowdate(), 400),
				},
			],
		}
	).insert()
	receipt.submit()
	frappe.db.commit()
	return receipt.name


def measure(receipt: str, runs: int):
	from frappe.utils.pdf import get_pdf

	from dux_trace.stock.labels import labels_for_document, sheet_html, sheet_pdf, zpl

	labels = labels_for_document("Purchase Receipt", receipt)
	a4 = frappe.get_doc("Dux Label Template", "A4 3 x 8 (70 x 37 mm)")
	roll = frappe.get_doc("Dux Label Template", "Roll 50 x 30 mm")
	matrix = frappe.copy_doc(a4)
	matrix.barcode = "GS1 DataMatrix"

	def wkhtmltopdf(template):
		layout = template.page == "A4"
		size = (
			{"page-size": "A4"}
			if layout
			else {
				"page-width": f"{template.label_width_mm}mm",
				"page-height": f"{template.label_height_mm}mm",
			}
		)
		return get_pdf(sheet_html(labels, template), {**size, "margin-left": "0mm", "margin-right": "0mm"})

	read_s, _ = timed(lambda: labels_for_document("Purchase Receipt", receipt), runs)
	print(f"receipt {receipt}: {len(labels):,} labels; reading its units {read_s * 1000:.0f} ms")
	print(f"{'':34} {'now':>9} {'size':>9}   {'wkhtmltopdf':>11} {'size':>9}   ratio")
	for title, template in (
		("A4 sheets PDF (3 x 8 a page)", a4),
		("thermal roll PDF (one a page)", roll),
		("GS1 DataMatrix A4 sheets PDF", matrix),
	):
		now_s, now_pdf = timed(lambda template=template: sheet_pdf(labels, template), runs)
		old_s, old_pdf = timed(lambda template=template: wkhtmltopdf(template), 1 if runs > 1 else runs)
		print(
			f"{title:34} {now_s:8.2f}s {len(now_pdf) / 1e6:7.2f}MB   {old_s:10.2f}s {len(old_pdf) / 1e6:7.2f}MB"
			f"   {old_s / now_s:5.1f}x faster"
		)
	zpl_s, zpl_text = timed(lambda: zpl(labels, roll), runs)
	print(f"{'ZPL (roll template)':34} {zpl_s:8.2f}s {len(zpl_text) / 1e6:7.2f}MB")
	matrix_roll = frappe.copy_doc(roll)
	matrix_roll.barcode = "GS1 DataMatrix"
	zpl_s, zpl_text = timed(lambda: zpl(labels, matrix_roll), runs)
	print(f"{'ZPL GS1 DataMatrix (roll)':34} {zpl_s:8.2f}s {len(zpl_text) / 1e6:7.2f}MB")


if __name__ == "__main__":
	sys.exit(main())
