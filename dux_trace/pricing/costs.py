"""The five cost bases of an item, read from ERPNext's own documents (company currency, per stock
unit). Nothing is stored: a receipt, a Landed Cost Voucher or a repost changes the answer at once.

Queries (each through an index; see benchmarks/card_benchmark.py for their cost at 1 M stock
ledger rows):
- last received purchase: `tabPurchase Receipt Item` / `tabPurchase Invoice Item` by `item_code`
  (ERPNext's index), joined to their submitted parent by primary key, newest posting first, one row;
- CMP: the item's Bins (index on item_code) joined to Warehouse for the company;
- CRP: the item's incoming Stock Ledger Entries of receipts, per warehouse in the order of the
  index (item_code, warehouse, posting_datetime, creation), newest first, at most 50 per warehouse.
"""

from dataclasses import dataclass
from decimal import Decimal

import frappe
from frappe.query_builder import Order
from frappe.query_builder.functions import Sum
from frappe.utils import flt

from dux_trace.core.pricing import CostBases, Receipt, dec, replacement_cost, round_money, weighted_average
from dux_trace.stock.documents import PURCHASES

#: documents whose rows are purchases received into stock
PURCHASE_RECEIPTS = PURCHASES
#: how many receipts the CRP reads at most (the stock on hand is rarely older)
CRP_RECEIPTS = 50


def currency_digits(currency: str) -> int:
	"""Decimals of the currency's smallest fraction: MAD 2 (centime), TND 3 (millime)."""
	values = frappe.get_cached_value(
		"Currency", currency, ["smallest_currency_fraction_value", "fraction_units"], as_dict=True
	)
	if values and flt(values.smallest_currency_fraction_value):
		return max(0, -Decimal(str(values.smallest_currency_fraction_value)).normalize().as_tuple().exponent)
	if values and values.fraction_units and int(values.fraction_units) > 1:
		return len(str(int(values.fraction_units))) - 1
	return 2


def company_currency(company: str) -> str:
	return frappe.get_cached_value("Company", company, "default_currency")


@dataclass
class LastPurchase:
	doctype: str
	name: str
	posting_date: object
	supplier: str
	currency: str  # the supplier's
	price_in_currency: Decimal  # gross, per purchase UOM, in the supplier's currency
	gross: Decimal  # company currency, per stock unit, before the supplier discount
	discount_percent: Decimal
	discount_amount: Decimal  # company currency, per stock unit
	net: Decimal  # after every discount (row and document)
	landed: Decimal  # ERPNext's valuation rate of the row: net + valuation taxes + landed costs


def last_purchase(item_code: str, company: str) -> LastPurchase | None:
	"""The last purchase received into stock (a Purchase Order never received does not count,
	unlike ERPNext's Item.last_purchase_rate), from its row as ERPNext stored it."""
	digits = currency_digits(company_currency(company))
	best = None
	for doctype in PURCHASE_RECEIPTS:
		parent = frappe.qb.DocType(doctype)
		row = frappe.qb.DocType(f"{doctype} Item")
		query = (
			frappe.qb.from_(row)
			.inner_join(parent)
			.on(parent.name == row.parent)
			.select(
				parent.name,
				parent.posting_date,
				parent.posting_time,
				parent.supplier,
				parent.currency,
				parent.conversion_rate,
				row.price_list_rate,
				row.rate,
				row.base_price_list_rate,
				row.base_rate,
				row.base_net_rate,
				row.discount_percentage,
				row.conversion_factor,
				row.valuation_rate,
			)
			.where(row.item_code == item_code)
			.where(parent.docstatus == 1)
			.where(parent.company == company)
			.where(parent.is_return == 0)
			.orderby(parent.posting_date, order=Order.desc)
			.orderby(parent.posting_time, order=Order.desc)
			.orderby(parent.creation, order=Order.desc)
			.limit(1)
		)
		if doctype == "Purchase Invoice":
			query = query.where(parent.update_stock == 1)
		for found in query.run(as_dict=True):
			key = (found.posting_date, found.posting_time)
			if best is None or key > best[0]:
				best = (key, doctype, found)
	if best is None:
		return None
	_key, doctype, found = best
	per_stock_unit = dec(found.conversion_factor or 1)
	gross_company = dec(found.base_price_list_rate) or dec(found.base_rate)
	gross = round_money(gross_company / per_stock_unit, digits)
	net = round_money(dec(found.base_net_rate) / per_stock_unit, digits)
	return LastPurchase(
		doctype=doctype,
		name=found.name,
		posting_date=found.posting_date,
		supplier=found.supplier,
		currency=found.currency,
		price_in_currency=dec(found.price_list_rate) or dec(found.rate),
		gross=gross,
		discount_percent=dec(found.discount_percentage),
		discount_amount=max(gross - net, Decimal(0)),
		net=net,
		landed=round_money(dec(found.valuation_rate), digits),
	)


