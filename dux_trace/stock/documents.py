"""Which ERPNext documents move stock, and how their rows are read: the one place that says it.

- *sales*: Delivery Note, Sales Invoice (with stock), POS Invoice: stock leaves to a customer;
- *receipts*: Purchase Receipt, Purchase Invoice (with stock), Stock Entry rows into a warehouse;
- *outgoing*: the sales, Stock Entry rows out of a warehouse, and Pick List locations: every row
  that takes stock out, where FEFO and quarantine apply;
- *selling*: the sales and the documents before them (Quotation, Sales Order): where prices,
  discounts and authorizations apply.

A return is neither a sale nor a receipt: its stock goes the other way, against its original.
The desk gets the same lists through the boot (`frappe.boot.dux_trace`).
"""

from dataclasses import dataclass

from frappe.utils import cint, flt

SALES = ("Delivery Note", "Sales Invoice", "POS Invoice")
RECEIPTS = ("Purchase Receipt", "Purchase Invoice", "Stock Entry")
PURCHASES = ("Purchase Receipt", "Purchase Invoice")
SELLING = ("Quotation", "Sales Order", *SALES)
#: documents of a sale whose stock moves only with their update_stock
STOCK_OPTIONAL = ("Sales Invoice", "Purchase Invoice")


@dataclass(frozen=True)
class Rows:
	"""Where an outgoing document keeps its rows: child table, source warehouse field."""

	table: str
	warehouse: str


OUTGOING = {
	"Delivery Note": Rows("items", "warehouse"),
	"Sales Invoice": Rows("items", "warehouse"),
	"POS Invoice": Rows("items", "warehouse"),
	"Stock Entry": Rows("items", "s_warehouse"),
	"Pick List": Rows("locations", "warehouse"),
}


def moves_stock(doc) -> bool:
	"""False for an invoice that does not update stock."""
	return doc.doctype not in STOCK_OPTIONAL or bool(cint(doc.get("update_stock")))


def is_sale(doc) -> bool:
	return doc.doctype in SALES and not doc.get("is_return") and moves_stock(doc)


def is_receipt(doc) -> bool:
	return doc.doctype in RECEIPTS and not doc.get("is_return") and moves_stock(doc)


def is_outgoing(doc) -> bool:
	return doc.doctype in OUTGOING and not doc.get("is_return") and moves_stock(doc)


def row_stock_qty(row) -> float:
	"""A row's quantity in the item's stock UOM."""
	return flt(row.get("stock_qty") or row.get("transfer_qty")) or flt(row.get("qty")) * (
		flt(row.get("conversion_factor")) or 1
	)


def units(qty) -> str:
	"""A quantity as the clerk reads it: 14, not 14.0."""
	return f"{flt(qty, 6):g}"


def row_warehouse(doc, row, inward: bool) -> str | None:
	"""The warehouse a row's stock goes into (inward) or leaves from; None when it does not."""
	if doc.doctype == "Stock Entry":
		if inward:
			return row.get("t_warehouse") if not row.get("s_warehouse") else None
		return row.get("s_warehouse")
	return row.get("warehouse")


def incoming_rows(doc) -> list:
	"""The rows of a receipt with a target warehouse (Stock Entry transfers included: a lot typed
	there is checked against its Batch like one received)."""
	if not is_receipt(doc):
		return []
	target = "t_warehouse" if doc.doctype == "Stock Entry" else "warehouse"
	return [row for row in doc.get("items") or [] if row.get("item_code") and row.get(target)]


def outgoing_rows(doc) -> list:
	"""The rows of an outgoing document that take stock out of a warehouse."""
	if not is_outgoing(doc):
		return []
	rows = OUTGOING[doc.doctype]
	return [row for row in doc.get(rows.table) or [] if row.get("item_code") and row.get(rows.warehouse)]


def boot() -> dict:
	"""The lists, for the desk's scripts."""
	return {
		"sales": list(SALES),
		"receipts": list(RECEIPTS),
		"outgoing": list(OUTGOING),
		"selling": list(SELLING),
	}
