"""The article card and the sales simulation, for the Item form (whitelisted, read-only)."""

import frappe
from frappe import _
from frappe.utils import flt

from dux_trace.permissions import require
from dux_trace.pricing import card as article_card
from dux_trace.pricing.basis import BASIS_FIELD
from dux_trace.pricing.simulation import simulation

MAX_DISCOUNT_STEPS = 200


def item_for_card(item_code: str, margin_basis: str | None = None, max_discount=None):
	if not isinstance(item_code, str) or not frappe.db.exists("Item", item_code):
		frappe.throw(_("Item {0} does not exist.").format(frappe.bold(str(item_code)[:140])))
	require("Item", doc=item_code)
	item = frappe.get_doc("Item", item_code)
	# what the form shows before it is saved
	if margin_basis is not None:
		item.set(BASIS_FIELD, margin_basis)
	if max_discount is not None:
		item.max_discount = flt(max_discount)
	return item


def number(value, label: str):
	if value in (None, ""):
		return None
	try:
		return float(value)
	except (TypeError, ValueError):
		frappe.throw(_("{0} must be a number.").format(_(label)))


@frappe.whitelist()
def get_card(
	item_code: str,
	markup=None,
	price_ht=None,
	price_ttc=None,
	margin_basis: str | None = None,
	max_discount=None,
) -> dict:
	"""The card of the item; with one of markup, price_ht or price_ttc, the prices it gives."""
	item = item_for_card(item_code, margin_basis, max_discount)
	return article_card.compute(
		item,
		markup=number(markup, "Markup"),
		price_ht=number(price_ht, "Selling Price excl. VAT"),
		price_ttc=number(price_ttc, "Public Price incl. VAT"),
	)


@frappe.whitelist()
def simulate_sale(
	item_code: str,
	qty=1,
	customer_group: str | None = None,
	price_list: str | None = None,
	discount_step=5,
	cost_shift=0,
) -> dict:
	"""Sales simulation: nothing is written."""
	item_for_card(item_code)
	qty = number(qty, "Quantity") or 1
	step = number(discount_step, "Discount Step") or 5
	if qty <= 0 or step <= 0 or 100 / step > MAX_DISCOUNT_STEPS:
		frappe.throw(_("Give a positive quantity and a discount step of at least 0.5 %."))
	for doctype, name in (("Customer Group", customer_group), ("Price List", price_list)):
		if name and not frappe.db.exists(doctype, name):
			frappe.throw(_("{0} {1} does not exist.").format(_(doctype), frappe.bold(name)))
	if price_list and not frappe.db.get_value("Price List", price_list, "selling"):
		# a buying list would answer with the purchase price: a cost
		frappe.throw(
			_("{0} is not a selling price list: the simulation prices a sale.").format(
				frappe.bold(price_list)
			)
		)
	return simulation(
		item_code, qty, customer_group, price_list, step, number(cost_shift, "Cost Change") or 0
	)
