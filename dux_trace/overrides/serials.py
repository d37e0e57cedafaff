"""Serial numbers on receipts (Purchase Receipt, Purchase Invoice, Stock Entry) and sales
(Delivery Note, Sales Invoice, POS Invoice, returns included): when each rule of
stock.serial_rules runs."""

from dux_trace.stock import serial_rules


def validate_receipt(doc, method=None):
	serial_rules.check_receipt(doc)


def before_submit_receipt(doc, method=None):
	serial_rules.check_receipt_on_submit(doc)


def validate_sale(doc, method=None):
	serial_rules.check_sale(doc)  # a return: its serials against the original's


def before_submit_sale(doc, method=None):
	serial_rules.check_sale_on_submit(doc)  # locks the serials; after_sale reads what it locked


def on_submit_sale(doc, method=None):
	serial_rules.after_sale(doc)  # warranty end dates
