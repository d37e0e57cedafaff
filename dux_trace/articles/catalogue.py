"""The inactive catalogue: ERPNext's disabled items (*Actif* unticked), with their last movement
and the stock they still hold; reactivated in bulk through ERPNext's own Item save."""

import frappe
from frappe import _
from frappe.query_builder.functions import Max, Sum
from frappe.utils import flt
from frappe.utils.nestedset import get_descendants_of

from dux_trace.permissions import require

MAX_REACTIVATE = 1000


def inactive_items(item_group: str | None = None, with_stock_only: bool = False) -> list[dict]:
	item, bin_, sle = (
		frappe.qb.DocType("Item"),
		frappe.qb.DocType("Bin"),
		frappe.qb.DocType("Stock Ledger Entry"),
	)
	stock = (
		frappe.qb.from_(bin_)
		.select(bin_.item_code, Sum(bin_.actual_qty).as_("qty"), Sum(bin_.stock_value).as_("stock_value"))
		.groupby(bin_.item_code)
	).as_("stock")
	moves = (
		frappe.qb.from_(sle)
		.select(sle.item_code, Max(sle.posting_date).as_("last_movement"))
		.where(sle.is_cancelled == 0)
		.groupby(sle.item_code)
	).as_("moves")
	query = (
		frappe.qb.from_(item)
		.left_join(stock)
		.on(stock.item_code == item.name)
		.left_join(moves)
		.on(moves.item_code == item.name)
		.select(
			item.name.as_("item_code"),
			item.item_name,
			item.item_group,
			moves.last_movement,
			stock.qty,
			stock.stock_value,
		)
		.where(item.disabled == 1)
		.orderby(item.name)
	)
	if item_group:
		query = query.where(item.item_group.isin([item_group, *get_descendants_of("Item Group", item_group)]))
	rows = []
	for row in query.run(as_dict=True):
		row.qty, row.stock_value = flt(row.qty), flt(row.stock_value)
		if with_stock_only and row.qty <= 0:
			continue
		rows.append(row)
	return rows


def reactivate(item_codes: list[str]) -> int:
	"""Enable the items (each saved by ERPNext, as the user: Item write permission)."""
	if not isinstance(item_codes, list) or not item_codes or len(item_codes) > MAX_REACTIVATE:
		frappe.throw(_("Give between 1 and {0} items to reactivate.").format(MAX_REACTIVATE))
	done = 0
	for code in item_codes:
		if not isinstance(code, str) or not frappe.db.exists("Item", code):
			frappe.throw(_("Item {0} does not exist.").format(frappe.bold(str(code)[:140])))
		item = frappe.get_doc("Item", code)
		require("Item", "write", doc=item)
		if item.disabled:
			item.disabled = 0
			item.save()
			done += 1
	return done
