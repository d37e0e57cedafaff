"""ERPNext's item details, with FEFO lots.

When a seller picks an item on a Delivery Note, Sales Invoice or POS Invoice row (desk form or
Point of Sale), ERPNext's `get_item_details` proposes a lot by itself (Stock Settings order, FIFO
by default). This wrapper (hooked through `override_whitelisted_methods`) proposes the
earliest-expiring usable lot instead; when no single lot covers the quantity it leaves the lot
empty, and the document splits the quantity over lots when it is saved.
"""

import json

import frappe
from frappe.utils import flt, getdate, nowdate

from dux_trace.core.fefo import allocate
from dux_trace.permissions import ITEM_DETAIL_COSTS, can_see_costs
from dux_trace.stock.documents import SALES
from dux_trace.stock.lots import DOT_FIELD, lots_in_warehouse


@frappe.whitelist()
def get_item_details(ctx=None, doc=None, for_validate=False, overwrite_warehouse=True, args=None):
	"""ERPNext's signature: `ctx` (version-16) or `args` (version-15), passed on positionally."""
	from erpnext.stock.get_item_details import get_item_details as erpnext_get_item_details

	ctx = ctx if ctx is not None else args
	out = erpnext_get_item_details(ctx, doc, for_validate, overwrite_warehouse)
	if not can_see_costs():
		# ERPNext answers any signed-in user; the app shows costs only where the rule allows
		for field in ITEM_DETAIL_COSTS:
			out.pop(field, None)
	ctx = frappe._dict(json.loads(ctx) if isinstance(ctx, str) else ctx)
	if ctx.get("batch_no") or not out.get("has_batch_no") or not out.get("batch_no"):
		return out
	if ctx.get("doctype") not in SALES or ctx.get("is_return"):
		return out
	dated = frappe.get_cached_value("Item", out.item_code, ["has_expiry_date", DOT_FIELD])
	if not any(dated) or not out.get("warehouse"):
		return out

	on_date = getdate(ctx.get("posting_date") or ctx.get("transaction_date") or nowdate())
	probe = frappe._dict(
		doctype=ctx.doctype, name=ctx.get("name"), posting_date=on_date, posting_time=ctx.get("posting_time")
	)
	qty = flt(out.get("stock_qty")) or flt(ctx.get("qty")) or 1
	result = allocate(lots_in_warehouse(out.item_code, out.warehouse, probe), qty, on_date)
	if result.allocations and len(result.allocations) == 1 and not result.shortfall:
		out["batch_no"] = result.allocations[0].batch_no
	else:
		out["batch_no"] = None
	return out
