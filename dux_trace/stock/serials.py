"""Reading serial numbers for the rules in `dux_trace.core.serials`.

Where a serial is (ERPNext's Serial No), which rows carry it (the row's Serial and Batch Bundle, or
the serial_no text field ERPNext turns into a bundle on submit), whether another open document
already holds it, and its sales and returns (the Serial and Batch Bundle ledger, whose
`serial_no` column is indexed: one index seek per check, whatever the number of serials).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import frappe
from frappe import _
from frappe.query_builder import Order
from frappe.query_builder.terms import ValueWrapper
from frappe.utils import cint, escape_html, get_datetime

from dux_trace.compat import bundle_posted_at
from dux_trace.core.like import escape_like
from dux_trace.core.serials import Movement, ScanVerdict, SerialEvent, SerialState, split_serials
from dux_trace.stock.documents import SALES, row_stock_qty, row_warehouse
from dux_trace.stock.items import items_where
from dux_trace.stock.trace import bundle_entries, one_row_per_sale

SCANNED_FIELD = "dux_scanned_serials"


@dataclass
class SerialLine:
	"""A row of a serialized item on a receipt or a sale."""

	row: object
	item_code: str
	warehouse: str
	qty: float
	serials: list[str]
	scanned: list[str]
	pattern: str | None = None
	#: every unit must be scanned (the item's choice; Dux Trace Settings may ask it of all)
	scan_required: bool = False
	#: the item's warranty in months, from the day of sale
	warranty_months: int = 0

	@property
	def scanned_serials(self) -> list[str]:
		"""The row's serials that were scanned, in row order."""
		scanned = set(self.scanned)
		return [serial for serial in self.serials if serial in scanned]


def row_serials(row, split=split_serials) -> list[str]:
	"""The serials of a row, from its bundle when it has one, else from its serial_no field read
	by `split` (the app's normalised reading by default)."""
	if bundle := row.get("serial_and_batch_bundle"):
		return frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": bundle, "serial_no": ("is", "set")},
			pluck="serial_no",
			order_by="idx asc",
		)
	return split(row.get("serial_no"))


def serial_lines(doc, inward: bool) -> list[SerialLine]:
	rows = [
		(row, warehouse)
		for row in doc.get("items") or []
		if row.get("item_code") and (warehouse := row_warehouse(doc, row, inward))
	]
	if not rows:
		return []
	items = items_where(doc, {row.item_code for row, _ in rows}, "has_serial_no")
	return [
		SerialLine(
			row=row,
			item_code=row.item_code,
			warehouse=warehouse,
			qty=row_stock_qty(row),
			serials=row_serials(row),
			scanned=split_serials(row.get(SCANNED_FIELD)),
			pattern=items[row.item_code].dux_serial_pattern,
			scan_required=bool(items[row.item_code].dux_scan_serial_at_sale),
			warranty_months=cint(items[row.item_code].dux_warranty_months),
		)
		for row, warehouse in rows
		if row.item_code in items
	]


def serial_states(serials: Iterable[str], for_update: bool = False) -> dict[str, SerialState]:
	"""ERPNext's record of each serial; with for_update the rows stay locked until the transaction
	ends, so that two sales of one serial follow each other and the second sees the first."""
	serials = list(set(serials))
	if not serials:
		return {}
	table = frappe.qb.DocType("Serial No")
	query = (
		frappe.qb.from_(table)
		.select(table.name, table.item_code, table.warehouse, table.status)
		.where(table.name.isin(serials))
	)
	if for_update:
		query = query.for_update()
	return {
		row.name: SerialState(row.name, row.item_code, row.warehouse, row.status)
		for row in query.run(as_dict=True)
	}


def held_elsewhere(serials: Iterable[str], item_code: str, doc) -> dict[str, str]:
	"""Serials of one item already on another open sale: see held_elsewhere_by_item."""
	return held_elsewhere_by_item({item_code: serials}, doc)


