"""Where lots and serials went: the queries behind recalls.

Every movement is read from ERPNext's Serial and Batch Bundle ledger: `Serial and Batch Entry`
is indexed on batch_no and serial_no, and each entry joins its bundle by primary key, so one lot
costs a few index lookups whatever the size of the stock ledger.

`Visible` is what the user may see of a trace: Lot Trace, Lot Mass Balance and the Batch form's
mass balance (api.mass_balance) all read it from here.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import frappe
from frappe.query_builder.functions import Coalesce, Sum

from dux_trace.compat import bundle_posted_at, bundle_posted_on
from dux_trace.permissions import allowed_warehouses, restrict
from dux_trace.stock.documents import PURCHASES, SALES

PRODUCTION_PURPOSES = ("Manufacture", "Repack")


def lot_or_serial(table, batch_nos=(), serial_nos=()):
	"""`table.batch_no IN batch_nos OR table.serial_no IN serial_nos` (None when both are empty)."""
	conditions = []
	if batch_nos:
		conditions.append(table.batch_no.isin(list(batch_nos)))
	if serial_nos:
		conditions.append(table.serial_no.isin(list(serial_nos)))
	if not conditions:
		return None
	return conditions[0] if len(conditions) == 1 else (conditions[0] | conditions[1])


#: who a customer of `customers_of` is and how to reach them, as a recall lists them
CUSTOMER_FIELDS = ("customer", "customer_name", "contact", "mobile_no", "email_id")

#: what `add_parties` (or `movements(..., parties=True)`) puts on each movement
PARTY_FIELDS = ("party_type", "party", "party_name", "contact", "mobile_no", "email_id")


@dataclass(frozen=True)
class Period:
	"""Every lot and serial moved in a company's warehouses between two dates (inclusive)."""

	company: str
	from_date: date
	to_date: date


def movements(
	batch_nos=(),
	serial_nos=(),
	direction: str | None = "Outward",
	parties: bool = False,
	warehouses: set[str] | None = None,
	period: Period | None = None,
	stock_entries=(),
) -> list[dict]:
	"""Submitted, not cancelled movements of these lots / serials, one row per document, lot
	(or serial), warehouse and direction, with a positive quantity. `direction` None: both
	Inward and Outward, in one query (each row says which in `direction`). `parties`: with the
	customer (and contact) or supplier of each movement's document, as `add_parties` gives them,
	from the same statement. `warehouses`: only the movements in these warehouses (what the user's
	User Permissions allow, `permissions.allowed_warehouses`; None: every warehouse). `period`: the
	movements of every lot and serial of a company between two dates instead (the EPCIS and key
	data element exports); `stock_entries`: every lot and serial these Stock Entries moved instead
	(the other side of a lot's Manufacture or Repack). Each row has its `posted_at` too.

	The entries come ungrouped, oldest first, and are summed here: MariaDB's GROUP BY over these
	wide text columns took three times the rest of the query (a temporary table per call)."""
	query, entry, bundle = bundle_entries()
	if period:
		posted_on = bundle_posted_on(bundle)
		condition = (
			(bundle.company == period.company)
			& (posted_on >= period.from_date)
			& (posted_on <= period.to_date)
		)
	elif stock_entries:
		condition = (bundle.voucher_type == "Stock Entry") & bundle.voucher_no.isin(sorted(stock_entries))
	else:
		condition = lot_or_serial(entry, batch_nos, serial_nos)
	if condition is None:
		return []
	query = (
		query.select(
			bundle.voucher_type,
			bundle.voucher_no,
			bundle_posted_on(bundle).as_("posting_date"),
			bundle_posted_at(bundle).as_("posted_at"),
			bundle.item_code,
			bundle.item_name,
			bundle.type_of_transaction.as_("direction"),
			entry.batch_no,
			entry.serial_no,
			entry.warehouse,
			entry.qty,
		)
		.where(condition)
		.orderby(bundle_posted_at(bundle))
	)
	if direction:
		query = query.where(bundle.type_of_transaction == direction)
	query = restrict(query, entry.warehouse, warehouses)
	if parties:
		query = _with_parties(query, bundle)
	grouped: dict[tuple, frappe._dict] = {}
	for row in query.run(as_dict=True):
		key = (row.voucher_type, row.voucher_no, row.direction, row.batch_no, row.serial_no, row.warehouse)
		if key in grouped:
			grouped[key].qty += row.qty
		else:
			grouped[key] = row
	rows = list(grouped.values())
	for row in rows:
		row.qty = abs(row.qty)
		if parties:
			_set_party(row)
	return rows


