"""Authorizations about to expire, from the desk: the number card and the notice to the customer.

Who may do what:
- the card counts for anyone who may read Dux Authorization (Sales User, Sales Manager, Item
  Manager, Accounts User, Sales Master Manager, System Manager);
- emailing the customer: Sales Manager or Sales Master Manager (or System Manager), who must also
  be able to read the authorization.
"""

import frappe
from frappe import _
from frappe.translate import print_language
from frappe.utils import add_days, escape_html, formatdate, getdate, nowdate

from dux_trace.permissions import require, require_role

#: how far ahead an authorization counts as about to expire
HORIZON_DAYS = 30
NOTIFY_ROLES = ("Sales Manager", "Sales Master Manager", "System Manager")


class NoCustomerEmailError(frappe.ValidationError):
	pass


def expiring_filters(today=None) -> dict:
	"""Dux Authorization filters: valid until a day within the next 30 (today included)."""
	today = getdate(today or nowdate())
	return {"valid_upto": ["between", [str(today), str(add_days(today, HORIZON_DAYS))]]}


@frappe.whitelist()
def expiring_card(filters=None) -> dict:
	"""Number card: authorizations expiring within 30 days; a click opens them in the list."""
	require("Dux Authorization")
	filters = expiring_filters()
	return {
		"value": frappe.db.count("Dux Authorization", filters),
		"fieldtype": "Int",
		"route": ["List", "Dux Authorization"],
		"route_options": filters,
	}


@frappe.whitelist(methods=["POST"])
def notify_customer(authorization: str) -> str:
	"""Email the customer that their authorization expires (in the customer's language), recorded
	as a Comment on the authorization. Returns the address written to."""
	require_role(
		NOTIFY_ROLES, message=_("Only a Sales Manager or Sales Master Manager may notify customers.")
	)
	doc = frappe.get_doc("Dux Authorization", authorization)
	require("Dux Authorization", doc=doc)
	if not doc.customer:
		frappe.throw(_("Only an authorization held by a customer can be notified."))
	customer = frappe.db.get_value(
		"Customer", doc.customer, ["customer_name", "email_id", "language"], as_dict=True
	)
	if not customer.email_id:
		frappe.throw(
			_("Customer {0} has no email address: add one to the customer's primary contact.").format(
				frappe.bold(customer.customer_name or doc.customer)
			),
			NoCustomerEmailError,
			title=_("No Email Address"),
		)
	with print_language(customer.language or frappe.db.get_default("lang")):
		subject, message = expiry_notice(doc, customer.customer_name or doc.customer)
	frappe.sendmail(
		recipients=[customer.email_id],
		subject=subject,
		message=message,
		reference_doctype=doc.doctype,
		reference_name=doc.name,
	)
	doc.add_comment(
		"Comment",
		_("Expiry notice emailed to {0} ({1}).").format(escape_html(customer.email_id), escape_html(subject)),
	)
	return customer.email_id


def expiry_notice(doc, customer_name: str) -> tuple[str, str]:
	"""Subject (plain text) and HTML body of the notice, in the current language. The customer's
	name, the authorization's type and number are other people's text: escaped in the body (a
	link or a tag in a customer name stays text)."""
	kind = _(doc.authorization_type)
	number = f" {doc.number}" if doc.number else ""
	if doc.valid_upto and getdate(doc.valid_upto) < getdate(nowdate()):
		when = _("expired on {0}").format(formatdate(doc.valid_upto))
	elif doc.valid_upto:
		when = _("expires on {0}").format(formatdate(doc.valid_upto))
	else:
		when = _("has no end date on file")
	subject = _("Your {0} {1}").format(kind, when)
	message = _(
		"Dear {0},<br><br>Your {1}{2} {3}. Please send us the renewed authorization so that we can keep"
		" selling you the products that require it.<br><br>Thank you."
	).format(escape_html(customer_name), escape_html(kind), escape_html(number), escape_html(when))
	return subject, message
