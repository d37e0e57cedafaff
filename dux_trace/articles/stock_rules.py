"""Negative stock per article (*Stock Négatif*).

ERPNext has `Item.allow_negative_stock`, but its global Stock Settings switch wins over it
(ERPNext #38014): with the switch on, every item may go negative. The article's own choice,
*Negative Stock* on Item, closes that: *Forbidden* refuses negative stock for the item even when
the global switch allows it (checked on submit of every outgoing document, on ERPNext's Bin of
each warehouse); *Allowed* sets ERPNext's own flag and ERPNext behaves as usual; empty follows
Stock Settings.
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt

from dux_trace.stock.documents import OUTGOING, is_outgoing, outgoing_rows, row_stock_qty
from dux_trace.stock.items import item_facts

FIELD = "dux_negative_stock"


class NegativeStockForbiddenError(frappe.ValidationError):
	pass


def sync_negative_stock(item):
	"""Item validate: *Allowed* / *Forbidden* drive ERPNext's own allow_negative_stock."""
	choice = item.get(FIELD)
	if choice == "Allowed":
		item.allow_negative_stock = 1
	elif choice == "Forbidden":
		item.allow_negative_stock = 0


def validate_negative_stock(doc):
	"""Before submit of an outgoing document: an article set to *Forbidden* never goes below zero
	in a warehouse, whatever Stock Settings say (ERPNext itself refuses it when the switch is off)."""
	if not is_outgoing(doc) or not frappe.db.get_single_value("Stock Settings", "allow_negative_stock"):
		return
	out: dict[tuple[str, str], float] = defaultdict(float)
	for row in outgoing_rows(doc):
		out[(row.item_code, row.get(OUTGOING[doc.doctype].warehouse))] += row_stock_qty(row)
	if not out:
		return
	facts = item_facts(doc, {item for item, _w in out})
	forbidden = {code for code, item in facts.items() if item.get(FIELD) == "Forbidden"}
	for (item_code, warehouse), qty in out.items():
		if item_code not in forbidden:
			continue
		in_stock = flt(
			frappe.db.get_value("Bin", {"item_code": item_code, "warehouse": warehouse}, "actual_qty")
		)
		if in_stock - qty < 0:
			frappe.throw(
				_("{0} may not go below zero in {1}: {2} in stock, {3} asked, {4} short.").format(
					frappe.bold(item_code), frappe.bold(warehouse), in_stock, qty, qty - in_stock
				),
				NegativeStockForbiddenError,
				title=_("Negative Stock Forbidden"),
			)


def sync_dot_item(item):
	"""Item validate: a DOT-tracked item is a batch item whose lots have no expiry (their date is
	the DOT's manufacturing week)."""
	if item.get("dux_dot_tracked"):
		item.has_batch_no = 1
		item.has_expiry_date = 0
		item.create_new_batch = 0