def held_elsewhere_by_item(serials_by_item: dict[str, Iterable[str]], doc) -> dict[str, str]:
	"""Serials already on another open sale: a draft Delivery Note / Sales Invoice / POS Invoice
	(in its bundle or its serial_no field), or a submitted POS Invoice not yet consolidated
	(POS moves no stock until its closing). {serial: "DocType name"}.

	One statement for all of the document's items (a UNION ALL of the bundles and of each sales
	doctype's rows), then one look-up per bundle found, to tell a draft or an open POS sale from a
	submitted one."""
	wanted = {item: set(serials) for item, serials in serials_by_item.items() if serials}
	serials = set().union(*wanted.values()) if wanted else set()
	if not serials:
		return {}
	own = doc.name or ""

	query, entry, bundle = bundle_entries(submitted=False)
	union = (
		query.select(
			ValueWrapper("bundle").as_("source"),
			bundle.voucher_type.as_("doctype"),
			bundle.voucher_no.as_("name"),
			bundle.item_code,
			entry.serial_no,
		)
		.where(entry.serial_no.isin(list(serials)))
		.where(bundle.type_of_transaction == "Outward")
		.where(bundle.voucher_type.isin(SALES))
		.where(bundle.is_cancelled == 0)
		.where(bundle.docstatus < 2)
		.where(bundle.voucher_no != own)
	)
	for doctype in SALES:
		child = frappe.qb.DocType(f"{doctype} Item")
		parent = frappe.qb.DocType(doctype)
		rows_of = None
		for item_code, item_serials in wanted.items():
			like = None
			for serial in item_serials:
				condition = child.serial_no.like(f"%{escape_like(serial)}%")
				like = condition if like is None else like | condition
			condition = (child.item_code == item_code) & like
			rows_of = condition if rows_of is None else rows_of | condition
		open_ = parent.docstatus == 0
		if doctype == "POS Invoice":  # submitted but not yet consolidated: its serials are not free
			open_ = open_ | parent.consolidated_invoice.isnull() | (parent.consolidated_invoice == "")
		union = union.union_all(
			frappe.qb.from_(child)
			.join(parent)
			.on(child.parent == parent.name)
			.select(
				ValueWrapper("row").as_("source"),
				ValueWrapper(doctype).as_("doctype"),
				parent.name,
				child.item_code,
				child.serial_no,
			)
			.where(child.parenttype == doctype)
			.where(parent.docstatus < 2)
			.where(open_)
			.where(parent.name != own)
			.where(parent.is_return == 0)
			.where(rows_of)
		)

	found: dict[str, str] = {}
	rows = union.run(as_dict=True)
	for row in rows:  # bundles first: a serial's bundle says more than a row's text
		if row.source != "bundle" or row.serial_no in found:
			continue
		voucher_status = frappe.db.get_value(row.doctype, row.name, "docstatus")
		if voucher_status == 0 or (voucher_status == 1 and is_open_pos_invoice(row.doctype, row.name)):
			found[row.serial_no] = f"{row.doctype} {row.name}"
	for row in rows:
		if row.source == "row":
			for serial in set(split_serials(row.serial_no)) & wanted.get(row.item_code, set()):
				found.setdefault(serial, f"{row.doctype} {row.name}")
	return found


def sold_on_open_pos(serials: Iterable[str], doc) -> dict[str, str]:
	"""Serials on a submitted POS Invoice not yet consolidated, read with a lock. {serial: POS
	Invoice}.

	A POS sale moves no stock until the POS closes, so its Serial No still says Active. Called
	once the Serial No rows are locked (`serial_states(..., for_update=True)`), this locking read
	sees the latest committed bundles: a POS Invoice that has just won the race for the serial,
	which the waiting sale's own snapshot (taken before it waited) would not show. Found by eight
	sellers at once on version-16: a POS Invoice and a Delivery Note both sold one serial."""
	wanted = sorted(set(serials))
	if not wanted:
		return {}
	query, entry, bundle = bundle_entries()
	rows = (
		query.select(entry.serial_no, bundle.voucher_no)
		.where(entry.serial_no.isin(wanted))
		.where(bundle.voucher_type == "POS Invoice")
		.where(bundle.type_of_transaction == "Outward")
		.where(bundle.voucher_no != (doc.name or ""))
		.for_update()
		.run(as_dict=True)
	)
	return {
		row.serial_no: row.voucher_no for row in rows if is_open_pos_invoice("POS Invoice", row.voucher_no)
	}


