"""GS1 EPCIS 2.0 events and the regulator's key data element sheet, from Lot Trace's reading.

The movements are those Lot Trace reads (`trace.movements`, both directions, with their parties,
in the user's allowed warehouses): of one lot, of one serial, or of every lot and serial of a
company between two dates (`trace.Period`). They become the plain records of
`dux_trace.core.epcis` (one per document, warehouse and direction; a Manufacture or Repack entry
one Transformation, its consumed lots in, its made lots out with their expiry), and both exports
are drawn from these same records: the EPCIS document (`core.epcis.epcis_document`) and the sheet
(`core.epcis.key_data_elements`, translated and flagged here).

=========================================  =============================================
ERPNext movement                           record
=========================================  =============================================
Purchase Receipt / Invoice, in / out       receipt (supplier) / return to supplier
Delivery Note, Sales / POS Invoice         delivery (customer) / customer return
Stock Entry Material Issue                 scrap (destroying)
Stock Entry Material Receipt               receipt (no party)
Stock Entry Manufacture / Repack           Transformation (output expiry as ilmd)
other Stock Entries (transfers)            transfer out / transfer in
Stock Reconciliation                       count loss / count gain (net per lot)
=========================================  =============================================

GTINs come from Item Barcode (types EAN, EAN-8, EAN-12, UPC-A, UPC, JAN, GTIN, or no type: 8, 12,
13 or 14 digits, written as GTIN-14), GLNs from the `dux_gln` fields of Warehouse, Company, Supplier and Customer. A record
lacking one is kept: `core.epcis.problems()` names it, the API refuses the EPCIS download with that
list and the sheet flags the cell.

What the user may not read is not exported: movements in warehouses outside their User
Permissions are not read; a supplier (or customer) for a user who may not read suppliers
(customers) is left out of the events and the sheet — a Sales User sees where a lot went, not
from whom it was bought — and a document number for a user who may not read its doctype.

Queries, whatever the number of movements: the movements (1; for a lot or serial, the other lots
of its Manufacture / Repack entries 1 more), their stock entries (1), items with barcodes (1),
warehouses (1), companies (1), suppliers (1) and customers (1) with their GLN, the output lots'
expiry (1), the purchase orders of receipts (1 per purchase doctype among the movements, 2 at
most): at most 11 per lot or serial, at most 10 per period; POS sales consolidated into a Sales Invoice add up to 2
(`trace.one_row_per_sale`) and their parties up to 3.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate

from dux_trace.core import epcis as core
from dux_trace.core.epcis import (
	Document,
	DocumentType,
	EventLine,
	Movement,
	Party,
	Place,
	StockMovement,
	Transform,
	Transformation,
)
from dux_trace.stock import trace
from dux_trace.stock.documents import PURCHASES, SALES

GLN_FIELD = "dux_gln"
GLN_DOCTYPES = ("Company", "Warehouse", "Supplier", "Customer")
#: Item Barcode types that hold a GTIN (EAN-13 and UPC-A are GTIN-13 and GTIN-12)
GTIN_TYPES = ("EAN", "EAN-8", "EAN-12", "UPC-A", "UPC", "JAN", "GTIN")
TRANSFORMS = {"Manufacture": Transform.MANUFACTURE, "Repack": Transform.REPACK}


class InvalidGLN(frappe.ValidationError):
	pass


def validate_gln(doc) -> None:
	"""A GLN typed on a Company, Warehouse, Supplier or Customer: 13 digits with their GS1 check
	digit (spaces removed); empty is allowed."""
	gln = (doc.get(GLN_FIELD) or "").replace(" ", "")
	doc.set(GLN_FIELD, gln or None)
	if gln and not core.valid_gln(gln):
		frappe.throw(
			_("{0} is not a valid GLN: a GLN has 13 digits, the last one its GS1 check digit.").format(
				frappe.bold(gln)
			),
			InvalidGLN,
			title=_("Invalid GLN"),
		)


@dataclass
class Export:
	"""The records of an export and what the sheet needs beside them: `vouchers` {record key:
	(doctype, name, or None when the user may not read the doctype)}, `hidden_parties` the keys of
	records whose supplier / customer the user may not see, `item_names` {item code: name}."""

	records: list = field(default_factory=list)
	vouchers: dict = field(default_factory=dict)
	hidden_parties: set = field(default_factory=set)
	item_names: dict = field(default_factory=dict)
	movements: int = 0  # rows read


def read(
	batch_no: str | None = None,
	serial_no: str | None = None,
	period: trace.Period | None = None,
	warehouses: set[str] | None = None,
	can_read=None,
) -> Export:
	"""The export of a lot, a serial or a period (`warehouses`: the user's allowed ones, None for
	all; `can_read(doctype)`: what the user may read, Lot Trace's `Visible.can_read`; None: all)."""
	can_read = can_read or (lambda doctype: True)
	moved = trace.movements(
		[batch_no] if batch_no else (),
		[serial_no] if serial_no else (),
		direction=None,
		parties=True,
		warehouses=warehouses,
		period=period,
	)
	entries = trace.stock_entries({r.voucher_no for r in moved if r.voucher_type == "Stock Entry"})
	production = {name for name, e in entries.items() if e.purpose in TRANSFORMS}
	if production and not period:
		# the other lots of the lot's productions (its inputs or outputs)
		seen = {_row_key(r) for r in moved}
		moved += [
			r
			for r in trace.movements(
				direction=None, parties=True, warehouses=warehouses, stock_entries=production
			)
			if _row_key(r) not in seen
		]
	moved = trace.one_row_per_sale(moved)
	if unknown := [r for r in moved if "party_type" not in r]:
		trace.add_parties(unknown)  # a consolidated POS sale, put back on its POS Invoice
	return _records(moved, entries, can_read)


def _row_key(row) -> tuple:
	return (row.voucher_type, row.voucher_no, row.direction, row.batch_no, row.serial_no, row.warehouse)


def _records(moved: list[dict], entries: dict, can_read) -> Export:
	export = Export(movements=len(moved))
	if not moved:
		return export
	items = _items({r.item_code for r in moved})
	export.item_names = {code: item["item_name"] for code, item in items.items()}
	places = _glns("Warehouse", {r.warehouse for r in moved}, ["company"])
	companies = _glns("Company", {p.company for p in places.values() if p.company})
	see_suppliers, see_customers = can_read("Supplier"), can_read("Customer")
	suppliers = _glns(
		"Supplier", {r.party for r in moved if r.party_type == "Supplier"} if see_suppliers else set()
	)
	customers = _glns(
		"Customer", {r.party for r in moved if r.party_type == "Customer"} if see_customers else set()
	)
	made = {
		r.batch_no for r in moved if r.batch_no and entries.get(r.voucher_no, {}).get("purpose") in TRANSFORMS
	}
	expiry = (
		dict(
			frappe.get_all(
				"Batch", filters={"name": ("in", list(made))}, fields=["name", "expiry_date"], as_list=True
			)
		)
		if made
		else {}
	)
	orders = _purchase_orders(moved) if see_suppliers else {}
	zone = ZoneInfo(frappe.utils.get_system_timezone())

	def place(warehouse: str) -> Place:
		return Place(warehouse, (places.get(warehouse) or {}).get("gln"))

	def company(warehouse: str) -> Party:
		name = (places.get(warehouse) or {}).get("company") or ""
		return Party(name, (companies.get(name) or {}).get("gln"))

	def line(rows, with_expiry=False) -> tuple[EventLine, ...]:
		lines, serials = [], defaultdict(list)
		for row in rows:
			if row.serial_no:
				serials[row.item_code].append(row.serial_no)
				continue
			lines.append(
				EventLine(
					row.item_code,
					items.get(row.item_code, {}).get("gtin"),
					row.qty,
					items.get(row.item_code, {}).get("stock_uom"),
					lot=row.batch_no,
					expiry=getdate(expiry.get(row.batch_no))
					if with_expiry and expiry.get(row.batch_no)
					else None,
				)
			)
		for item_code, numbers in serials.items():
			lines.append(EventLine(item_code, items.get(item_code, {}).get("gtin"), serials=tuple(numbers)))
		return tuple(lines)

	groups: dict[tuple, list] = defaultdict(list)
	for row in moved:
		entry = entries.get(row.voucher_no) if row.voucher_type == "Stock Entry" else None
		if entry and entry.purpose in TRANSFORMS:
			groups[("Stock Entry", row.voucher_no, None, None)].append(row)
		elif row.voucher_type == "Stock Reconciliation":
			groups[(row.voucher_type, row.voucher_no, row.warehouse, "count")].append(row)
		else:
			groups[(row.voucher_type, row.voucher_no, row.warehouse, row.direction)].append(row)

	for (voucher_type, voucher_no, warehouse, direction), rows in groups.items():
		time = _aware(min(get_datetime(r.posted_at) for r in rows), zone)
		readable = can_read(voucher_type)
		if direction is None:  # a transformation
			entry = entries[voucher_no]
			inputs = [r for r in rows if r.direction == "Outward"]
			outputs = [r for r in rows if r.direction == "Inward"]
			where = (outputs or inputs)[0].warehouse
			key = f"{voucher_type} {voucher_no}"
			documents = ()
			if entry.work_order and can_read("Work Order"):
				documents = (Document(DocumentType.PRODUCTION_ORDER, entry.work_order, company(where).gln),)
			export.records.append(
				Transformation(
					key,
					TRANSFORMS[entry.purpose],
					time,
					place(where),
					company(where),
					line(inputs),
					line(outputs, with_expiry=True),
					documents,
				)
			)
			export.vouchers[key] = (voucher_type, voucher_no if readable else None)
			continue
		if direction == "count":
			for gain, counted in _net_counts(rows).items():
				key = f"{voucher_type} {voucher_no} {warehouse} {'+' if gain else '-'}"
				movement = Movement.COUNT_GAIN if gain else Movement.COUNT_LOSS
				export.records.append(
					StockMovement(key, movement, time, place(warehouse), company(warehouse), line(counted))
				)
				export.vouchers[key] = (voucher_type, voucher_no if readable else None)
			continue
		key = f"{voucher_type} {voucher_no} {warehouse} {direction}"
		movement = _movement(voucher_type, direction, entries.get(voucher_no))
		first = rows[0]
		party, documents = None, []
		ours = company(warehouse)
		if first.party_type == "Supplier":
			if see_suppliers:
				party = Party(first.party_name or first.party, (suppliers.get(first.party) or {}).get("gln"))
			else:
				export.hidden_parties.add(key)
		elif first.party_type == "Customer":
			if see_customers:
				party = Party(first.party_name or first.party, (customers.get(first.party) or {}).get("gln"))
			else:
				export.hidden_parties.add(key)
		if readable:
			documents = _documents(voucher_type, voucher_no, movement, ours, party, orders)
		export.records.append(
			StockMovement(key, movement, time, place(warehouse), ours, line(rows), party, tuple(documents))
		)
		export.vouchers[key] = (voucher_type, voucher_no if readable else None)
	export.records.sort(key=lambda record: (record.time, record.key))
	return export


def _movement(voucher_type: str, direction: str, entry) -> Movement:
	inward = direction == "Inward"
	if voucher_type in PURCHASES:
		return Movement.RECEIPT if inward else Movement.SUPPLIER_RETURN
	if voucher_type in SALES:
		return Movement.CUSTOMER_RETURN if inward else Movement.DELIVERY
	purpose = entry.purpose if entry else None
	if purpose == "Material Issue" and not inward:
		return Movement.SCRAP
	if inward and (purpose == "Material Receipt" or voucher_type != "Stock Entry"):
		return Movement.RECEIPT
	return Movement.TRANSFER_IN if inward else Movement.TRANSFER_OUT


def _net_counts(rows) -> dict[bool, list]:
	"""A stock reconciliation's rows netted per lot or serial: {gain: rows with the net quantity}
	(ERPNext may take out the old quantity and put in the new one; nothing when they are equal)."""
	net: dict[tuple, frappe._dict] = {}
	for row in rows:
		found = net.setdefault(
			(row.item_code, row.batch_no, row.serial_no), frappe._dict(row, qty=0, direction=None)
		)
		found.qty += row.qty if row.direction == "Inward" else -row.qty
	counted: dict[bool, list] = defaultdict(list)
	for row in net.values():
		if round(row.qty, 9):
			counted[row.qty > 0].append(frappe._dict(row, qty=abs(row.qty)))
	return counted


def _documents(voucher_type, voucher_no, movement, ours: Party, party: Party | None, orders) -> list:
	returned = movement in (Movement.CUSTOMER_RETURN, Movement.SUPPLIER_RETURN)
	documents = []
	if voucher_type == "Purchase Invoice":
		if party:  # the supplier's invoice
			documents.append(Document(DocumentType.INVOICE, voucher_no, party.gln))
	elif returned:
		documents.append(Document(DocumentType.RETURN_AUTHORIZATION, voucher_no, ours.gln))
	elif voucher_type == "Delivery Note":
		documents.append(Document(DocumentType.DESPATCH_ADVICE, voucher_no, ours.gln))
	elif voucher_type in ("Sales Invoice", "POS Invoice"):
		documents.append(Document(DocumentType.INVOICE, voucher_no, ours.gln))
	elif voucher_type == "Purchase Receipt":
		documents.append(Document(DocumentType.RECEIVING_ADVICE, voucher_no, ours.gln))
	documents += [
		Document(DocumentType.PURCHASE_ORDER, order, ours.gln)
		for order in sorted(orders.get((voucher_type, voucher_no), ()))
	]
	return documents


def _items(item_codes: set[str]) -> dict[str, dict]:
	"""{item: {item_name, stock_uom, gtin}}: the first barcode of a GTIN type with a valid check
	digit as GTIN-14, else the first one (its check digit is then a problem), in one query."""
	item = frappe.qb.DocType("Item")
	barcode = frappe.qb.DocType("Item Barcode")
	query = (
		frappe.qb.from_(item)
		.left_join(barcode)
		.on(
			(barcode.parent == item.name)
			& (barcode.parenttype == "Item")
			& (
				barcode.barcode_type.isin(GTIN_TYPES)
				| barcode.barcode_type.isnull()
				| (barcode.barcode_type == "")
			)
		)
		.select(item.name, item.item_name, item.stock_uom, barcode.barcode)
		.where(item.name.isin(sorted(item_codes)))
		.orderby(barcode.idx)
	)
	found: dict[str, dict] = {}
	for name, item_name, stock_uom, code in query.run():
		entry = found.setdefault(name, {"item_name": item_name, "stock_uom": stock_uom, "gtin": None})
		code = (code or "").strip()
		if not code.isdigit() or len(code) not in (8, 12, 13, 14):
			continue
		gtin = code.zfill(14)
		if core.valid_gtin(gtin) and not core.valid_gtin(entry["gtin"]):
			entry["gtin"] = gtin
		entry["gtin"] = entry["gtin"] or gtin
	return found


def _glns(doctype: str, names: set[str], fields=()) -> dict[str, dict]:
	if not names:
		return {}
	return {
		row.name: frappe._dict(row, gln=row.get(GLN_FIELD))
		for row in frappe.get_all(
			doctype, filters={"name": ("in", sorted(names))}, fields=["name", GLN_FIELD, *fields]
		)
	}


def _purchase_orders(moved) -> dict[tuple, set]:
	orders = defaultdict(set)
	for doctype in PURCHASES:
		names = {r.voucher_no for r in moved if r.voucher_type == doctype}
		if names:
			for parent, order in frappe.get_all(
				f"{doctype} Item",
				filters={"parent": ("in", sorted(names)), "purchase_order": ("is", "set")},
				fields=["parent", "purchase_order"],
				as_list=True,
			):
				orders[(doctype, parent)].add(order)
	return orders


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
	return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


# ---- the refusal and the sheet -----------------------------------------------------------------


def reason_label(reason: str) -> str:
	return {
		core.NO_GTIN: _("item without GTIN (add an EAN or GTIN barcode to the item)"),
		core.BAD_GTIN: _("GTIN with a wrong check digit"),
		core.NO_GLN: _("no GLN (fill in its GLN field)"),
		core.BAD_GLN: _("GLN with a wrong check digit"),
		core.BAD_LOT: _("lot number outside GS1's characters (1 to 20 letters, digits or signs)"),
		core.BAD_SERIAL: _("serial number outside GS1's characters (1 to 20 letters, digits or signs)"),
		core.BAD_UNIT: _("unit without a UN/CEFACT code"),
		core.NO_TIME_ZONE: _("time without time zone"),
		core.NO_QUANTITY: _("line without lot, serial or quantity"),
		core.DUPLICATE: _("movement listed twice"),
		core.DUPLICATE_SERIAL: _("serial listed twice in one movement"),
	}.get(reason, reason)


def problem_lines(problems: list) -> list[str]:
	"""Each thing to fix once: "<what>: <why>" (the item, warehouse, company, party or lot named,
	never the document of a movement the user may not read)."""
	lines = []
	for problem in problems:
		text = f"{problem.subject}: {reason_label(problem.reason)}"
		if problem.value:
			text += f" ({problem.value})"
		if text not in lines:
			lines.append(text)
	return lines


def event_type_label(kind: str) -> str:
	return {
		core.RECEIVING: _("Receiving", context="Traceability Event"),
		core.SHIPPING: _("Shipping", context="Traceability Event"),
		core.TRANSFORMATION: _("Transformation", context="Traceability Event"),
		core.DESTRUCTION: _("Destruction", context="Traceability Event"),
		core.ADJUSTMENT: _("Stock Count", context="Traceability Event"),
		core.TRANSFER: _("Transfer", context="Traceability Event"),
	}[kind]


def movement_label(movement: str) -> str:
	return {
		Movement.RECEIPT.value: _("Receipt", context="Traceability Event"),
		Movement.DELIVERY.value: _("Delivery", context="Traceability Event"),
		Movement.CUSTOMER_RETURN.value: _("Customer Return", context="Traceability Event"),
		Movement.SUPPLIER_RETURN.value: _("Return to Supplier", context="Traceability Event"),
		Movement.SCRAP.value: _("Scrap / Material Issue", context="Traceability Event"),
		Movement.COUNT_LOSS.value: _("Count Loss", context="Traceability Event"),
		Movement.COUNT_GAIN.value: _("Count Gain", context="Traceability Event"),
		Movement.TRANSFER_OUT.value: _("Transfer Out", context="Traceability Event"),
		Movement.TRANSFER_IN.value: _("Transfer In", context="Traceability Event"),
		Transform.MANUFACTURE.value: _("Manufacture", context="Traceability Event"),
		Transform.REPACK.value: _("Repack", context="Traceability Event"),
	}[movement]


def sheet(export: Export) -> list[list]:
	"""The key data element sheet: a header, then one row per lot of each event, every cell filled
	or flagged (GTIN / GLN manquant, not visible, not applicable)."""
	missing_gtin, missing_gln = _("GTIN missing"), _("GLN missing")
	hidden, not_applicable = _("Not visible"), _("Not applicable")
	header = [
		_("Traceability Lot Code"),
		_("Item"),
		_("Item Name"),
		_("GTIN"),
		_("Quantity"),
		_("Unit"),
		_("Location"),
		_("Location GLN"),
		_("Date"),
		_("Event Type"),
		_("Movement"),
		_("Other Party"),
		_("Other Party GLN"),
		_("Reference Document"),
		_("EPCIS Event ID"),
	]
	rows = [header]
	for kde in core.key_data_elements(export.records):
		doctype, name = export.vouchers.get(kde.record, (None, None))
		movement = movement_label(kde.movement)
		if kde.side:
			side = (
				_("input", context="Traceability Event")
				if kde.side == "input"
				else _("output", context="Traceability Event")
			)
			movement = f"{movement} ({side})"
		if kde.party:
			party, party_gln = kde.party, kde.party_gln or missing_gln
		elif kde.record in export.hidden_parties:
			party = party_gln = hidden
		else:
			party = party_gln = not_applicable
		rows.append(
			[
				kde.lot or ", ".join(kde.serials),
				kde.item_code,
				export.item_names.get(kde.item_code) or kde.item_code,
				kde.gtin if kde.gtin and core.valid_gtin(kde.gtin) else missing_gtin,
				float(kde.quantity),
				kde.unit or _("Unit missing"),
				kde.place,
				kde.place_gln if kde.place_gln and core.valid_gln(kde.place_gln) else missing_gln,
				kde.time.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds"),
				event_type_label(kde.event_type),
				movement,
				party,
				party_gln,
				f"{_(doctype)} {name}" if name else f"{_(doctype)} ({hidden})",
				kde.event_id or _("Not exportable (see the EPCIS refusal)"),
			]
		)
	return rows
