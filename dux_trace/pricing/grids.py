"""Price grids: preview, apply (Item Prices + Pricing Rules), undo.

The grid never prices a sale itself: it writes ERPNext's records and ERPNext's pricing engine does
the rest.
- the first break (from quantity 1) of each item becomes an **Item Price** of the target price list
  (the grid's price list, the customer group's default price list, or, for one customer, an Item
  Price carrying that customer), valid over the grid's period;
- each further break (10+, 50+) becomes a **Pricing Rule** (rate) for the grid's customer group,
  customer or price list, with `min_qty` and a priority that grows with the quantity, so that two
  rules matching one sale never have the same priority (ERPNext's MultiplePricingRuleConflict).
Costs for margin grids are the Stored Costs of the article card (Dux Recalculation), or read live
for items never recalculated. Every apply writes a Dux Price Grid Apply listing what it created or
changed with the old rates; Undo restores them.
"""

from decimal import Decimal

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count
from frappe.utils import flt, format_datetime, getdate, now_datetime
from frappe.utils.nestedset import get_ancestors_of, get_descendants_of

from dux_trace import settings
from dux_trace.compat import forget_cached_count
from dux_trace.core.grids import Line, change_percent, lines_for, periods_overlap, price_line
from dux_trace.core.like import escape_like
from dux_trace.core.pricing import Basis, dec
from dux_trace.permissions import can_see_costs
from dux_trace.pricing.costs import company_currency, cost_bases, currency_digits
from dux_trace.pricing.recalculation import STORED_FIELDS, UPDATED_FIELD

ROUNDING = {
	"Currency Fraction": "fraction",
	"0.05": "0.05",
	"0.10": "0.10",
	"1": "1",
	"Ending .99": ".99",
	"Ending .90": ".90",
	"Ending .50": ".50",
}
WRITE_BATCH = 500
#: a grid with more items than this is applied in a background job
ENQUEUE_ABOVE = 500


class GridOverlapError(frappe.ValidationError):
	pass


def target_price_list(grid) -> str:
	if grid.applies_to == "Customer Group":
		price_list = frappe.db.get_value("Customer Group", grid.customer_group, "default_price_list")
		if not price_list:
			frappe.throw(
				_(
					"Customer group {0} has no default price list: set one on the group so its customers buy from it."
				).format(frappe.bold(grid.customer_group)),
				title=_("No Price List"),
			)
		return price_list
	if grid.applies_to == "Customer" and not grid.price_list:
		return (
			frappe.db.get_value("Customer", grid.customer, "default_price_list")
			or settings.selling_price_list()
		)
	return grid.price_list


def check_selling(price_list: str):
	"""A grid writes selling prices: never into a buying price list."""
	if not frappe.get_cached_value("Price List", price_list, "selling"):
		frappe.throw(
			_("{0} is not a selling price list: a price grid writes selling prices.").format(
				frappe.bold(price_list)
			),
			title=_("Not a Selling Price List"),
		)


def target_key(grid) -> tuple:
	return (
		grid.applies_to,
		grid.price_list if grid.applies_to == "Price List" else grid.get(frappe.scrub(grid.applies_to)),
	)


def drop_blank_lines(grid):
	"""Rows with no item, no item group and no markup or discount (the empty row a form leaves at
	the end of the table) are dropped, not refused."""
	kept = [
		line
		for line in grid.lines
		if line.item_code or line.item_group or flt(line.markup_percent) or flt(line.discount_percent)
	]
	if len(kept) != len(grid.lines):
		grid.set("lines", kept)
		for idx, line in enumerate(kept, 1):
			line.idx = idx