def _with_parties(query, bundle):
	"""The query with each movement's document joined for its party (by primary key, one sales or
	purchase doctype each) and the customer for its contact."""
	customers, customer_names, suppliers, supplier_names = [], [], [], []
	for doctype in (*SALES, *PURCHASES):
		table = frappe.qb.DocType(doctype)
		query = query.left_join(table).on(
			(table.name == bundle.voucher_no) & (bundle.voucher_type == doctype)
		)
		if doctype in SALES:
			customers.append(table.customer)
			customer_names.append(table.customer_name)
		else:
			suppliers.append(table.supplier)
			supplier_names.append(table.supplier_name)
	customer = frappe.qb.DocType("Customer")
	return (
		query.left_join(customer)
		.on(customer.name == Coalesce(*customers))
		.select(
			Coalesce(*customers).as_("_customer"),
			Coalesce(*customer_names).as_("_customer_name"),
			Coalesce(*suppliers).as_("_supplier"),
			Coalesce(*supplier_names).as_("_supplier_name"),
			customer.customer_primary_contact.as_("contact"),
			customer.mobile_no,
			customer.email_id,
		)
	)


def _set_party(row) -> None:
	customer, supplier = row.pop("_customer"), row.pop("_supplier")
	customer_name, supplier_name = row.pop("_customer_name"), row.pop("_supplier_name")
	if customer:
		row.party_type, row.party, row.party_name = "Customer", customer, customer_name
	elif supplier:
		row.party_type, row.party, row.party_name = "Supplier", supplier, supplier_name
		row.contact = row.mobile_no = row.email_id = None
	else:
		row.party_type = row.party = row.party_name = None


def add_parties(rows: list[dict]) -> list[dict]:
	"""Customer (with primary contact, mobile and email) or supplier of each movement's document."""
	names = defaultdict(set)
	for row in rows:
		names[row.voucher_type].add(row.voucher_no)
	party = {}
	for doctype in SALES:
		if names.get(doctype):
			fields = ["name", "customer", "customer_name"]
			filters = {"name": ("in", list(names[doctype]))}
			for doc in frappe.get_all(doctype, filters=filters, fields=fields):
				party[(doctype, doc.name)] = ("Customer", doc.customer, doc.customer_name)
	for doctype in PURCHASES:
		if names.get(doctype):
			for doc in frappe.get_all(
				doctype,
				filters={"name": ("in", list(names[doctype]))},
				fields=["name", "supplier", "supplier_name"],
			):
				party[(doctype, doc.name)] = ("Supplier", doc.supplier, doc.supplier_name)
	customers = {p[1] for p in party.values() if p[0] == "Customer"}
	contacts = (
		{
			c.name: c
			for c in frappe.get_all(
				"Customer",
				filters={"name": ("in", list(customers))},
				fields=["name", "customer_primary_contact", "mobile_no", "email_id"],
			)
		}
		if customers
		else {}
	)
	for row in rows:
		party_type, party_name, display = party.get((row.voucher_type, row.voucher_no), (None, None, None))
		row.party_type, row.party, row.party_name = party_type, party_name, display
		contact = contacts.get(party_name) if party_type == "Customer" else None
		row.contact = contact.customer_primary_contact if contact else None
		row.mobile_no = contact.mobile_no if contact else None
		row.email_id = contact.email_id if contact else None
	return rows


def production_entries(
	batch_nos, direction: str, moved: list[dict] | None = None, warehouses: set[str] | None = None
) -> dict[str, list[dict]]:
	"""Manufacture / Repack stock entries that consumed (Outward) or produced (Inward) the lots
	(`moved`: the lots' movements when already read, both directions; `warehouses`: as `movements`)."""
	if moved is None:
		moved = movements(batch_nos, direction=direction, warehouses=warehouses)
	rows = [
		row
		for row in moved
		if row.voucher_type == "Stock Entry" and row.direction == direction and row.batch_no in batch_nos
	]
	if not rows:
		return {}
	purposes = dict(
		frappe.get_all(
			"Stock Entry",
			filters={"name": ("in", list({row.voucher_no for row in rows}))},
			fields=["name", "purpose"],
			as_list=True,
		)
	)
	by_entry = defaultdict(list)
	for row in rows:
		if purposes.get(row.voucher_no) in PRODUCTION_PURPOSES:
			by_entry[row.voucher_no].append(row)
	return by_entry


def stock_entries(names) -> dict[str, dict]:
	"""{Stock Entry: its name, purpose, stock_entry_type and work_order}, in one query."""
	if not names:
		return {}
	return {
		e.name: e
		for e in frappe.get_all(
			"Stock Entry",
			filters={"name": ("in", list(names))},
			fields=["name", "purpose", "stock_entry_type", "work_order"],
		)
	}


