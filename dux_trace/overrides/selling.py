"""Selling documents (Quotation, Sales Order, Delivery Note, Sales Invoice, POS Invoice): the
article rules that apply to every sale (what the customer may buy, authorizations, the maximum
discount); the rules passed with a role and a reason are recorded on submit."""

from dux_trace import rule_overrides
from dux_trace.articles.authorizations import validate_authorizations, validate_party_specific_items
from dux_trace.pricing.discounts import validate_max_discount


def validate(doc, method=None):
	validate_party_specific_items(doc)
	validate_authorizations(doc)
	validate_max_discount(doc)


def on_submit(doc, method=None):
	rule_overrides.record_held(doc)
