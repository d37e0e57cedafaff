"""What the app's rules need to know of a document's items, read in one query per document.

A save or submit runs several rules over the same rows (FEFO, serials, quarantine, negative stock,
authorizations), each needing a few Item columns. They all read them here: one query for the
document's items, kept on the document object (`doc.flags`) while it lives — a save or submit
within one request. Items added to the document later are read when first asked for.
"""

import frappe

#: the Item columns the rules read (the app's own custom fields included)
FIELDS = (
	"name",
	"item_group",
	"brand",
	"has_batch_no",
	"has_serial_no",
	"has_expiry_date",
	"dux_dot_tracked",
	"dux_serial_pattern",
	"dux_scan_serial_at_sale",
	"dux_warranty_months",
	"dux_negative_stock",
	"max_discount",
)

_FLAG = "dux_item_facts"


def item_facts(doc, item_codes) -> dict:
	"""{item_code: Item columns} for those of `item_codes` that exist."""
	wanted = set(filter(None, item_codes))
	flags = getattr(doc, "flags", None)
	known: dict = flags.setdefault(_FLAG, {}) if flags is not None else {}
	if unknown := wanted - set(known):
		for item in frappe.get_all("Item", filters={"name": ("in", list(unknown))}, fields=list(FIELDS)):
			known[item.name] = item
		for code in unknown - set(known):
			known[code] = None  # no such item: not asked again
	return {code: known[code] for code in wanted if known[code] is not None}


def items_where(doc, item_codes, flag: str) -> dict:
	"""{item_code: Item columns} for those of the items that have `flag` set (has_batch_no, ...)."""
	return {code: item for code, item in item_facts(doc, item_codes).items() if item.get(flag)}


def forget(doc) -> None:
	"""Read the items again at the next question (an item changed during the document's life)."""
	if getattr(doc, "flags", None) is not None:
		doc.flags.pop(_FLAG, None)
