"""Reading lots (ERPNext Batches) for the FEFO rules in `dux_trace.core.fefo`.

Quantities come from ERPNext's own batch-wise balance (`get_auto_batch_nos`, the function its
auto-pick uses: Serial and Batch Bundle ledger, minus stock reservations, without POS Invoices
not yet consolidated, which move no stock); expiry and
manufacturing dates from Batch. Nothing here decides anything: the core does.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, format_date, getdate, now_datetime, nowdate, nowtime
from pypika.terms import ExistsCriterion

from dux_trace.compat import bundle_posting_values
from dux_trace.core.fefo import Lot, ShelfLifeRule
from dux_trace.stock.documents import OUTGOING, RECEIPTS, SALES, outgoing_rows, row_stock_qty
from dux_trace.stock.items import forget, items_where
from dux_trace.stock.quarantine import recall_holding

#: Item flag: a tyre's lots are its DOT date codes (see dux_trace.stock.dot)
DOT_FIELD = "dux_dot_tracked"


@dataclass
class LotLine:
	"""One outgoing row of a batch item."""

	row: object
	item_code: str
	warehouse: str
	qty: float
	#: its lots leave in date order: by expiry, or (tyres) by DOT manufacturing date
	dated: bool


def batch_lines(doc) -> list[LotLine]:
	rows = outgoing_rows(doc)
	if not rows:
		return []
	items = items_where(doc, {row.item_code for row in rows}, "has_batch_no")
	return [
		LotLine(
			row=row,
			item_code=row.item_code,
			warehouse=row.get(OUTGOING[doc.doctype].warehouse),
			qty=row_stock_qty(row),
			dated=bool(items[row.item_code].has_expiry_date or items[row.item_code].get(DOT_FIELD)),
		)
		for row in rows
		if row.item_code in items
	]


def start_of_save(doc) -> None:
	"""A new save or submit of the document: read its items, lots and customer's rule again (each is
	read once per save, see lots_in_warehouse)."""
	for flag in ("dux_trace_lots", "dux_shelf_life"):
		doc.flags.pop(flag, None)
	forget(doc)


def lots_in_warehouse(item_code: str, warehouse: str, doc) -> list[Lot]:
	"""Every enabled lot of the item with stock in the warehouse at the document's posting time,
	expired ones included (the core needs to see them to refuse them), the document itself left out.

	Read once per item and warehouse while the document is being saved or submitted: a draft moves
	no stock, so the answer cannot change in between."""
	flags = doc.get("flags") if isinstance(doc, dict) else getattr(doc, "flags", None)
	cache = flags.setdefault("dux_trace_lots", {}) if flags is not None else {}
	if (item_code, warehouse) not in cache:
		cache[(item_code, warehouse)] = read_lots(item_code, warehouse, doc)
	return cache[(item_code, warehouse)]


def read_lots(item_code: str, warehouse: str, doc) -> list[Lot]:
	qty_by_batch = lot_qtys_in_warehouse(item_code, warehouse, doc)
	return [
		Lot(
			batch_no=batch.name,
			qty=qty_by_batch[batch.name],
			expiry_date=getdate(batch.expiry_date) if batch.expiry_date else None,
			manufacturing_date=getdate(batch.manufacturing_date) if batch.manufacturing_date else None,
			blocked_reason=_("recall {0}").format(batch.recall) if batch.recall else None,
		)
		for batch in batch_details(qty_by_batch)
		# a lot disabled since its balance was read (ERPNext's balance leaves disabled lots out)
		if qty_by_batch[batch.name] > 0 and not batch.disabled
	]


#: how long a lot balance read on save stays reusable by the submit that follows
BALANCE_SECONDS = 15 * 60
#: doc.flags key: {(item, warehouse): Bin modified} read by `bins.lock_for_submit` under its lock
BIN_VERSIONS = "dux_bin_versions"


def lot_qtys_in_warehouse(item_code: str, warehouse: str, doc) -> dict[str, float]:
	"""{lot: quantity} of the item in the warehouse at the document's posting time: ERPNext's
	batch-wise balance, read once for a save and its submit when no stock of the item moved in the
	warehouse in between.

	Every posting of stock (Stock Ledger Entry, repost, reservation) rewrites the item's Bin in that
	warehouse in the same transaction, with a new `modified`: a Bin's `modified` is a version of its
	ledger. A save reads the Bin with a plain read, in the same snapshot as the balance, and keeps
	the balance in the cache under that version (not when a stock entry is dated after now: the
	balance "now" would then change with the clock). A submit has just locked the Bin and read its
	latest committed version (`bins.lock_for_submit`): the same version means the same ledger, so
	the balance of the save is still true and ERPNext's read (six statements) is not repeated;
	another version means it is read again. What the balance does not say is read each time: the
	lots' expiry, whether they are disabled, and the recalls. Not seen until stock moves or the
	cache expires: a lot enabled again after the save (FEFO then does not know it is there); on
	version-16, a repost of a long backdated history, which commits its ledger in chunks and writes
	the Bin at the end (a save and a submit on either side of such a commit: rare)."""
	posting = _posting_key(doc)
	locked = doc.flags.get(BIN_VERSIONS) if getattr(doc, "flags", None) is not None else None
	if locked is not None:  # submit: the Bins are locked, their versions the latest committed
		version = locked.get((item_code, warehouse))
		cached = (
			frappe.cache.get_value(_balance_key(item_code, warehouse, version, posting), expires=True)
			if version and posting
			else None
		)
		# not kept: this read's snapshot may be older than the version just locked
		return cached if cached is not None else read_balances(item_code, warehouse, doc)
	version, future = _bin_version(item_code, warehouse)
	key = (
		_balance_key(item_code, warehouse, version, posting)
		if version and posting and not (future and posting == "now")
		else None
	)
	if key and (cached := frappe.cache.get_value(key, expires=True)) is not None:
		return cached
	balances = read_balances(item_code, warehouse, doc)
	if key:
		frappe.cache.set_value(key, balances, expires_in_sec=BALANCE_SECONDS)
	return balances


def read_balances(item_code: str, warehouse: str, doc) -> dict[str, float]:
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import get_auto_batch_nos

	balances = get_auto_batch_nos(
		frappe._dict(
			item_code=item_code,
			warehouse=warehouse,
			# without "Edit Posting Date and Time", ERPNext posts the document now
			posting_date=doc.get("posting_date") if doc.get("set_posting_time") else nowdate(),
			posting_time=(doc.get("posting_time") or nowtime()) if doc.get("set_posting_time") else nowtime(),
			for_stock_levels=True,
			ignore_voucher_nos=[doc.name] if doc.name else None,
		)
	)
	qty_by_batch: dict[str, float] = {}
	for balance in balances:
		qty_by_batch[balance.batch_no] = qty_by_batch.get(balance.batch_no, 0) + flt(balance.qty)
	return qty_by_batch


def _posting_key(doc) -> str | None:
	"""When `read_balances` reads: the document's posting date and time, or now; None when it
	reads at a given date but the current time (no posting time yet), which is not kept."""
	if not doc.get("set_posting_time"):
		return "now"
	if doc.get("posting_time"):
		return f"{doc.get('posting_date')} {doc.get('posting_time')}"
	return None


def _balance_key(item_code: str, warehouse: str, version, posting: str) -> str:
	return f"dux_trace:lot_balance:{item_code}\x1f{warehouse}\x1f{version}\x1f{posting}"


def _bin_version(item_code: str, warehouse: str) -> tuple[object, bool]:
	"""(the Bin's `modified`, whether a stock entry of the item there is dated after now), in one
	plain read; (None, False) without a Bin."""
	bin_ = frappe.qb.DocType("Bin")
	ledger = frappe.qb.DocType("Stock Ledger Entry")
	later = (
		frappe.qb.from_(ledger)
		.select(ledger.name)
		.where(ledger.item_code == item_code)
		.where(ledger.warehouse == warehouse)
		.where(ledger.is_cancelled == 0)
		.where(ledger.posting_datetime > now_datetime())
		.limit(1)
	)
	rows = (
		frappe.qb.from_(bin_)
		.select(bin_.modified, ExistsCriterion(later).as_("future"))
		.where(bin_.item_code == item_code)
		.where(bin_.warehouse == warehouse)
		.run()
	)
	return (rows[0][0], bool(rows[0][1])) if rows else (None, False)


def batch_details(batch_nos: Iterable[str]) -> list:
	"""The lots' dates, and the open recall holding each (None when free), in one statement."""
	batch_nos = list(batch_nos)
	if not batch_nos:
		return []
	batch = frappe.qb.DocType("Batch")
	return (
		frappe.qb.from_(batch)
		.select(
			batch.name,
			batch.expiry_date,
			batch.manufacturing_date,
			batch.disabled,
			recall_holding(batch.name).as_("recall"),
		)
		.where(batch.name.isin(batch_nos))
		.run(as_dict=True)
	)


def chosen_lots(line: LotLine) -> list[tuple[str, float]]:
	"""The lots the row already carries: its batch_no field when the row says it uses it (ERPNext
	rebuilds the bundle from it on save: a lot just chosen on the form counts, not the bundle of the
	last save), else its bundle's entries."""
	row = line.row
	if row.get("use_serial_batch_fields") and row.get("batch_no"):
		return [(row.batch_no, line.qty)]
	if row.get("serial_and_batch_bundle"):
		entries = frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": row.serial_and_batch_bundle},
			fields=["batch_no", "qty"],
		)
		return [(entry.batch_no, abs(flt(entry.qty))) for entry in entries if entry.batch_no]
	if row.get("batch_no"):
		return [(row.batch_no, line.qty)]
	return []


