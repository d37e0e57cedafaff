"""The five cost bases of an item, read from ERPNext's own documents (company currency, per stock
unit). Only the CMP is kept (`pricing.cmp`, which a receipt, a Landed Cost Voucher or a repost
updates or marks to rebuild); the others are read each time.

Queries of one item (`cost_bases`, the article card; each through an index; see
benchmarks/card_benchmark.py for their cost at 1 M stock ledger rows):
- last received purchase: `tabPurchase Receipt Item` / `tabPurchase Invoice Item` by `item_code`
  (ERPNext's index), joined to their submitted parent by primary key, newest posting first, one row;
- CMP: the stored weighted average of `pricing.cmp` (Dux Item Cost, by primary key), rebuilt from
  the item's ledger when missing or marked to rebuild; the quantity on hand from the item's Bins
  (index on item_code) joined to Warehouse for the company;
- CRP: the item's incoming Stock Ledger Entries of receipts, per warehouse in the order of the
  index (item_code, warehouse, posting_datetime, creation), newest first, at most 50 per warehouse.

Queries of a chunk of items (`cost_bases_of`, the background recalculation), whatever the number
of items in the chunk: 5, plus a rebuild per item whose CMP is not stored (one per purchase doctype: the newest received row of each item,
`ROW_NUMBER() OVER (PARTITION BY item_code ...)`; one for the Bins of the company grouped by item;
one for the receipts of the ledger, `ROW_NUMBER() OVER (PARTITION BY item_code, warehouse ...)`
kept to 50 per warehouse; one for the stored CMPs). The maths is the same functions as for one item, so the figures are.
"""

from dataclasses import dataclass
from decimal import Decimal

import frappe
from frappe.query_builder import Order
from frappe.query_builder.functions import Sum
from frappe.utils import flt
from pypika.analytics import RowNumber

from dux_trace.companies import company_currency, currency_digits
from dux_trace.core.cmp import Average
from dux_trace.core.pricing import CostBases, Receipt, dec, replacement_cost, round_money
from dux_trace.pricing.cmp import cmp_of, cmps_of
from dux_trace.stock.documents import PURCHASES

#: documents whose rows are purchases received into stock
PURCHASE_RECEIPTS = PURCHASES
#: how many receipts the CRP reads at most (the stock on hand is rarely older)
CRP_RECEIPTS = 50


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


def _purchase_query(doctype: str, company: str):
	"""The submitted, non-return rows of `doctype` received into the company's stock, with what
	`LastPurchase` is built from; a query builder to narrow and order."""
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
		.where(parent.docstatus == 1)
		.where(parent.company == company)
		.where(parent.is_return == 0)
	)
	if doctype == "Purchase Invoice":
		query = query.where(parent.update_stock == 1)
	return query, parent, row


def _newest(found_by_doctype) -> tuple[str, dict] | None:
	"""(doctype, row) of the newest posting among each doctype's newest row; on the same posting
	date and time the first doctype of PURCHASE_RECEIPTS wins."""
	best = None
	for doctype, found in found_by_doctype:
		key = (found.posting_date, found.posting_time)
		if best is None or key > best[0]:
			best = (key, doctype, found)
	return None if best is None else best[1:]


def _last_purchase_of(doctype: str, found, digits: int) -> LastPurchase:
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


def last_purchase(item_code: str, company: str) -> LastPurchase | None:
	"""The last purchase received into stock (a Purchase Order never received does not count,
	unlike ERPNext's Item.last_purchase_rate), from its row as ERPNext stored it."""
	digits = currency_digits(company_currency(company))
	found_by_doctype = []
	for doctype in PURCHASE_RECEIPTS:
		query, parent, row = _purchase_query(doctype, company)
		query = (
			query.where(row.item_code == item_code)
			.orderby(parent.posting_date, order=Order.desc)
			.orderby(parent.posting_time, order=Order.desc)
			.orderby(parent.creation, order=Order.desc)
			.limit(1)
		)
		found_by_doctype += [(doctype, found) for found in query.run(as_dict=True)]
	newest = _newest(found_by_doctype)
	return _last_purchase_of(*newest, digits) if newest else None


