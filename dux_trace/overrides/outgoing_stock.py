"""Outgoing stock documents (Delivery Note, Sales Invoice with stock, POS Invoice, Stock Entry,
Pick List): what runs on save and submit, in order. The rules live in their services: FEFO in
stock.fefo, recalled serials in stock.quarantine, the row locks in stock.bins."""

from dux_trace.stock import fefo
from dux_trace.stock.bins import lock_for_submit
from dux_trace.stock.documents import is_outgoing
from dux_trace.stock.lots import BIN_VERSIONS, batch_lines, start_of_save
from dux_trace.stock.quarantine import refuse_recalled_serials


def before_validate(doc, method=None):
	"""Before ERPNext validates (and would put its own default lot, FIFO, on rows without one):
	rows without a lot get FEFO lots, and an expired, recalled or too-short lot is refused as soon
	as it is on the document. Runs on submit too, so that a row still without a lot then is not
	left to ERPNext's FIFO pick."""
	if doc.docstatus == 2 or not is_outgoing(doc):
		return
	# first: sellers of the same stock wait here, not deadlock later (read by stock.lots)
	doc.flags[BIN_VERSIONS] = lock_for_submit(doc) if doc.get("_action") == "submit" else None
	refuse_recalled_serials(doc)
	start_of_save(doc)
	if lines := batch_lines(doc):
		if doc.doctype != "Pick List":  # its locations are rebuilt in before_save: see repick_fefo
			fefo.fill(doc, lines)
		fefo.enforce(doc, lines, hard_only=True)


def validate(doc, method=None):
	"""On save: the FEFO warnings, kept on the document for the form to show before submit."""
	if doc.docstatus != 0 or not is_outgoing(doc) or not doc.meta.has_field(fefo.WARNINGS_FIELD):
		return
	doc.set(fefo.WARNINGS_FIELD, "<br>".join(fefo.warnings(doc, batch_lines(doc))) or None)


def before_submit(doc, method=None):
	if is_outgoing(doc) and (lines := batch_lines(doc)):
		fefo.enforce(doc, lines)


def repick_fefo(doc, method=None):
	"""Pick List before_save, after ERPNext's own pick (Stock Settings order, FIFO by default)."""
	fefo.repick(doc)
