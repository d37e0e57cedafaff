"""Item Price: no selling price below its item's floor by accident (pricing.floor)."""

from dux_trace.pricing.floor import record_override, validate_item_price


def validate(doc, method=None):
	validate_item_price(doc)


def on_update(doc, method=None):
	record_override(doc)