def last_purchases(item_codes: list[str], company: str) -> dict[str, LastPurchase]:
	"""`last_purchase` of each item that has one, in one query per purchase doctype: each item's
	rows numbered newest first (`ROW_NUMBER() OVER (PARTITION BY item_code ORDER BY posting_date
	DESC, posting_time DESC, creation DESC)`), the first kept."""
	digits = currency_digits(company_currency(company))
	found_by_item = {}
	for doctype in PURCHASE_RECEIPTS:
		query, parent, row = _purchase_query(doctype, company)
		ranked = (
			query.select(
				row.item_code,
				RowNumber()
				.over(row.item_code)
				.orderby(parent.posting_date, order=Order.desc)
				.orderby(parent.posting_time, order=Order.desc)
				.orderby(parent.creation, order=Order.desc)
				.as_("rank_in_item"),
			)
			.where(row.item_code.isin(item_codes))
			.as_("ranked")
		)
		for found in (
			frappe.qb.from_(ranked).select(ranked.star).where(ranked.rank_in_item == 1).run(as_dict=True)
		):
			found_by_item.setdefault(found.item_code, []).append((doctype, found))
	return {
		item_code: _last_purchase_of(*_newest(found_by_doctype), digits)
		for item_code, found_by_doctype in found_by_item.items()
	}


def _company_bins(company: str):
	bin_, warehouse = frappe.qb.DocType("Bin"), frappe.qb.DocType("Warehouse")
	query = (
		frappe.qb.from_(bin_)
		.inner_join(warehouse)
		.on(warehouse.name == bin_.warehouse)
		.where(warehouse.company == company)
	)
	return query, bin_


def company_stock(item_code: str, company: str) -> tuple[Decimal, Decimal]:
	"""(quantity, value) of the item over all the company's warehouses, from ERPNext's Bins."""
	query, bin_ = _company_bins(company)
	row = (
		query.select(Sum(bin_.actual_qty).as_("qty"), Sum(bin_.stock_value).as_("value"))
		.where(bin_.item_code == item_code)
		.run(as_dict=True)
	)[0]
	return dec(flt(row.qty)), dec(flt(row.value))


def company_stocks(item_codes: list[str], company: str) -> dict[str, tuple[Decimal, Decimal]]:
	"""`company_stock` of each item that has a Bin in the company, in one query (GROUP BY item);
	an item without one has (0, 0)."""
	query, bin_ = _company_bins(company)
	return {
		row.item_code: (dec(flt(row.qty)), dec(flt(row.value)))
		for row in query.select(
			bin_.item_code, Sum(bin_.actual_qty).as_("qty"), Sum(bin_.stock_value).as_("value")
		)
		.where(bin_.item_code.isin(item_codes))
		.groupby(bin_.item_code)
		.run(as_dict=True)
	}


def _receipts_query():
	sle = frappe.qb.DocType("Stock Ledger Entry")
	query = (
		frappe.qb.from_(sle)
		.select(sle.actual_qty, sle.incoming_rate, sle.posting_datetime, sle.creation)
		.where(sle.is_cancelled == 0)
		.where(sle.actual_qty > 0)
		.where(sle.voucher_type.isin(PURCHASE_RECEIPTS))
	)
	return query, sle


def _merged_receipts(rows, limit: int) -> list[Receipt]:
	"""The newest `limit` of the rows of every warehouse (each newest first), newest first."""
	rows.sort(key=lambda row: (row.posting_datetime, row.creation), reverse=True)
	return [Receipt(dec(flt(row.actual_qty)), dec(flt(row.incoming_rate))) for row in rows[:limit]]


def recent_receipts(item_code: str, company: str, limit: int = CRP_RECEIPTS) -> list[Receipt]:
	"""The item's last purchase receipts into the company's warehouses, newest first, at their
	landed cost per stock unit (the ledger's incoming rate, which Landed Cost Vouchers update).

	One query per warehouse holding the item, each read in the order of ERPNext's index (item_code,
	warehouse, posting_datetime, creation) and stopped after `limit` rows, then merged: a single
	query over all warehouses would sort every ledger row of the item."""
	query, bin_ = _company_bins(company)
	warehouses = query.select(bin_.warehouse).where(bin_.item_code == item_code).run(pluck=True)
	rows = []
	for name in warehouses:
		query, sle = _receipts_query()
		rows += (
			query.where(sle.item_code == item_code)
			.where(sle.warehouse == name)
			.orderby(sle.posting_datetime, order=Order.desc)
			.orderby(sle.creation, order=Order.desc)
			.limit(limit)
			.run(as_dict=True)
		)
	return _merged_receipts(rows, limit)