def shelf_life_rule(doc) -> ShelfLifeRule | None:
	"""The minimum remaining shelf life the document's customer accepts, if any."""
	customer = doc.get("customer")
	if not customer or doc.doctype not in (*SALES, "Pick List"):
		return None
	flags = getattr(doc, "flags", None)
	cached = flags.get("dux_shelf_life") if flags is not None else None
	if cached and cached[0] == customer:
		return cached[1]
	values = frappe.db.get_value(
		"Customer", customer, ["dux_min_shelf_life_days", "dux_min_shelf_life_percent"], as_dict=True
	)
	rule = None
	if values and (values.dux_min_shelf_life_days or values.dux_min_shelf_life_percent):
		rule = ShelfLifeRule(
			min_days=cint(values.dux_min_shelf_life_days) or None,
			min_percent=flt(values.dux_min_shelf_life_percent) or None,
		)
	if flags is not None:
		flags.dux_shelf_life = (customer, rule)  # for this save (see lots_in_warehouse)
	return rule


def make_outward_bundle(doc, line: LotLine, batches: dict[str, float]) -> str:
	"""A draft Serial and Batch Bundle taking `batches` ({lot: qty}) out of the row's warehouse;
	ERPNext submits it with the document."""
	from erpnext.stock.serial_batch_bundle import SerialBatchCreation

	bundle = SerialBatchCreation(
		{
			"item_code": line.item_code,
			"warehouse": line.warehouse,
			**bundle_posting_values(doc.get("posting_date"), doc.get("posting_time")),
			"voucher_type": doc.doctype,
			# a document being inserted is not in the database yet: ERPNext links the bundle to it
			# when it validates the document again (on save or submit)
			"voucher_no": doc.name if frappe.db.exists(doc.doctype, doc.name) else None,
			"voucher_detail_no": line.row.name,
			"company": doc.company,
			"type_of_transaction": "Outward",
			"qty": line.qty,
			"batches": frappe._dict(batches),
			"do_not_submit": True,
		}
	).make_serial_and_batch_bundle()
	return bundle.name


