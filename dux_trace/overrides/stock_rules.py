"""Outgoing stock documents (Delivery Note, Sales Invoice with stock, Stock Entry): the article's
negative-stock choice."""

from dux_trace.articles.stock_rules import validate_negative_stock


def before_submit(doc, method=None):
	validate_negative_stock(doc)