def validate_grid(grid):
	"""No two grids for the same target share a line over overlapping periods."""
	if grid.valid_upto and getdate(grid.valid_upto) < getdate(grid.valid_from):
		frappe.throw(_("The grid ends before it starts."))
	if grid.price_list:
		check_selling(grid.price_list)
	for line in grid.lines:
		if bool(line.item_code) == bool(line.item_group):
			frappe.throw(_("Row {0}: give an item or an item group (one of them).").format(line.idx))
		if grid.method == "Margin" and line.markup_percent is None:
			frappe.throw(_("Row {0}: give the markup.").format(line.idx))
	keys = {(line.item_code or "", line.item_group or "") for line in grid.lines}
	others = frappe.get_all(
		"Dux Price Grid",
		filters={"name": ("!=", grid.name or ""), "applies_to": grid.applies_to},
		fields=["name", "price_list", "customer_group", "customer", "applies_to", "valid_from", "valid_upto"],
	)
	for other in others:
		if target_key(frappe._dict(other)) != target_key(grid):
			continue
		if not periods_overlap(
			getdate(grid.valid_from),
			getdate(grid.valid_upto) if grid.valid_upto else None,
			getdate(other.valid_from),
			getdate(other.valid_upto) if other.valid_upto else None,
		):
			continue
		shared = keys & {
			(row.item_code or "", row.item_group or "")
			for row in frappe.get_all(
				"Dux Price Grid Line",
				filters={"parent": other.name, "parenttype": "Dux Price Grid"},
				fields=["item_code", "item_group"],
			)
		}
		if shared:
			item_code, item_group = sorted(shared)[0]
			frappe.throw(
				_(
					"The grid {0} already prices {1} for the same customers over an overlapping period."
				).format(frappe.bold(other.name), frappe.bold(item_code or item_group)),
				GridOverlapError,
				title=_("Overlapping Price Grids"),
			)


def grid_lines(grid) -> list[Line]:
	return [
		Line(
			item_code=row.item_code or None,
			item_group=row.item_group or None,
			min_qty=dec(row.min_qty or 1),
			markup=dec(row.markup_percent) if row.markup_percent is not None else None,
			discount=dec(row.discount_percent) if row.discount_percent is not None else None,
		)
		for row in grid.lines
	]


def items_in_scope(grid) -> list[dict]:
	groups = set()
	codes = set()
	for row in grid.lines:
		if row.item_code:
			codes.add(row.item_code)
		else:
			groups.update([row.item_group, *get_descendants_of("Item Group", row.item_group)])
	fields = [
		"name",
		"item_name",
		"item_group",
		"stock_uom",
		"has_variants",
		*STORED_FIELDS.values(),
		UPDATED_FIELD,
	]
	items = {}
	for filters in (
		{"name": ("in", list(codes))} if codes else None,
		{"item_group": ("in", list(groups))} if groups else None,
	):
		if filters:
			for item in frappe.get_all(
				"Item", filters={**filters, "disabled": 0, "is_sales_item": 1}, fields=fields
			):
				items[item.name] = item
	return list(items.values())


def vat_rates(item_codes: list[str]) -> dict[str, Decimal]:
	"""VAT per item from its own Item Tax Template (one query); items without one get 0."""
	if not item_codes:
		return {}
	tax, detail = frappe.qb.DocType("Item Tax"), frappe.qb.DocType("Item Tax Template Detail")
	rows = (
		frappe.qb.from_(tax)
		.inner_join(detail)
		.on(detail.parent == tax.item_tax_template)
		.select(tax.parent, detail.tax_rate)
		.where(tax.parenttype == "Item")
		.where(tax.parent.isin(item_codes))
		.run(as_dict=True)
	)
	rates: dict[str, Decimal] = {}
	for row in rows:
		rates[row.parent] = max(rates.get(row.parent, Decimal(0)), dec(flt(row.tax_rate)))
	return rates


def current_prices(price_list: str, item_codes: list[str], customer: str | None = None) -> dict[str, float]:
	if not item_codes:
		return {}
	filters = {"price_list": price_list, "item_code": ("in", item_codes)}
	filters["customer"] = customer if customer else ("is", "not set")
	return {
		row.item_code: flt(row.price_list_rate)
		for row in frappe.get_all(
			"Item Price", filters=filters, fields=["item_code", "price_list_rate"], order_by="valid_from asc"
		)
	}


