"""What a price grid would write, nothing written: one row per item and quantity break, its current
price, the new price excl. / incl. VAT, the change and (for who may see costs) the margin on the
cost basis, flagged when it cannot be written (no cost, below the floor, a template).

Costs for margin grids are the Stored Costs of the article card (Dux Recalculation), or read live
for items never recalculated.
"""

from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import flt
from frappe.utils.nestedset import get_ancestors_of, get_descendants_of

from dux_trace.companies import company_currency, currency_digits
from dux_trace.core.grids import Line, change_percent, lines_for, price_line
from dux_trace.core.pricing import Basis, dec
from dux_trace.permissions import can_see_costs
from dux_trace.pricing.costs import cost_bases
from dux_trace.pricing.grids.validation import target_price_list
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