def company_stock(item_code: str, company: str) -> tuple[Decimal, Decimal]:
	"""(quantity, value) of the item over all the company's warehouses, from ERPNext's Bins."""
	bin_, warehouse = frappe.qb.DocType("Bin"), frappe.qb.DocType("Warehouse")
	row = (
		frappe.qb.from_(bin_)
		.inner_join(warehouse)
		.on(warehouse.name == bin_.warehouse)
		.select(Sum(bin_.actual_qty).as_("qty"), Sum(bin_.stock_value).as_("value"))
		.where(bin_.item_code == item_code)
		.where(warehouse.company == company)
		.run(as_dict=True)
	)[0]
	return dec(flt(row.qty)), dec(flt(row.value))


def recent_receipts(item_code: str, company: str, limit: int = CRP_RECEIPTS) -> list[Receipt]:
	"""The item's last purchase receipts into the company's warehouses, newest first, at their
	landed cost per stock unit (the ledger's incoming rate, which Landed Cost Vouchers update).

	One query per warehouse holding the item, each read in the order of ERPNext's index (item_code,
	warehouse, posting_datetime, creation) and stopped after `limit` rows, then merged: a single
	query over all warehouses would sort every ledger row of the item."""
	bin_, warehouse = frappe.qb.DocType("Bin"), frappe.qb.DocType("Warehouse")
	warehouses = (
		frappe.qb.from_(bin_)
		.inner_join(warehouse)
		.on(warehouse.name == bin_.warehouse)
		.select(bin_.warehouse)
		.where(bin_.item_code == item_code)
		.where(warehouse.company == company)
		.run(pluck=True)
	)
	sle = frappe.qb.DocType("Stock Ledger Entry")
	rows = []
	for name in warehouses:
		rows += (
			frappe.qb.from_(sle)
			.select(sle.actual_qty, sle.incoming_rate, sle.posting_datetime, sle.creation)
			.where(sle.item_code == item_code)
			.where(sle.warehouse == name)
			.where(sle.is_cancelled == 0)
			.where(sle.actual_qty > 0)
			.where(sle.voucher_type.isin(PURCHASE_RECEIPTS))
			.orderby(sle.posting_datetime, order=Order.desc)
			.orderby(sle.creation, order=Order.desc)
			.limit(limit)
			.run(as_dict=True)
		)
	rows.sort(key=lambda row: (row.posting_datetime, row.creation), reverse=True)
	return [Receipt(dec(flt(row.actual_qty)), dec(flt(row.incoming_rate))) for row in rows[:limit]]


def cost_bases(item_code: str, company: str) -> tuple[CostBases, LastPurchase | None]:
	digits = currency_digits(company_currency(company))
	purchase = last_purchase(item_code, company)
	qty, value = company_stock(item_code, company)
	cmp = weighted_average(value, qty, digits)
	crp = replacement_cost(qty, recent_receipts(item_code, company), cmp, digits) if qty > 0 else None
	return (
		CostBases(
			last_purchase_gross=purchase.gross if purchase else None,
			last_purchase_net=purchase.net if purchase else None,
			landed_cost=purchase.landed if purchase else None,
			cmp=cmp,
			crp=crp,
		),
		purchase,
	)