def is_open_pos_invoice(voucher_type: str, voucher_no: str) -> bool:
	return voucher_type == "POS Invoice" and not frappe.db.get_value(
		"POS Invoice", voucher_no, "consolidated_invoice"
	)


def serial_events(serial: str) -> list[SerialEvent]:
	"""Sales of the serial to customers and returns from them, from submitted, uncancelled
	bundles."""
	query, entry, bundle = bundle_entries()
	rows = (
		query.select(
			bundle.voucher_type,
			bundle.voucher_no,
			bundle.item_code,
			entry.serial_no,
			bundle.type_of_transaction,
			bundle_posted_at(bundle).as_("posted_at"),
			bundle.creation,
		)
		.where(entry.serial_no == serial)
		.where(bundle.voucher_type.isin(SALES))
		.orderby(bundle_posted_at(bundle), order=Order.asc)
		.run(as_dict=True)
	)
	events = []
	for row in one_row_per_sale(rows):
		voucher = frappe.db.get_value(
			row.voucher_type, row.voucher_no, ["customer", "is_return", "docstatus"], as_dict=True
		)
		if not voucher or voucher.docstatus != 1:
			continue
		kind = Movement.RETURN if voucher.is_return else Movement.SALE
		if (row.type_of_transaction == "Inward") != voucher.is_return:
			continue
		events.append(
			SerialEvent(
				kind,
				row.voucher_type,
				row.voucher_no,
				posted_at(row),
				voucher.customer,
			)
		)
	return events


def posted_at(row) -> datetime:
	return get_datetime(row.posted_at or row.creation)


def serials_of_voucher(voucher_type: str, voucher_no: str) -> set[str]:
	"""Every serial a submitted document moved (all its bundles)."""
	query, entry, bundle = bundle_entries()
	serials = set(
		query.select(entry.serial_no)
		.where(bundle.voucher_type == voucher_type)
		.where(bundle.voucher_no == voucher_no)
		.run(pluck=True)
	)
	for row in frappe.get_all(
		f"{voucher_type} Item", filters={"parent": voucher_no}, fields=["serial_no"], limit_page_length=0
	):
		serials.update(split_serials(row.serial_no))
	return {serial for serial in serials if serial}


def receipt_message(verdict: ScanVerdict, serial: str, state, line) -> str:
	serial = frappe.bold(escape_html(serial))
	if verdict == ScanVerdict.ALREADY_IN_STOCK:
		return _("Serial No {0} is already in stock in {1}.").format(serial, frappe.bold(state.warehouse))
	if verdict == ScanVerdict.OTHER_ITEM:
		return _("Serial No {0} belongs to item {1}.").format(serial, frappe.bold(state.item_code))
	if verdict == ScanVerdict.BAD_FORMAT:
		return _("Serial No {0} does not have the format of this item ({1}).").format(
			serial, frappe.bold(line.pattern)
		)
	if verdict == ScanVerdict.ALREADY_SCANNED:
		return _("Serial No {0} was already scanned.").format(serial)
	return _("The scan is empty.")


def sale_message(verdict: ScanVerdict, serial: str, state, line, held: dict) -> str:
	bold = frappe.bold(escape_html(serial))
	if verdict == ScanVerdict.UNKNOWN:
		return _("Serial No {0} does not exist.").format(bold)
	if verdict == ScanVerdict.OTHER_ITEM:
		return _("Serial No {0} belongs to item {1}.").format(bold, frappe.bold(state.item_code))
	if verdict == ScanVerdict.NOT_IN_WAREHOUSE:
		if state.warehouse:
			return _("Serial No {0} is in {1}, not in {2}.").format(
				bold, frappe.bold(state.warehouse), frappe.bold(line.warehouse)
			)
		return _("Serial No {0} is not in stock ({1}).").format(bold, _(state.status or "Inactive"))
	if verdict == ScanVerdict.ON_ANOTHER_DOCUMENT:
		return _("Serial No {0} is already on {1}.").format(bold, frappe.bold(held[serial]))
	if verdict == ScanVerdict.ALREADY_SCANNED:
		return _("Serial No {0} was already scanned.").format(bold)
	return _("The scan is empty.")
