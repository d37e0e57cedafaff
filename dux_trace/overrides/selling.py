"""Selling documents (Quotation, Sales Order, Delivery Note, Sales Invoice, POS Invoice): the
article card's rules that apply to every sale."""

from dux_trace.pricing.discounts import record_override, validate_max_discount


def validate(doc, method=None):
	validate_max_discount(doc)


def on_submit(doc, method=None):
	record_override(doc)