def downstream_lots(
	batch_no: str, moved: list[dict] | None = None, warehouses: set[str] | None = None
) -> list[tuple[str, str, str]]:
	"""(input lot, production entry, finished lot) for every lot made from `batch_no`, followed
	transitively (a finished lot used as input of another production, and so on)."""
	return follow_production(batch_no, via="Outward", to="Inward", moved=moved, warehouses=warehouses)


def upstream_lots(
	batch_no: str, moved: list[dict] | None = None, warehouses: set[str] | None = None
) -> list[tuple[str, str, str]]:
	"""(finished lot, production entry, input lot) for every input lot consumed to make
	`batch_no`, followed transitively."""
	return follow_production(batch_no, via="Inward", to="Outward", moved=moved, warehouses=warehouses)


def follow_production(
	batch_no: str,
	via: str,
	to: str,
	seen: set | None = None,
	moved: list[dict] | None = None,
	warehouses: set[str] | None = None,
) -> list[tuple[str, str, str]]:
	"""Production entries where the lot moved `via` (Outward: consumed, Inward: produced), and the
	lots that moved `to` in the same entries, recursively (`moved`: the first lot's movements,
	both directions, when already read; `warehouses`: only movements there, as `movements`)."""
	seen = seen if seen is not None else {batch_no}
	links = []
	for entry_name in production_entries([batch_no], via, moved, warehouses):
		for other in movements_of_entry(entry_name, to, warehouses):
			if other.batch_no and other.batch_no not in seen:
				seen.add(other.batch_no)
				links.append((batch_no, entry_name, other.batch_no))
				links.extend(follow_production(other.batch_no, via, to, seen, warehouses=warehouses))
	return links


def bundle_entries(submitted: bool = True):
	"""(query, entry, bundle): Serial and Batch Entry rows joined to their bundle; with `submitted`,
	only submitted, uncancelled bundles (what the stock ledger holds). Callers select and add their
	conditions on the `entry` and `bundle` tables."""
	entry = frappe.qb.DocType("Serial and Batch Entry")
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	query = frappe.qb.from_(entry).inner_join(bundle).on(bundle.name == entry.parent)
	if submitted:
		query = query.where(bundle.docstatus == 1).where(bundle.is_cancelled == 0)
	return query, entry, bundle


def lot_balance_query():
	"""(query, entry, bundle): quantity per lot and warehouse over submitted, live bundles; callers
	add their conditions on the `entry` (Serial and Batch Entry) and `bundle` tables."""
	query, entry, bundle = bundle_entries()
	query = query.select(
		bundle.item_code, entry.batch_no, entry.warehouse, Sum(entry.qty).as_("qty")
	).groupby(entry.batch_no, entry.warehouse)
	return query, entry, bundle


def movements_of_entry(stock_entry: str, direction: str, warehouses: set[str] | None = None) -> list[dict]:
	query, entry, bundle = lot_balance_query()
	return (
		restrict(query, entry.warehouse, warehouses)
		.where(bundle.voucher_type == "Stock Entry")
		.where(bundle.voucher_no == stock_entry)
		.where(bundle.type_of_transaction == direction)
		.run(as_dict=True)
	)


def stock_left(batch_nos, moved: list[dict]) -> list[dict]:
	"""What remains of the lots, per warehouse, from `moved`: the lots' movements in both
	directions (`movements(..., direction=None)`)."""
	left: dict[tuple, frappe._dict] = {}
	for row in moved:
		if row.batch_no in batch_nos:
			found = left.setdefault(
				(row.batch_no, row.warehouse),
				frappe._dict(item_code=row.item_code, batch_no=row.batch_no, warehouse=row.warehouse, qty=0),
			)
			found.qty += row.qty if row.direction == "Inward" else -row.qty
	return [row for row in left.values() if round(row.qty, 9) != 0]


