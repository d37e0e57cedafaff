"""Dux Trace Settings, read in one place: every rule that a setting shapes asks here.

The Single is read through Frappe's document cache (one Redis read per request; saving the
settings, or `frappe.db.set_single_value`, clears it). ERPNext's own settings that the app follows
(the default selling price list) are read here too, so that a grep for a setting finds one reader.
"""

import frappe
from frappe.utils import cint, flt

SETTINGS = "Dux Trace Settings"

#: the rules a user may pass with a role and a reason, and the setting naming each one's role
#: (see dux_trace.rule_overrides)
OVERRIDE_ROLE_FIELDS = {
	"FEFO": "override_role",
	"Maximum Discount": "discount_override_role",
	"Price Floor": "discount_override_role",
	"Authorization": "authorization_override_role",
}


def get_settings():
	return frappe.get_cached_doc(SETTINGS)


# lots and FEFO


def fefo_policy() -> str:
	"""Off, Warn or Block."""
	return get_settings().fefo_policy or "Warn"


def near_expiry_days() -> int:
	return cint(get_settings().near_expiry_days)


# serials and after-sales


def serial_scan_required_at_receipt() -> bool:
	return bool(cint(get_settings().require_serial_scan_at_receipt))


def serial_scan_required_at_sale() -> bool:
	return bool(cint(get_settings().require_serial_scan_at_sale))


def warranty_claim_blocks() -> bool:
	"""A Warranty Claim for a unit that fails the after-sales check is refused (else warned)."""
	return get_settings().warranty_claim_policy == "Block"


# passing a rule with a role and a reason


def override_role(rule: str) -> str | None:
	"""The role that may pass `rule` (a key of OVERRIDE_ROLE_FIELDS) with a reason; None: nobody."""
	return get_settings().get(OVERRIDE_ROLE_FIELDS[rule]) or None


# pricing


def default_margin_basis() -> str | None:
	return get_settings().default_margin_basis or None


def card_price_list() -> str:
	"""Where the article card writes: the settings' Card Price List, else ERPNext's default
	selling price list (pricing.card checks its currency)."""
	return get_settings().card_price_list or selling_price_list()


def selling_price_list() -> str:
	"""ERPNext's default selling price list (Selling Settings; a new site's is Standard Selling)."""
	return frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"


def min_margin_percent() -> float:
	return flt(get_settings().min_margin_percent)


def refuse_below_minimum_price() -> bool:
	"""A price below the item's floor is refused without the override role (else warned and
	recorded)."""
	return get_settings().below_minimum_price == "Refuse Without the Override Role"


# articles


def dot_max_age_years() -> int:
	return cint(get_settings().dot_max_age_years)
