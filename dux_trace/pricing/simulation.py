"""Sales simulation (*Simulation Type Vente/Article*): what a sale of an item would earn, for a
quantity, a customer group and a price list, on each of the five cost bases. The price is
ERPNext's own answer (`get_item_details`: Item Price and Pricing Rules for that group and
quantity); nothing is written."""

import frappe
from frappe.utils import flt, nowdate

from dux_trace import settings
from dux_trace.companies import company_currency, currency_digits, default_company
from dux_trace.core.pricing import (
	Basis,
	CostBases,
	break_even_discount,
	dec,
	discount_steps,
	round_money,
	simulate,
)
from dux_trace.permissions import can_see_costs
from dux_trace.pricing.card import vat_percent
from dux_trace.pricing.costs import cost_bases


def erpnext_price(item_code: str, company: str, qty, price_list: str, customer_group: str | None) -> dict:
	"""The rate ERPNext would put on a Sales Invoice row (price list rate, pricing-rule discount)."""
	from erpnext.stock.get_item_details import get_item_details

	currency = company_currency(company)
	ctx = frappe._dict(
		item_code=item_code,
		company=company,
		doctype="Sales Invoice",
		selling_price_list=price_list,
		price_list=price_list,
		price_list_currency=frappe.get_cached_value("Price List", price_list, "currency") or currency,
		currency=currency,
		conversion_rate=1,
		plc_conversion_rate=1,
		qty=flt(qty) or 1,
		stock_qty=flt(qty) or 1,
		customer_group=customer_group,
		transaction_date=nowdate(),
		posting_date=nowdate(),
		transaction_type="selling",
		conversion_factor=1,
		ignore_pricing_rule=0,
	)
	out = get_item_details(ctx)
	return {
		"price_list_rate": flt(out.get("price_list_rate")),
		"discount_percentage": flt(out.get("discount_percentage")),
		"rate": flt(out.get("rate")) or flt(out.get("price_list_rate")),
	}


def simulation(
	item_code: str,
	qty=1,
	customer_group: str | None = None,
	price_list: str | None = None,
	discount_step=5,
	cost_shift=0,
) -> dict:
	company = default_company()
	digits = currency_digits(company_currency(company))
	price_list = price_list or settings.selling_price_list()
	price = erpnext_price(item_code, company, qty, price_list, customer_group)
	max_discount = flt(frappe.get_cached_value("Item", item_code, "max_discount"))
	bases, _purchase = cost_bases(item_code, company) if can_see_costs() else (CostBases(), None)
	vat = vat_percent(item_code)
	list_price = dec(price["price_list_rate"] or price["rate"])
	steps = discount_steps(max_discount, discount_step) if max_discount else [dec(0)]
	rows = simulate(list_price, bases, vat, steps, digits, qty=qty, cost_shift_percent=cost_shift)
	known = [basis for basis, value in bases.items() if value is not None]
	return {
		"company": company,
		"currency": company_currency(company),
		"price_list": price_list,
		"qty": flt(qty),
		"price_list_rate": float(round_money(list_price, digits)),
		"erpnext_rate": price["rate"],
		"erpnext_discount": price["discount_percentage"],
		"vat_percent": float(vat),
		"max_discount": max_discount,
		"costs_visible": can_see_costs(),
		"bases": [
			{"basis": b.value, "label": frappe._(b.value), "value": float(bases.value(b))} for b in known
		],
		"break_even_discount": {b.value: _f(break_even_discount(list_price, bases.value(b))) for b in known},
		"rows": [
			{
				"discount": float(row.discount),
				"net_ht": float(row.net_ht),
				"net_ttc": float(row.net_ttc),
				"margins": {b.value: [float(m[0]), _f(m[1])] for b, m in row.margins.items()},
			}
			for row in rows
		],
	}


def _f(value):
	return None if value is None else float(value)


__all__ = ["Basis", "simulation"]