def preview(grid) -> list[dict]:
	"""One row per item and quantity break: current price, new price HT / TTC, change %, margin on
	the base, flags (below floor, no cost known). Nothing is written. The base and the margin on it
	are costs: empty for a user who may not see them (dux_trace.permissions)."""
	show_costs = can_see_costs()
	company = grid.company
	digits = currency_digits(company_currency(company))
	lines = grid_lines(grid)
	items = items_in_scope(grid)
	codes = [item.name for item in items]
	price_list = target_price_list(grid)
	current = current_prices(price_list, codes, grid.customer if grid.applies_to == "Customer" else None)
	reference = current_prices(grid.reference_price_list, codes) if grid.method == "Discount" else {}
	vat = vat_rates(codes)
	basis = Basis(grid.cost_basis or Basis.CMP.value)
	ancestors: dict[str, list[str]] = {}
	rule = ROUNDING[grid.rounding or "Currency Fraction"]
	currency = frappe.get_cached_value("Price List", price_list, "currency") or company_currency(company)
	rows = []
	for item in items:
		if item.item_group not in ancestors:
			ancestors[item.item_group] = [item.item_group, *get_ancestors_of("Item Group", item.item_group)]
		item_lines = lines_for(item.name, ancestors[item.item_group], lines)
		if not item_lines:
			continue
		base = stored_or_live_cost(item, basis, company)
		for line in item_lines:
			price = price_line(
				line,
				method=grid.method.lower(),
				base=base,
				reference_price=reference.get(item.name),
				rule=rule,
				digits=digits,
				vat_percent=vat.get(item.name, 0),
				on_ttc=grid.round_on == "Price incl. VAT",
				min_margin=grid.min_margin_percent if grid.min_margin_percent else None,
			)
			old = current.get(item.name) if line.min_qty <= 1 else None
			flags = []
			if price.no_cost:
				flags.append(_("No cost known") if grid.method == "Margin" else _("No reference price"))
			if price.below_floor:
				flags.append(_("Below floor"))
			if item.has_variants:
				flags.append(_("Template: its variants are priced"))
			rows.append(
				{
					"item_code": item.name,
					"item_name": item.item_name,
					"item_group": item.item_group,
					"uom": item.stock_uom,
					"min_qty": float(line.min_qty),
					"current_price": old,
					"price_ht": _f(price.price_ht),
					"price_ttc": _f(price.price_ttc),
					"change_percent": _f(change_percent(old, price.price_ht)) if old else None,
					"base_value": _f(base) if show_costs else None,
					"margin_on_base": _f(price.margin_on_base) if show_costs else None,
					"flags": ", ".join(flags),
					"currency": currency,
					"writable": not flags,
				}
			)
	return rows


def stored_or_live_cost(item, basis: Basis, company: str):
	if item.get(UPDATED_FIELD):
		value = flt(item.get(STORED_FIELDS[basis]))
		return dec(value) if value else None
	bases, _purchase = cost_bases(item.name, company)
	return bases.value(basis)


def _f(value):
	return None if value is None else float(value)


def apply_refusal(grid=None) -> str | None:
	"""Why the session user may not apply prices (of this grid), in words; None when they may.

	The one rule behind the Apply button, Undo, the background apply and the nightly run: create
	ERPNext's Item Prices and Pricing Rules, and, for a grid, write it and read its price list."""
	for doctype in ("Item Price", "Pricing Rule"):
		if not frappe.has_permission(doctype, "create"):
			return _("Applying a grid writes {0} records, which your roles may not create.").format(
				_(doctype)
			)
	if grid is None:
		return None
	if not grid.has_permission("write"):
		return _("Your roles may not change the price grid {0}.").format(grid.name)
	price_list = target_price_list(grid)
	if price_list and not frappe.has_permission("Price List", "read", price_list):
		return _("Your roles may not read the price list {0}.").format(price_list)
	return None


def check_write_permissions(grid=None):
	refusal = apply_refusal(grid)
	if refusal:
		frappe.throw(refusal, frappe.PermissionError)


