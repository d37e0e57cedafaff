"""The item's maximum discount, enforced on the discount a sale really gives.

ERPNext checks only a row's `discount_percentage` against Item.max_discount: a document discount
(additional_discount_percentage / discount_amount) or a row with a discount amount and no
percentage escapes it. Here each row's effective discount is read from ERPNext's own `net_rate`
(after the row's and the document's discounts, computed by its controller before the `validate`
hook) against its `price_list_rate`. A row over the maximum is refused, unless the user holds the
settings' *Discount Override Role* and gives a reason, recorded on submit (rule_overrides).
"""

import frappe
from frappe import _
from frappe.utils import flt

from dux_trace import rule_overrides
from dux_trace.companies import currency_digits
from dux_trace.core.pricing import effective_discount, exceeds_max_discount, round_percent
from dux_trace.pricing.sentences import number_text
from dux_trace.stock.items import item_facts

REASON_FIELD = "dux_discount_override_reason"


class MaxDiscountExceededError(frappe.ValidationError):
	pass


def rows_over_max_discount(doc) -> list[tuple]:
	"""(row, item max %, effective %) for each row whose effective discount is above its item's max."""
	items = {row.item_code for row in doc.get("items") if row.item_code}
	if not items:
		return []
	# the document's item facts: read once for all the rules of this save
	maxima = {code: item.max_discount for code, item in item_facts(doc, items).items()}
	digits = currency_digits(doc.currency) if doc.get("currency") else 2
	over = []
	for row in doc.get("items"):
		maximum = flt(maxima.get(row.item_code))
		if maximum and exceeds_max_discount(row.price_list_rate, row.net_rate, maximum, digits):
			over.append((row, maximum, round_percent(effective_discount(row.price_list_rate, row.net_rate))))
	return over


def validate_max_discount(doc):
	if doc.get("is_return"):
		return
	over = rows_over_max_discount(doc)
	if not over:
		return
	lines = "<br>".join(
		_("Row {0}: {1} may be discounted {2} % at most; this sale gives {3} %.").format(
			row.idx, frappe.bold(row.item_code), number_text(maximum), number_text(given)
		)
		for row, maximum, given in over
	)
	rule_overrides.pass_or_refuse(
		doc,
		rule_overrides.MAXIMUM_DISCOUNT,
		reason_field=REASON_FIELD,
		what=lines,
		lines=[{"item_code": row.item_code, "customer": doc.get("customer")} for row, _max, _given in over],
		hint=_("A user with the role {0} may allow it with a Discount Override Reason."),
		otherwise=_("Lower the discount, or raise the item's Max Discount."),
		exc=MaxDiscountExceededError,
		title=_("Discount Above the Maximum"),
	)
