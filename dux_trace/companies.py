"""The company a user works in and its currency: one home for the default company and the money
helpers that follow from it.

Two questions, two names:
- `default_company(required=True)`: the company the user prices in (the article card, the sales
  simulation, the price floor): the user's default, else the site's (Global Defaults); with
  `required`, none is an error, else None;
- `permitted_default_company()`: the company a workspace card or chart opens on: the user's
  default, else the site's only when the user's User Permissions allow it; None means every
  company the user may see.
"""

from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import flt

from dux_trace.permissions import allowed


def site_default_company() -> str | None:
	return frappe.db.get_single_value("Global Defaults", "default_company")


def default_company(required: bool = True) -> str | None:
	"""The user's default company, else the site's; `required`: none throws (No Company)."""
	company = frappe.defaults.get_user_default("Company") or site_default_company()
	if not company and required:
		frappe.throw(_("Set a default company (Global Defaults) to price items."), title=_("No Company"))
	return company


def permitted_default_company() -> str | None:
	"""The user's default company (Frappe's, which follows their User Permissions), else the site's
	when the user may see it; None: every company the user may see."""
	if company := frappe.defaults.get_user_default("Company"):
		return company
	company = site_default_company()
	companies = allowed("Company")
	return company if companies is None or company in companies else None


def company_currency(company: str) -> str:
	return frappe.get_cached_value("Company", company, "default_currency")


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
