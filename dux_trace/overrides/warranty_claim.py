"""Warranty Claim: a claim for a serial we never sold is flagged, or refused with the Block
setting (dux_trace.stock.after_sales)."""

from dux_trace.stock.after_sales import check_warranty_claim


def validate(doc, method=None):
	check_warranty_claim(doc)