def one_row_per_sale(rows: list[dict]) -> list[dict]:
	"""Each unit sold once, on the document the customer holds.

	A POS sale (or return) is a POS Invoice until the POS closing consolidates it into a Sales
	Invoice. Depending on the ERPNext release, the consolidated invoice takes over the POS
	Invoice's bundle (the unit then moves on the Sales Invoice only) or moves the units again in a
	bundle of its own. Either way the sale is shown on its POS Invoice, under the customer who
	bought: a consolidated invoice's row is dropped when its POS Invoice's own row is there, and
	otherwise put back on its POS Invoice."""
	invoices = {row.voucher_no for row in rows if row.voucher_type == "Sales Invoice"}
	if not invoices:
		return rows
	consolidated = set(
		frappe.get_all(
			"Sales Invoice", filters={"name": ("in", list(invoices)), "is_consolidated": 1}, pluck="name"
		)
	)
	if not consolidated:
		return rows
	# the POS invoice of each consolidated invoice's item: Sales Invoice Item.pos_invoice
	pos_of = defaultdict(set)
	for item in frappe.get_all(
		"Sales Invoice Item",
		filters={"parent": ("in", list(consolidated)), "pos_invoice": ("is", "set")},
		fields=["parent", "item_code", "pos_invoice"],
	):
		pos_of[(item.parent, item.item_code)].add(item.pos_invoice)
	on_pos = {
		(row.voucher_no, row.get("batch_no"), row.get("serial_no"))
		for row in rows
		if row.voucher_type == "POS Invoice"
	}
	kept = []
	for row in rows:
		if row.voucher_type == "Sales Invoice" and row.voucher_no in consolidated:
			sources = pos_of.get((row.voucher_no, row.get("item_code")), set())
			if any((pos, row.get("batch_no"), row.get("serial_no")) in on_pos for pos in sources):
				continue  # already counted on its POS invoice
			if len(sources) == 1:  # its party is read again, from the POS invoice
				row = frappe._dict(
					{key: value for key, value in row.items() if key not in PARTY_FIELDS},
					voucher_type="POS Invoice",
					voucher_no=next(iter(sources)),
				)
		kept.append(row)
	return kept


def sales(
	batch_nos=(),
	serial_nos=(),
	moved: list[dict] | None = None,
	parties: bool = True,
	warehouses: set[str] | None = None,
) -> list[dict]:
	"""Every sale of the lots / serials (one row per document, lot or serial and warehouse), each
	unit once, with its customer and contact (`moved`: their movements when already read, with or
	without their parties; `parties` False: without them; `warehouses`: as `movements`)."""
	if moved is None:
		moved = movements(batch_nos, serial_nos, parties=parties, warehouses=warehouses)
	sold = one_row_per_sale(
		[row for row in moved if row.voucher_type in SALES and row.direction == "Outward"]
	)
	if parties and (unknown := [row for row in sold if "party_type" not in row]):
		add_parties(unknown)
	return sold


def customers_of(
	batch_nos=(), serial_nos=(), warehouses: set[str] | None = None, moved: list[dict] | None = None
) -> list[dict]:
	"""Every customer who received the lots / serials, with quantity, contact, documents and the
	lots they received: the recall list (`warehouses`: only sales from these, as `movements`; a
	recall names every customer; `moved`: the lots' movements when already read, as `sales`)."""
	totals: dict[str, dict] = {}
	for row in sales(batch_nos, serial_nos, moved=moved, warehouses=warehouses):
		customer = totals.setdefault(
			row.party,
			frappe._dict(
				customer=row.party,
				customer_name=row.party_name,
				contact=row.contact,
				mobile_no=row.mobile_no,
				email_id=row.email_id,
				qty=0,
				documents=[],
				lots=[],
			),
		)
		customer.qty += row.qty
		customer.documents.append(f"{row.voucher_type} {row.voucher_no}")
		if row.get("batch_no") and row.batch_no not in customer.lots:
			customer.lots.append(row.batch_no)
	return sorted(totals.values(), key=lambda c: (-c.qty, c.customer or ""))


#: what is blanked of a party the user may not read
PARTY_DETAILS = ("party", "party_name", "contact", "mobile_no", "email_id")


class Visible:
	"""What the user may see of a movement: the document only if they may read its doctype, the
	supplier only if they may read suppliers (a sales clerk sees where a lot went, not what it cost
	or from whom it was bought), the customer with its contact, mobile and email only if they may
	read customers (an Item Manager sees how many customers and units, not who).

	Movements in warehouses the user's User Permissions exclude (a warehouse, or the warehouses of
	another company) are not read at all (`warehouses`, in the queries' WHERE): ERPNext's Stock
	Ledger drops their rows, and what they would show (customers, quantities, stock) belongs to
	another shop or company. The header counts what is shown."""

	def __init__(self):
		self.readable: dict[str, bool] = {}
		self.warehouses: set[str] | None = allowed_warehouses()

	def can_read(self, doctype: str) -> bool:
		if doctype not in self.readable:
			self.readable[doctype] = bool(frappe.has_permission(doctype, "read"))
		return self.readable[doctype]

	def row(self, row: dict) -> dict:
		row = dict(row)
		if row.get("voucher_type") and not self.can_read(row["voucher_type"]):
			row["voucher_no"] = None
		if row.get("party_type") in ("Supplier", "Customer") and not self.can_read(row["party_type"]):
			for field in PARTY_DETAILS:
				if field in row:
					row[field] = None
		return row

	def customers(self, groups: dict[str, list]) -> dict[str | None, list]:
		"""Groups keyed by customer, as shown: one group under None (the fallback label, no contact)
		when the user may not read customers."""
		if self.can_read("Customer") or not groups:
			return groups
		return {None: [member for members in groups.values() for member in members]}
