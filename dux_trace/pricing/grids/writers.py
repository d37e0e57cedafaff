"""The two bulk writers of a price grid, and the batch statements they and Undo share.

- the first break (from quantity 1) of each item becomes an **Item Price** of the target price list
  (the grid's price list, the customer group's default price list, or, for one customer, an Item
  Price carrying that customer), valid over the grid's period (`write_item_prices`);
- each further break (10+, 50+) becomes a **Pricing Rule** (rate) for the grid's customer group,
  customer or price list, with `min_qty` and a priority that grows with the quantity, so that two
  rules matching one sale never have the same priority (ERPNext's MultiplePricingRuleConflict)
  (`write_pricing_rules`).
Each returns the changes it made (record, action, old and new rate) for the apply's history.
"""

import frappe
from frappe import _
from frappe.model.naming import make_autoname
from frappe.query_builder import Case
from frappe.utils import flt, now_datetime

from dux_trace.companies import currency_digits
from dux_trace.compat import forget_cached_count
from dux_trace.core.like import escape_like

WRITE_BATCH = 500


def batches(rows: list, size: int = WRITE_BATCH):
	for start in range(0, len(rows), size):
		yield rows[start : start + size]


def write_item_prices(grid, rows, price_list, customer, report) -> list[dict]:
	"""The base prices (from quantity 1) as ERPNext Item Prices, by batches of WRITE_BATCH.

	ERPNext's Item Price controller checks, per record, with a query each: the item and its UOM
	exist, the price list is enabled (and gives buying / selling / currency), the item is not a
	template, no other price has the same price list, item, UOM, customer and dates; and it copies
	the item's name and description. At 100,000 items that is ~400,000 queries (ERPNext's own
	one-by-one insert: ~15 ms a price). Here the same checks are made once per batch, for the whole
	apply *before anything is written* (an apply that fails leaves nothing behind); each record is
	what ERPNext's Item Price document gives (its own `before_save` and date check run once, on
	what the grid's prices share) and is written with Frappe's `bulk_insert`. Changed prices are updated by one statement per batch. Frappe document
	events of other apps on Item Price do not run for these rows."""
	if not rows:
		return []
	digits = currency_digits(frappe.get_cached_value("Price List", price_list, "currency"))
	details = frappe.db.get_value(
		"Price List", {"name": price_list, "enabled": 1}, ["buying", "selling", "currency"], as_dict=True
	)
	if not details:
		frappe.throw(_("The price list {0} does not exist or is disabled.").format(price_list))
	existing = grid_item_prices(grid, price_list, customer)
	updates, new = [], []
	for row in rows:
		current = existing.get(row["item_code"])
		if not current:
			new.append(row)
		elif flt(current.price_list_rate, digits) != flt(row["price_ht"], digits):
			updates.append((current, row))

	columns = table_columns("Item Price")
	now, user = now_datetime(), frappe.session.user
	# what every new price of the grid shares, set by ERPNext's own Item Price document once: its
	# date check and before_save (reference = customer, no supplier on a selling price)
	shared = frappe.get_doc(
		{
			"doctype": "Item Price",
			"owner": user,
			"modified_by": user,
			"creation": now,
			"modified": now,
			"docstatus": 0,
			"price_list": price_list,
			"buying": details.buying,
			"selling": details.selling,
			"currency": details.currency,
			"customer": customer,
			"valid_from": grid.valid_from,
			"valid_upto": grid.valid_upto,
			"note": _("Price grid {0}").format(grid.name),
		}
	)
	shared.validate_from_to_dates("valid_from", "valid_upto")
	shared.before_save()
	common = shared.get_valid_dict(convert_dates_to_str=True)
	values, changes = [], []
	for chunk in batches(new):
		codes = [row["item_code"] for row in chunk]
		items = {
			item.name: item
			for item in frappe.get_all(
				"Item",
				filters={"name": ("in", codes)},
				fields=["name", "item_name", "description", "has_variants"],
			)
		}
		uoms = {
			(parent, uom)
			for parent, uom in frappe.get_all(
				"UOM Conversion Detail",
				filters={"parenttype": "Item", "parent": ("in", codes)},
				fields=["parent", "uom"],
				as_list=True,
			)
		}
		for row in chunk:
			item = items.get(row["item_code"])
			if not item:
				frappe.throw(_("Item {0} not found.").format(row["item_code"]))
			if row["uom"] and (row["item_code"], row["uom"]) not in uoms:
				frappe.throw(_("UOM {0} not found in Item {1}").format(row["uom"], row["item_code"]))
			if item.has_variants:
				frappe.throw(_("Item {0} is a template: its variants are priced, not it.").format(item.name))
			name = frappe.generate_hash(length=10)
			record = {
				**common,
				"name": name,
				"item_code": row["item_code"],
				"item_name": item.item_name,
				"item_description": item.description,
				"uom": row["uom"],
				"price_list_rate": flt(row["price_ht"], digits),
			}
			values.append([record.get(column) for column in columns])
			changes.append(change(row, "Item Price", name, "Created", None))

	done = 0
	for chunk in batches(values):
		frappe.db.bulk_insert("Item Price", columns, chunk)
		done += len(chunk)
		report(done)
	for chunk in batches(updates):
		set_rates("Item Price", {current.name: row["price_ht"] for current, row in chunk}, now)
		changes += [
			change(row, "Item Price", current.name, "Updated", current.price_list_rate)
			for current, row in chunk
		]
		done += len(chunk)
		report(done)
	return changes


