"""The article card of an item (*Tarification* tab) and the selling price it writes.

The card reads the five cost bases (`pricing.costs`), the VAT rate of the item's Item Tax
Template and its maximum discount (ERPNext's Item.max_discount), and computes margins, prices HT
and TTC with `dux_trace.core.pricing`. Saving the item writes its price excl. VAT as an Item
Price of the selling price list valid from today (the price it replaces ends yesterday, so
ERPNext's history stays) - a sale then uses it with nothing else to set up.
"""

from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import add_days, flt, getdate, nowdate

from dux_trace import settings
from dux_trace.companies import company_currency, currency_digits, default_company
from dux_trace.core.pricing import Basis, CostBases, PricingError, card, dec
from dux_trace.permissions import can_see_costs
from dux_trace.pricing.basis import margin_basis
from dux_trace.pricing.costs import cost_bases
from dux_trace.pricing.floor import REASON_FIELD, below_message, floor_of

MARKUP_FIELD = "dux_markup_percent"
PRICE_FIELD = "dux_selling_price"
PRICE_TTC_FIELD = "dux_price_incl_tax"


def card_price_list_of(company: str) -> str:
	"""Where the card writes: Dux Trace Settings' *Card Price List*, else ERPNext's default selling
	price list; it must be in the company's currency (the card's prices are)."""
	price_list = settings.card_price_list()
	currency = frappe.get_cached_value("Price List", price_list, "currency")
	if currency and currency != company_currency(company):
		frappe.throw(
			_(
				"The price list {0} is in {1}, the company {2} in {3}: choose a Card Price List in {3} in Dux Trace Settings."
			).format(price_list, currency, company, company_currency(company)),
			title=_("Price List Currency"),
		)
	return price_list


def vat_percent(item_code: str, on_date=None, item_group: str | None = None) -> Decimal:
	"""The VAT rate of the item's Item Tax Template (its own row valid on the date, else its item
	group's); 0 without a template. Give `item_group` when the caller has the item at hand."""
	on_date = getdate(on_date or nowdate())
	for parenttype, parent in (
		("Item", item_code),
		("Item Group", item_group or frappe.get_cached_value("Item", item_code, "item_group")),
	):
		rows = frappe.get_all(
			"Item Tax",
			filters={"parenttype": parenttype, "parent": parent},
			fields=["item_tax_template", "valid_from", "tax_category"],
			order_by="valid_from desc",
		)
		rows = [
			r for r in rows if not r.tax_category and (not r.valid_from or getdate(r.valid_from) <= on_date)
		]
		if rows:
			rates = frappe.get_all(
				"Item Tax Template Detail", filters={"parent": rows[0].item_tax_template}, pluck="tax_rate"
			)
			return dec(max([flt(r) for r in rates] or [0]))
	return Decimal(0)


def compute(item, company: str | None = None, *, markup=None, price_ht=None, price_ttc=None) -> dict:
	"""The card as the form shows it (money as floats of the currency's precision)."""
	company = company or default_company()
	currency = company_currency(company)
	digits = currency_digits(currency)
	show_costs = can_see_costs()
	# the floor reads the costs for everyone; only who may see them gets them (and the floor)
	all_bases, purchase = cost_bases(item.name, company)
	floor = floor_of(item, company, all_bases)
	bases = all_bases if show_costs else CostBases()
	purchase = purchase if show_costs else None
	basis = margin_basis(item)
	vat = vat_percent(item.name, item_group=item.item_group)
	result = {
		"company": company,
		"currency": currency,
		"precision": digits,
		"basis": basis.value,
		"basis_label": _(basis.value),
		"vat_percent": float(vat),
		"max_discount": flt(item.get("max_discount")),
		"costs_visible": show_costs,
		"bases": [
			{"basis": b.value, "label": _(b.value), "value": None if v is None else float(v)}
			for b, v in bases.items()
		],
		"last_purchase": None,
	}
	if purchase:
		result["last_purchase"] = {
			"doctype": purchase.doctype,
			"name": purchase.name,
			"posting_date": str(purchase.posting_date),
			"supplier": purchase.supplier,
			"currency": purchase.currency,
			"price_in_currency": float(purchase.price_in_currency),
			"gross": float(purchase.gross),
			"discount_percent": float(purchase.discount_percent),
			"discount_amount": float(purchase.discount_amount),
			"net": float(purchase.net),
			"landed": float(purchase.landed),
		}
	if markup is None and price_ht is None and price_ttc is None:
		price_ht = item.get(PRICE_FIELD) or None
	if markup is None and price_ht is None and price_ttc is None:
		return result
	try:
		found = card(
			bases,
			basis,
			vat,
			flt(item.get("max_discount")),
			digits,
			markup_percent=markup,
			price_ht=price_ht,
			price_ttc=price_ttc,
		)
	except PricingError as error:
		frappe.throw(_(card_error(error, basis)), title=_("Cannot Price This Item"))
	result.update(
		{
			"price_ht": float(found.price_ht),
			"price_ttc": float(found.price_ttc),
			"ttc_difference": float(found.ttc_difference),
			"net_ht_after_max_discount": float(found.net_ht_after_max_discount),
			"base_value": None if found.base_value is None else float(found.base_value),
			"markup_on_base": _float(found.markup_on_base),
			"markup_on_gross": _float(found.markup_on_gross),
			"markup_on_net": _float(found.markup_on_net),
			"real_markup": _float(found.real_markup),
			"margin_on_price": _float(found.margin_on_price),
		}
	)
	below = floor.below(found.price_ht)
	result.update(
		{
			"below_minimum": below,
			"below_minimum_message": below_message(found.price_ht, floor, currency, show_costs)
			if below
			else None,
			"minimum_price": _float(floor.price) if show_costs else None,
			"min_margin_percent": float(floor.min_margin) if show_costs else None,
		}
	)
	return result


