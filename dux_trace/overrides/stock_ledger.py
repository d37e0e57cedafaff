"""ERPNext's stock ledger as it moves: the CMP of each item follows (dux_trace.pricing.cmp)."""

from dux_trace.pricing import cmp


def on_submit(doc, method=None):
	"""A Stock Ledger Entry submitted by ERPNext (every posting, and the reversal of a cancel)."""
	cmp.on_stock_ledger_entry(doc)


def on_submit_repost(doc, method=None):
	"""A Repost Item Valuation (Landed Cost Voucher, back-dated entry) revalues the ledger."""
	cmp.on_repost(doc)
