"""Label printing speed: 1,000 labels to PDF through Frappe's PDF path, on A4 sheets and on a
thermal roll, and as ZPL; against ERPNext's own PDF of the receipt they come from.

    cd ~/frappe-bench/sites
    ../env/bin/python ../apps/dux_trace/benchmarks/label_benchmark.py SITE [--labels 1000]

Makes (once, committed) a Purchase Receipt of LABELS units: a third serialized phones, two thirds
boxes of one lot, then times each output (median of runs). ERPNext has no label printing: the
comparison is ERPNext's standard PDF of the same Purchase Receipt (one line per item, rendered the
same way), to place the cost of a label sheet next to a document users already print.
Nothing is asserted: this measures.
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
	read_s, _ = timed(lambda: labels_for_document("Purchase Receipt", receipt), runs)
	html_s, _ = timed(lambda: sheet_html(labels, a4), runs)
	a4_s, a4_pdf = timed(lambda: sheet_pdf(labels, a4), runs)
	roll_s, roll_pdf = timed(lambda: sheet_pdf(labels, roll), runs)
	zpl_s, zpl_text = timed(lambda: zpl(labels, roll), runs)

	# ERPNext's own PDF of the same receipt (standard format; assets left out: no web server here)
	html = frappe.get_print("Purchase Receipt", receipt, no_letterhead=1)
	html = html.replace('<link type="text/css" rel="stylesheet"', '<link type="text/css" data-off="1"')
	erp_s, _pdf = timed(lambda: get_pdf(html), runs)

	print(f"receipt {receipt}: {len(labels):,} labels")
	print(f"read the receipt's units:            {read_s * 1000:8.0f} ms")
	print(f"A4 sheet HTML (barcodes as SVG):     {html_s * 1000:8.0f} ms")
	print(f"A4 sheets PDF (3 x 8 per page):      {a4_s * 1000:8.0f} ms, {len(a4_pdf) // 1024} KB")
	print(f"thermal roll PDF (one per page):     {roll_s * 1000:8.0f} ms, {len(roll_pdf) // 1024} KB")
	print(f"ZPL text:                            {zpl_s * 1000:8.0f} ms, {len(zpl_text) // 1024} KB")
	print(f"ERPNext standard PDF of the receipt: {erp_s * 1000:8.0f} ms")
	print(f"ratio {len(labels):,}-label A4 PDF / ERPNext receipt PDF: {a4_s / erp_s:.1f}x")


if __name__ == "__main__":
	sys.exit(main())
