"""Selling documents (Quotation, Sales Order, Delivery Note, Sales Invoice, POS Invoice): the
article rules that apply to every sale (what the customer may buy, authorizations, the maximum
discount)."""

from dux_trace.articles.authorizations import (
	record_overrides,
	validate_authorizations,
	validate_party_specific_items,
)
from dux_trace.pricing.discounts import record_override, validate_max_discount


def validate(doc, method=None):
	validate_party_specific_items(doc)
	validate_authorizations(doc)
	validate_max_discount(doc)


def on_submit(doc, method=None):
	record_override(doc)
	record_overrides(doc)