def apply(grid, rows: list[dict] | None = None, progress=None) -> str | None:
	"""Write the grid's prices; returns the Dux Price Grid Apply (None when nothing changed)."""
	check_write_permissions(grid)
	rows = preview(grid) if rows is None else rows
	price_list = target_price_list(grid)
	check_selling(price_list)
	currency = frappe.get_cached_value("Price List", price_list, "currency")
	customer = grid.customer if grid.applies_to == "Customer" else None
	breaks = sorted({row["min_qty"] for row in rows if row["min_qty"] > 1})
	priority = {qty: str(min(index + 1, 20)) for index, qty in enumerate(breaks)}
	writable = [row for row in rows if row["writable"]]
	prices = [row for row in writable if row["min_qty"] <= 1]
	rules = [row for row in writable if row["min_qty"] > 1]
	total = len(writable)

	def report(done):
		if progress:
			progress(done, total)

	changes = write_item_prices(grid, prices, price_list, customer, report)
	changes += write_pricing_rules(grid, rules, currency, priority, lambda done: report(len(prices) + done))
	if not changes:
		return None
	history = frappe.new_doc("Dux Price Grid Apply")
	history.update({"grid": grid.name, "applied_by": frappe.session.user, "applied_at": now_datetime()})
	history.insert(ignore_permissions=True)
	insert_children(history, "changes", changes)
	grid.db_set("last_applied_on", now_datetime())
	return history.name


def counts(history) -> dict[str, int]:
	"""How many Item Prices and Pricing Rules (quantity breaks) an apply wrote."""
	name = history if isinstance(history, str) else history.name
	change = frappe.qb.DocType("Dux Price Grid Change")
	rows = (
		frappe.qb.from_(change)
		.select(change.record_type, Count("*").as_("n"))
		.where(change.parenttype == "Dux Price Grid Apply")
		.where(change.parent == name)
		.groupby(change.record_type)
		.run(as_dict=True)
	)  # the query builder: version-16's get_all refuses SQL functions written as strings
	found = {row.record_type: row.n for row in rows}
	return {"prices": found.get("Item Price", 0), "rules": found.get("Pricing Rule", 0)}


def applied_message(prices: int, rules: int) -> str:
	"""What an apply did, in words: "3 prix écrits, 2 règles de quantité"."""
	parts = []
	if prices or not rules:
		parts.append(
			_("{0} price written").format(prices) if prices == 1 else _("{0} prices written").format(prices)
		)
	if rules:
		parts.append(
			_("{0} quantity rule").format(rules) if rules == 1 else _("{0} quantity rules").format(rules)
		)
	return ", ".join(parts)


def undone_message(prices: int, rules: int) -> str:
	"""What an Undo did, in words: "3 prix rétablis"."""
	parts = []
	if prices or not rules:
		parts.append(
			_("{0} price restored").format(prices) if prices == 1 else _("{0} prices restored").format(prices)
		)
	if rules:
		parts.append(
			_("{0} quantity rule restored").format(rules)
			if rules == 1
			else _("{0} quantity rules restored").format(rules)
		)
	return ", ".join(parts)


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
	from frappe.model.naming import make_autoname

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


def delete_records(doctype: str, names: list[str]) -> None:
	"""A batch of records and their child rows, one statement per table."""
	for field in frappe.get_meta(doctype).get_table_fields():
		child = frappe.qb.DocType(field.options)
		frappe.qb.from_(child).delete().where(child.parenttype == doctype).where(
			child.parent.isin(names)
		).run()
	table = frappe.qb.DocType(doctype)
	frappe.qb.from_(table).delete().where(table.name.isin(names)).run()


def undo(history) -> int:
	"""Restore what an apply replaced: created records are deleted, updated ones get their old rate.

	Item Prices and Pricing Rules (with their child rows) are deleted and restored by batches, one
	statement each."""
	if history.status == "Undone":
		frappe.throw(_("This apply was already undone."))
	check_write_permissions(frappe.get_doc("Dux Price Grid", history.grid))
	changes = list(reversed(history.changes))
	for doctype in RATE_FIELD:
		rows = [row for row in changes if row.record_type == doctype]
		for chunk in batches([row.record_name for row in rows if row.action == "Created"]):
			delete_records(doctype, chunk)
		for chunk in batches([row for row in rows if row.action != "Created"]):
			set_rates(doctype, {row.record_name: row.old_rate for row in chunk})
	history.db_set("status", "Undone")
	return len(history.changes)