def table_columns(doctype: str) -> list[str]:
	"""The columns a new record of the doctype fills (Frappe's own bookkeeping columns left out)."""
	optional = {"_user_tags", "_comments", "_assign", "_liked_by", "_seen"}
	return [column for column in frappe.get_meta(doctype).get_valid_columns() if column not in optional]


def insert_children(parent, fieldname: str, rows: list[dict]):
	"""Child rows of a saved document, written together (one statement per 10,000). The rows'
	values must already be typed as a save would type them (no NULL in a number column)."""
	child = parent.meta.get_field(fieldname).options
	columns = table_columns(child)
	now = now_datetime()
	values = []
	for idx, row in enumerate(rows, 1):
		record = {
			**row,
			"name": frappe.generate_hash(length=10),
			"parent": parent.name,
			"parenttype": parent.doctype,
			"parentfield": fieldname,
			"idx": idx,
			"owner": parent.owner,
			"modified_by": parent.owner,
			"creation": now,
			"modified": now,
			"docstatus": 0,
		}
		values.append([record.get(column) for column in columns])
	frappe.db.bulk_insert(child, columns, values)


def grid_item_prices(grid, price_list, customer) -> dict[str, frappe._dict]:
	filters = {
		"price_list": price_list,
		"valid_from": grid.valid_from,
		"customer": customer if customer else ("is", "not set"),
	}
	filters["valid_upto"] = grid.valid_upto if grid.valid_upto else ("is", "not set")
	return {
		row.item_code: row
		for row in frappe.get_all(
			"Item Price", filters=filters, fields=["name", "item_code", "uom", "price_list_rate"]
		)
	}


def rule_title(grid, item_code: str, min_qty: float) -> str:
	return f"{grid.name}: {item_code} {flt(min_qty):g}+"[:140]


def grid_pricing_rules(grid) -> dict[str, frappe._dict]:
	return {
		row.title: row
		for row in frappe.get_all(
			"Pricing Rule",
			filters={"title": ("like", f"{escape_like(grid.name)}: %")},
			fields=["name", "title", "rate"],
		)
	}


