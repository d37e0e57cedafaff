"""Item Price: no selling price below its item's floor by accident (pricing.floor)."""

from dux_trace import rule_overrides
from dux_trace.pricing.floor import validate_item_price


def validate(doc, method=None):
	validate_item_price(doc)


def on_update(doc, method=None):
	rule_overrides.record_held(doc)
