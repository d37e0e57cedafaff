"""No selling price below cost by accident.

An item's floor is its margin basis (the card's: item, else item group, else Dux Trace Settings;
CMP by default) plus a minimum margin on it (the item group's *Minimum Margin on Cost*, else Dux
Trace Settings'; 0: the cost itself). A selling Item Price below its item's floor — typed on the
card or in ERPNext's Item Price form — is, per the settings' *Price Below the Minimum*:
- *Warn and Record* (the default): saved, the user warned, and its timeline says who saved it below
  the minimum (a price list import or another app's prices are never refused behind its back);
- *Refuse Without the Override Role*: refused, unless the user holds the settings' *Discount
  Override Role* (the one rule that lets a price go under what the shop allows, as for the maximum
  discount) and gives a *Price Override Reason*, which then goes into the Item Price's timeline.
The card shows the floor (red) to the roles that may see costs, and to the others only that the
price is below the allowed minimum. Items with no cost known have no floor.
"""

from dataclasses import dataclass
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import flt, fmt_money

from dux_trace import rule_overrides, settings
from dux_trace.companies import company_currency, currency_digits, default_company
from dux_trace.core.pricing import Basis, dec, price_from_markup
from dux_trace.permissions import can_see_costs
from dux_trace.pricing.basis import margin_basis
from dux_trace.pricing.costs import cost_bases
from dux_trace.pricing.sentences import percent_text

REASON_FIELD = "dux_price_override_reason"
#: the settings' strict choice for a price below the minimum
REFUSE = "Refuse Without the Override Role"
MIN_MARGIN_FIELD = "dux_min_margin_percent"


class PriceBelowMinimumError(frappe.ValidationError):
	pass


@dataclass(frozen=True)
class Floor:
	basis: Basis
	base: Decimal | None
	min_margin: Decimal
	#: the lowest price excl. VAT allowed per stock unit (None: no cost known, no floor)
	price: Decimal | None

	def below(self, price_ht) -> bool:
		return self.price is not None and dec(flt(price_ht)) < self.price


def minimum_margin(item_group: str | None) -> Decimal:
	"""The item group's minimum margin on cost, else the settings' (0 when neither is set)."""
	value = frappe.get_cached_value("Item Group", item_group, MIN_MARGIN_FIELD) if item_group else None
	return dec(flt(value) or settings.min_margin_percent())


def floor_of(item, company: str, bases=None) -> Floor:
	"""The item's floor in the company (give the card's cost bases when already read)."""
	basis = margin_basis(item)
	if bases is None:
		bases, _purchase = cost_bases(item.name, company)
	base = bases.value(basis)
	margin = minimum_margin(item.get("item_group"))
	digits = currency_digits(company_currency(company))
	return Floor(basis, base, margin, None if base is None else price_from_markup(base, margin, digits))


def below_message(price_ht, floor: Floor, currency: str, show_costs: bool | None = None) -> str:
	"""Why the price is refused or shown red; the cost only to who may see costs."""
	price = fmt_money(flt(price_ht), currency=currency)
	if not (can_see_costs() if show_costs is None else show_costs):
		return _("The price excl. VAT {0} is below the minimum allowed for this item.").format(price)
	if floor.min_margin:
		return _(
			"The price excl. VAT {0} is below the minimum {1}: {2} {3} plus a minimum margin of {4}."
		).format(
			price,
			fmt_money(float(floor.price), currency=currency),
			_(floor.basis.value),
			fmt_money(float(floor.base), currency=currency),
			percent_text(floor.min_margin),
		)
	return _("The price excl. VAT {0} is below the cost: {1} {2}.").format(
		price, _(floor.basis.value), fmt_money(float(floor.base), currency=currency)
	)


def validate_item_price(doc):
	"""Item Price before save: a new or changed selling price below its item's floor is refused
	without the override role and a reason; the pass, or the warning saved past, is recorded on
	update (rule_overrides)."""
	if not doc.get("selling") or not flt(doc.price_list_rate):
		return
	if not (doc.is_new() or doc.has_value_changed("price_list_rate")):
		return
	if frappe.flags.in_import or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	company = default_company(required=False)
	if not company or doc.currency != company_currency(company):
		return
	item = frappe.db.get_value(
		"Item", doc.item_code, ["name", "item_group", "stock_uom", "dux_margin_basis"], as_dict=True
	)
	if not item:
		return
	per_stock_unit = flt(doc.price_list_rate)
	if doc.uom and doc.uom != item.stock_uom:
		factor = frappe.db.get_value(
			"UOM Conversion Detail",
			{"parent": item.name, "parenttype": "Item", "uom": doc.uom},
			"conversion_factor",
		)
		if not flt(factor):
			return
		per_stock_unit /= flt(factor)
	floor = floor_of(item, company)
	if not floor.below(per_stock_unit):
		return
	message = below_message(per_stock_unit, floor, doc.currency)
	lines = [{"item_code": doc.item_code, "customer": doc.get("customer")}]
	if not settings.refuse_below_minimum_price():
		rule_overrides.hold(doc, rule_overrides.PRICE_FLOOR, rule_overrides.WARNED, message, lines)
		frappe.msgprint(message, title=_("Price Below the Minimum"), indicator="orange", alert=True)
		return
	rule_overrides.pass_or_refuse(
		doc,
		rule_overrides.PRICE_FLOOR,
		reason_field=REASON_FIELD,
		what=message,
		lines=lines,
		hint=_("A user with the role {0} may allow it with a Price Override Reason."),
		otherwise=_("Raise the price, or lower the minimum margin."),
		exc=PriceBelowMinimumError,
		title=_("Price Below the Minimum"),
	)