def recent_receipts_of(
	item_codes: list[str], company: str, limit: int = CRP_RECEIPTS
) -> dict[str, list[Receipt]]:
	"""`recent_receipts` of each item, in one query: the receipts of the items in the warehouses
	where the company has their Bins, numbered newest first per item and warehouse
	(`ROW_NUMBER() OVER (PARTITION BY item_code, warehouse ...)`), the first `limit` of each kept,
	then merged per item as for one item."""
	query, sle = _receipts_query()
	bin_, warehouse = frappe.qb.DocType("Bin"), frappe.qb.DocType("Warehouse")
	ranked = (
		query.inner_join(bin_)
		.on((bin_.item_code == sle.item_code) & (bin_.warehouse == sle.warehouse))
		.inner_join(warehouse)
		.on(warehouse.name == bin_.warehouse)
		.select(
			sle.item_code,
			RowNumber()
			.over(sle.item_code, sle.warehouse)
			.orderby(sle.posting_datetime, order=Order.desc)
			.orderby(sle.creation, order=Order.desc)
			.as_("rank_in_warehouse"),
		)
		.where(warehouse.company == company)
		.where(sle.item_code.isin(item_codes))
		.as_("ranked")
	)
	rows_by_item = {}
	for row in (
		frappe.qb.from_(ranked).select(ranked.star).where(ranked.rank_in_warehouse <= limit).run(as_dict=True)
	):
		rows_by_item.setdefault(row.item_code, []).append(row)
	return {item_code: _merged_receipts(rows, limit) for item_code, rows in rows_by_item.items()}


def _bases(purchase: LastPurchase | None, qty: Decimal, average: Average, receipts, digits: int) -> CostBases:
	"""The five bases from what was read; `receipts()` gives the item's recent receipts (read only
	when there is stock on hand, for the CRP). The CMP is `pricing.cmp`'s weighted average of the
	receipts, whatever ERPNext's valuation method; it stays known when the stock is sold out."""
	cmp = round_money(average.cmp, digits) if average.cmp else None
	crp = replacement_cost(qty, receipts(), cmp, digits) if qty > 0 else None
	return CostBases(
		last_purchase_gross=purchase.gross if purchase else None,
		last_purchase_net=purchase.net if purchase else None,
		landed_cost=purchase.landed if purchase else None,
		cmp=cmp,
		crp=crp,
	)


def cost_bases(item_code: str, company: str) -> tuple[CostBases, LastPurchase | None]:
	digits = currency_digits(company_currency(company))
	purchase = last_purchase(item_code, company)
	qty, _value = company_stock(item_code, company)
	return (
		_bases(
			purchase, qty, cmp_of(item_code, company), lambda: recent_receipts(item_code, company), digits
		),
		purchase,
	)


def cost_bases_of(item_codes: list[str], company: str) -> dict[str, tuple[CostBases, LastPurchase | None]]:
	"""`cost_bases` of each item of a chunk (the same figures), in 4 queries whatever its size."""
	if not item_codes:
		return {}
	digits = currency_digits(company_currency(company))
	purchases = last_purchases(item_codes, company)
	stocks = company_stocks(item_codes, company)
	receipts = recent_receipts_of(item_codes, company)
	averages = cmps_of(item_codes, company)
	none = (dec(flt(None)), dec(flt(None)))  # as the Sum of no Bin reads
	return {
		item_code: (
			_bases(
				purchases.get(item_code),
				stocks.get(item_code, none)[0],
				averages[item_code],
				lambda item_code=item_code: receipts.get(item_code, []),
				digits,
			),
			purchases.get(item_code),
		)
		for item_code in item_codes
	}