# Lots at receipt ------------------------------------------------------------------------------


class LotExpiryMismatchError(frappe.ValidationError):
	pass


class LotWithoutExpiryError(frappe.ValidationError):
	pass


def ensure_lot(item_code: str, lot_no: str, expiry_date=None, manufacturing_date=None) -> str:
	"""The Batch for this supplier lot, created if new.

	A lot number already known for the item must come with the same expiry date: two expiry
	dates for one lot would defeat FEFO and recalls. A new lot needs an expiry date, given or
	computed from the manufacturing date and the item's shelf life.
	"""
	lot_no = lot_no.strip()
	expiry_date = getdate(expiry_date) if expiry_date else None
	manufacturing_date = getdate(manufacturing_date) if manufacturing_date else None

	existing = frappe.db.get_value("Batch", lot_no, ["item", "expiry_date"], as_dict=True)
	if existing:
		if existing.item != item_code:
			frappe.throw(
				_("Lot {0} belongs to item {1}, not to {2}.").format(
					frappe.bold(lot_no), existing.item, frappe.bold(item_code)
				),
				exc=LotExpiryMismatchError,
				title=_("Wrong Lot"),
			)
		if expiry_date and existing.expiry_date and getdate(existing.expiry_date) != expiry_date:
			frappe.throw(
				_("Lot {0} of {1} is already recorded with expiry date {2}; this receipt says {3}.").format(
					frappe.bold(lot_no),
					item_code,
					format_date(existing.expiry_date),
					format_date(expiry_date),
				),
				exc=LotExpiryMismatchError,
				title=_("Lot Expiry Mismatch"),
			)
		return lot_no

	item = frappe.db.get_value(
		"Item", item_code, ["has_batch_no", "has_expiry_date", "shelf_life_in_days"], as_dict=True
	)
	if not item or not item.has_batch_no:
		frappe.throw(
			_("Item {0} is not tracked by lot.").format(frappe.bold(item_code)), title=_("Not a Lot Item")
		)
	if not expiry_date and manufacturing_date and item.shelf_life_in_days:
		expiry_date = add_days(manufacturing_date, item.shelf_life_in_days)
	if item.has_expiry_date and not expiry_date:
		frappe.throw(
			_(
				"Lot {0} of {1} needs an expiry date (or a manufacturing date and a shelf life on the item)."
			).format(frappe.bold(lot_no), item_code),
			exc=LotWithoutExpiryError,
			title=_("Expiry Date Missing"),
		)
	if not may_receive():
		frappe.throw(
			_("You are not allowed to receive stock: lot {0} cannot be created.").format(frappe.bold(lot_no)),
			frappe.PermissionError,
		)
	# ERPNext lets only Item Manager create a Batch; whoever may receive the goods records their lot
	frappe.get_doc(
		{
			"doctype": "Batch",
			"batch_id": lot_no,
			"item": item_code,
			"expiry_date": expiry_date,
			"manufacturing_date": manufacturing_date,
		}
	).insert(ignore_permissions=True)
	return lot_no


def may_receive() -> bool:
	"""The user may create or edit a receipt (Purchase Receipt, Purchase Invoice, Stock Entry)."""
	return any(frappe.has_permission(doctype, ptype) for doctype in RECEIPTS for ptype in ("create", "write"))