def card_error(error: PricingError, basis: Basis) -> str:
	text = str(error)
	if text.startswith("no "):
		return _("No {0} is known for this item yet: enter a price instead of a markup.").format(
			_(basis.value)
		)
	if text.startswith("VAT rate"):
		return _("The item's VAT rate must be between 0 and 100 %.")
	if text.startswith("discount"):
		return _("The maximum discount must be between 0 and 100 %.")
	return _("Prices cannot be negative.")


def _float(value):
	return None if value is None else float(value)


def sync_item_prices(item):
	"""Item before save: whichever of markup, price HT or price TTC the user changed gives the
	other two (the HT is the stored truth; a TTC no HT can give is reported)."""
	if not item.meta.has_field(PRICE_FIELD):
		return
	previous = item.get_doc_before_save()

	def changed(field):
		return flt(item.get(field)) != flt(previous.get(field) if previous else 0)

	if changed(PRICE_TTC_FIELD) and not changed(PRICE_FIELD) and item.get(PRICE_TTC_FIELD):
		found = compute(item, price_ttc=item.get(PRICE_TTC_FIELD))
	elif changed(MARKUP_FIELD) and not changed(PRICE_FIELD) and item.get(MARKUP_FIELD):
		found = compute(item, markup=item.get(MARKUP_FIELD))
	elif item.get(PRICE_FIELD):
		found = compute(item, price_ht=item.get(PRICE_FIELD))
	else:
		return
	if "price_ht" not in found:
		return
	if found["ttc_difference"]:
		frappe.msgprint(
			_("No price excl. VAT gives exactly {0} incl. VAT: {1} gives {2}.").format(
				item.get(PRICE_TTC_FIELD), found["price_ht"], found["price_ttc"]
			),
			title=_("Price incl. VAT adjusted"),
			indicator="orange",
		)
	item.set(PRICE_FIELD, found["price_ht"])
	item.set(PRICE_TTC_FIELD, found["price_ttc"])
	if found["markup_on_base"] is not None:
		item.set(MARKUP_FIELD, found["markup_on_base"])


def write_item_price(item) -> str | None:
	"""Item on update: the price excl. VAT becomes the selling price list's Item Price from today
	(nothing written when it is already the price)."""
	if not item.get(PRICE_FIELD) or not item.get("is_sales_item", 1):
		return None
	price_list = card_price_list_of(default_company())
	rate = flt(item.get(PRICE_FIELD))
	today = getdate(nowdate())
	current = current_item_price(item.name, price_list, item.stock_uom, today)
	if current and flt(current.price_list_rate) == rate:
		return current.name
	# the Item Prices written and changed are checked as ERPNext's form would (create, write)
	if not frappe.has_permission("Item Price", "create") or (
		current and not frappe.has_permission("Item Price", "write", current.name)
	):
		frappe.throw(
			_("Saving a selling price writes an Item Price, which your roles may not create."),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	# a price below the item's floor passes with the override role and the reason typed on the card
	reason = item.get(REASON_FIELD)
	if current and current.valid_from and getdate(current.valid_from) == today:
		changed = frappe.get_doc("Item Price", current.name)
		changed.price_list_rate = rate
		changed.set(REASON_FIELD, reason)
		changed.save()
		return current.name
	if current:
		ended = frappe.get_doc("Item Price", current.name)
		ended.valid_upto = add_days(today, -1)
		ended.save()
	price = frappe.get_doc(
		{
			"doctype": "Item Price",
			"item_code": item.name,
			"price_list": price_list,
			"uom": item.stock_uom,
			"price_list_rate": rate,
			"valid_from": today,
			"currency": company_currency(default_company()),
			REASON_FIELD: reason,
		}
	).insert()
	return price.name


def current_item_price(item_code: str, price_list: str, uom: str, on_date):
	"""The general (no customer, supplier or batch) Item Price valid on the date."""
	prices = frappe.get_all(
		"Item Price",
		filters={
			"item_code": item_code,
			"price_list": price_list,
			"uom": uom,
			"customer": ("is", "not set"),
			"supplier": ("is", "not set"),
			"batch_no": ("is", "not set"),
		},
		fields=["name", "price_list_rate", "valid_from", "valid_upto"],
		order_by="valid_from desc",
	)
	for price in prices:
		if (not price.valid_from or getdate(price.valid_from) <= on_date) and (
			not price.valid_upto or getdate(price.valid_upto) >= on_date
		):
			return price
	return None