def write_pricing_rules(grid, rows, currency, priority, report) -> list[dict]:
	"""The quantity breaks (10+, 50+) as ERPNext Pricing Rules, one per item and break, by batches.

	ERPNext's Pricing Rule controller checks nothing per item that the grid's rules do not share
	(apply on Item Code, who it is for, rate, quantity, dates, priority): its `validate` runs once
	per break, on a rule made by `frappe.new_doc` (the defaults an insert sets), and each rule of
	that break is that record with its own name (ERPNext's naming series), title, rate and item
	row, written with `bulk_insert` (one document save each was ~15 ms a rule). Changed rates are
	updated one statement per batch."""
	if not rows:
		return []
	digits = currency_digits(currency)
	existing = grid_pricing_rules(grid)
	updates, new = [], []
	for row in rows:
		current = existing.get(rule_title(grid, row["item_code"], row["min_qty"]))
		if not current:
			new.append(row)
		elif flt(current.rate, digits) != flt(row["price_ht"], digits):
			updates.append((current, row))
	applicable = {
		"Customer Group": {"applicable_for": "Customer Group", "customer_group": grid.customer_group},
		"Customer": {"applicable_for": "Customer", "customer": grid.customer},
		"Price List": {"applicable_for": "", "for_price_list": grid.price_list},
	}[grid.applies_to]
	now, user = now_datetime(), frappe.session.user
	rule_columns, item_columns = table_columns("Pricing Rule"), table_columns("Pricing Rule Item Code")
	shared: dict[float, dict] = {}
	rules, items, changes = [], [], []
	for row in new:
		qty = row["min_qty"]
		if qty not in shared:
			rule = frappe.new_doc("Pricing Rule")
			rule.update(
				{
					"title": rule_title(grid, row["item_code"], qty),
					"apply_on": "Item Code",
					"selling": 1,
					"company": grid.company,
					"currency": currency,
					"min_qty": qty,
					"rate_or_discount": "Rate",
					"rate": row["price_ht"],
					"priority": priority[qty],
					"valid_from": grid.valid_from,
					"valid_upto": grid.valid_upto,
					"owner": user,
					"modified_by": user,
					"creation": now,
					"modified": now,
					"docstatus": 0,
					**applicable,
				}
			)
			rule.append("items", {"item_code": row["item_code"], "uom": row["uom"]})
			rule.validate()  # ERPNext's checks of what every rule of this break shares
			shared[qty] = {
				"record": rule.get_valid_dict(convert_dates_to_str=True),
				"series": rule.naming_series,
			}
		name = make_autoname(shared[qty]["series"] or "PRLE-.####", "Pricing Rule")
		record = {
			**shared[qty]["record"],
			"name": name,
			"title": rule_title(grid, row["item_code"], qty),
			"rate": flt(row["price_ht"], digits),
		}
		rules.append([record.get(column) for column in rule_columns])
		child = {
			"name": frappe.generate_hash(length=10),
			"parent": name,
			"parenttype": "Pricing Rule",
			"parentfield": "items",
			"idx": 1,
			"item_code": row["item_code"],
			"uom": row["uom"],
			"owner": user,
			"modified_by": user,
			"creation": now,
			"modified": now,
			"docstatus": 0,
		}
		items.append([child.get(column) for column in item_columns])
		changes.append(change(row, "Pricing Rule", name, "Created", None))

	done = 0
	for rule_chunk, item_chunk in zip(batches(rules), batches(items), strict=True):
		frappe.db.bulk_insert("Pricing Rule", rule_columns, rule_chunk)
		frappe.db.bulk_insert("Pricing Rule Item Code", item_columns, item_chunk)
		done += len(rule_chunk)
		report(done)
	if rules:
		forget_cached_count("Pricing Rule")
	for chunk in batches(updates):
		set_rates("Pricing Rule", {current.name: flt(row["price_ht"], digits) for current, row in chunk}, now)
		changes += [
			change(row, "Pricing Rule", current.name, "Updated", current.rate) for current, row in chunk
		]
		done += len(chunk)
		report(done)
	return changes


def change(row, record_type, record_name, action, old_rate):
	return {
		"item_code": row["item_code"],
		"min_qty": row["min_qty"],
		"record_type": record_type,
		"record_name": record_name,
		"action": action,
		# a record created had no old rate: stored 0 (Frappe's number columns are NOT NULL), shown
		# "—" by the apply's form for the action Created
		"old_rate": flt(old_rate),
		"new_rate": flt(row["price_ht"]),
	}


#: the rate an apply writes, per record type
RATE_FIELD = {"Item Price": "price_list_rate", "Pricing Rule": "rate"}


def set_rates(doctype: str, rates: dict[str, float], now=None) -> None:
	"""New rates for a batch of Item Prices or Pricing Rules ({name: rate}): one UPDATE ... CASE,
	stamped as modified by the user."""
	table = frappe.qb.DocType(doctype)
	rate = Case()
	for name, value in rates.items():
		rate = rate.when(table.name == name, value)
	(
		frappe.qb.update(table)
		.set(table[RATE_FIELD[doctype]], rate)
		.set(table.modified, now or now_datetime())
		.set(table.modified_by, frappe.session.user)
		.where(table.name.isin(list(rates)))
		.run()
	)