def bulk_edit(
	grid, *, item_group=None, brand=None, supplier=None, item_codes=None, by_percent=None, to_value=None
) -> int:
	"""*Modification Grille Tarifaire*: change the markup (margin grids) or discount of the lines
	matching a group, a brand, a supplier or a selection of items. Returns the lines changed."""
	from dux_trace.core.grids import adjust

	if by_percent is None and to_value is None:
		frappe.throw(_("Give a change in % or a new value."))
	wanted = set(item_codes or [])
	if brand:
		wanted |= set(frappe.get_all("Item", filters={"brand": brand}, pluck="name"))
	if supplier:
		wanted |= set(frappe.get_all("Item Supplier", filters={"supplier": supplier}, pluck="parent"))
	groups = {item_group, *get_descendants_of("Item Group", item_group)} if item_group else set()
	field = "markup_percent" if grid.method == "Margin" else "discount_percent"
	changed = 0
	for line in grid.lines:
		if (line.item_group and line.item_group in groups) or (
			line.item_code
			and (
				line.item_code in wanted
				or (groups and frappe.get_cached_value("Item", line.item_code, "item_group") in groups)
			)
		):
			line.set(field, float(adjust(line.get(field) or 0, by_percent=by_percent, to_value=to_value)))
			changed += 1
	if not changed:
		frappe.throw(_("No line of the grid matches."))
	grid.save()
	return changed


def arm_nightly_run(grid):
	"""*Re-apply Daily* acts for the user who last saved the grid while it was armed.

	Saving an armed grid makes the saver its user, so the nightly run applies only what its user
	wrote. A saver whose roles may not apply prices (a Sales Manager without Sales Master Manager)
	cannot arm it, and their save disarms it (the field is permission level 1; Frappe keeps the
	stored value for those who may not write it, so the switch is turned off here, with a message)."""
	if not grid.auto_reapply:
		grid.auto_reapply_by = None
		return
	refusal = apply_refusal(grid)
	if refusal:
		grid.auto_reapply = 0
		grid.auto_reapply_by = None
		frappe.msgprint(
			_(
				"Re-apply Daily was switched off: the nightly run would apply this grid for you, and {0}"
			).format(refusal),
			alert=True,
		)
		return
	grid.auto_reapply_by = frappe.session.user


def reapply_auto_grids():
	"""Daily: re-apply the grids marked *Re-apply Daily* that are valid today (costs may have
	changed since the last apply), each for the user who armed it, with that user's rights checked
	tonight: a grid its user may no longer apply is skipped and the reason kept on the grid. Each
	grid is its own transaction."""
	today = getdate()
	for name in frappe.get_all(
		"Dux Price Grid", filters={"auto_reapply": 1, "valid_from": ("<=", today)}, pluck="name"
	):
		grid = frappe.get_doc("Dux Price Grid", name)
		if grid.valid_upto and getdate(grid.valid_upto) < today:
			continue
		reapply_for_its_user(grid)
		frappe.db.commit()


def reapply_for_its_user(grid) -> str | None:
	"""One nightly re-apply, as the grid's user; returns the Dux Price Grid Apply written. What the
	run did (or why it did nothing) is kept in the grid's *Last Nightly Run*; an error rolls the
	grid's writes back and goes to the Error Log."""
	scheduler = frappe.session.user
	history = None
	frappe.db.savepoint("dux_nightly_grid")
	try:
		user = grid.auto_reapply_by
		if not user or not frappe.db.get_value("User", user, "enabled"):
			outcome = _("Not re-applied: the user who armed it is missing or disabled.")
		else:
			frappe.set_user(user)
			refusal = apply_refusal(grid)
			if refusal:
				outcome = _("Not re-applied for {0}: {1}").format(user, refusal)
			else:
				history = apply(grid)
				outcome = (
					_("Re-applied for {0}: {1}.").format(user, applied_message(**counts(history)))
					if history
					else _("Re-applied for {0}: no price changed.").format(user)
				)
	except Exception:
		frappe.db.rollback(save_point="dux_nightly_grid")
		frappe.log_error(title=f"Dux Price Grid {grid.name}: nightly re-apply failed")
		outcome = _("Not re-applied: an error occurred (see the Error Log).")
		history = None
	finally:
		frappe.set_user(scheduler)
	grid.db_set("last_nightly_run", f"{format_datetime(now_datetime())} — {outcome}")
	return history
