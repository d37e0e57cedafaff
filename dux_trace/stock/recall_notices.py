"""Recall notices: the SMS and emails that tell a Product Recall's customers to bring the product
back. What a send would reach (`notification_preview`), the background job that sends them
(`queue_notifications` enqueues `send_notifications`), each outcome recorded on the recall, and
the failures' errors kept free of the SMS gateway's secrets (`redact`)."""

import re
from urllib.parse import quote, quote_plus

import frappe
from frappe import _
from frappe.utils import escape_html


def queue_notifications(doc, sms: bool = True, email: bool = True):
	"""The recall's message to every affected customer on the chosen channels, sent by a background
	job (`send_notifications`) after the commit, as the current user. Only an open recall."""
	if doc.docstatus != 1 or doc.status != "Open":
		frappe.throw(_("Only an open recall can be notified."))
	channels = [c for c, wanted in (("SMS", sms), ("Email", email)) if frappe.utils.cint(wanted)]
	if not channels:
		frappe.throw(_("Choose SMS, email or both."))
	frappe.enqueue(
		send_notifications,
		queue="short",
		recall=doc.name,
		channels=channels,
		language=frappe.local.lang,
		enqueue_after_commit=True,
		now=frappe.flags.in_test,
	)


def sms_ready() -> bool:
	return bool(frappe.db.get_single_value("SMS Settings", "sms_gateway_url"))


def email_ready() -> bool:
	return bool(frappe.db.exists("Email Account", {"enable_outgoing": 1}))


def workers_running() -> bool:
	from frappe.utils.background_jobs import get_workers

	try:
		return bool(get_workers())
	except Exception:
		return False


def notification_preview(doc) -> dict:
	site = {"sms": sms_ready(), "email": email_ready(), "worker": workers_running()}
	rows = []
	for row in doc.customers:
		rows.append(
			{
				"customer": row.customer,
				"customer_name": row.customer_name or row.customer,
				"status": _(row.status),
				"sms": row.mobile_no if row.mobile_no and site["sms"] else None,
				"sms_problem": None
				if row.mobile_no and site["sms"]
				else (_("No mobile number") if not row.mobile_no else _("SMS Settings have no gateway")),
				"email": row.email_id if row.email_id and site["email"] else None,
				"email_problem": None
				if row.email_id and site["email"]
				else (_("No email address") if not row.email_id else _("No outgoing email account")),
			}
		)
	problems = []
	if not site["sms"]:
		problems.append(_("SMS cannot be sent: SMS Settings have no gateway URL."))
	if not site["email"]:
		problems.append(_("Emails cannot be sent: no Email Account is set for outgoing mail."))
	if not site["worker"]:
		problems.append(
			_("No background worker is running: the messages will wait until one starts (bench worker).")
		)
	return {"customers": rows, "problems": problems, **site}


def send_notifications(recall: str, channels: list[str], language: str | None = None):
	"""Background job: one SMS (SMS Settings) and/or one email (Email Queue) per customer, each
	recorded with its outcome on the recall (in the language of the user who sent it). Sends that
	already succeeded are skipped.

	The job runs as the user who asked (`frappe.enqueue` carries the session's user): that user's
	right to submit the recall is checked again here, when it runs, and the recall must still be
	open; otherwise nothing is sent."""
	with set_language(language):
		doc = frappe.get_doc("Product Recall", recall)
		refusal = notify_refusal(doc)
		if refusal:
			frappe.publish_realtime(
				"dux_recall_notified", {"refused": refusal}, user=frappe.session.user, after_commit=False
			)
			frappe.throw(refusal, frappe.PermissionError)
		notify(doc, channels)


def notify_refusal(doc) -> str | None:
	"""Why the current user may not notify the recall's customers now (None: they may)."""
	user = frappe.session.user
	if (
		user == "Guest"
		or not frappe.db.get_value("User", user, "enabled")
		or not doc.has_permission("submit")
	):
		return _("You are no longer allowed to notify the customers of recall {0}.").format(doc.name)
	if doc.docstatus != 1 or doc.status != "Open":
		return _("Only an open recall can be notified.")
	return None


def notify(doc, channels: list[str]):
	done = {(n.customer, n.channel) for n in doc.notifications if n.status in ("Sent", "Queued")}
	todo = [
		(row, channel) for row in doc.customers for channel in channels if (row.customer, channel) not in done
	]
	for count, (row, channel) in enumerate(todo, start=1):
		recipient = row.mobile_no if channel == "SMS" else row.email_id
		status, error = send_one(doc, row, channel, recipient)
		doc.append(
			"notifications",
			{
				"customer": row.customer,
				"channel": channel,
				"recipient": recipient,
				"status": status,
				"error": error,
				"sent_on": frappe.utils.now_datetime(),
			},
		)
		if status != "Failed" and row.status == "To Notify":
			row.status = "Notified"
		# to the sender only: the document's room reaches every reader of the recall, and the
		# description names the customer
		frappe.publish_realtime(
			"progress",
			{
				"percent": count * 100 / len(todo),
				"title": _("Notifying customers"),
				"description": _("{0} of {1}: {2} ({3})").format(
					count, len(todo), row.customer_name or row.customer, _(channel)
				),
			},
			user=frappe.session.user,
		)
	doc.flags.ignore_validate_update_after_submit = True
	doc.save(ignore_permissions=True)
	outcome = [n for n in doc.notifications[-len(todo) :]] if todo else []
	frappe.publish_realtime(
		"dux_recall_notified",
		{
			"sent": sum(1 for n in outcome if n.status != "Failed"),
			"failed": sum(1 for n in outcome if n.status == "Failed"),
		},
		doctype=doc.doctype,
		docname=doc.name,
		after_commit=True,
	)


def send_one(doc, row, channel: str, recipient: str | None) -> tuple[str, str | None]:
	"""Send one message; (status, reason). A failure's reason is a sentence for the user: the
	error itself goes to the Error Log (System Manager), as its text may hold the SMS gateway's
	parameters (Frappe puts them in the URL, and an HTTP error quotes the URL)."""
	if not recipient:
		return "Failed", _("No mobile number") if channel == "SMS" else _("No email address")
	try:
		if channel == "SMS":
			from frappe.core.doctype.sms_settings.sms_settings import send_sms

			if not sms_ready():
				return "Failed", _("SMS Settings have no gateway")
			send_sms([recipient], recall_message(doc, row), success_msg=False)
			return "Sent", None
		if not email_ready():
			return "Failed", _("No outgoing email account")
		frappe.sendmail(
			recipients=[recipient],
			subject=_("Product recall {0}").format(doc.name),
			message=recall_message(doc, row, html=True),
			reference_doctype=doc.doctype,
			reference_name=doc.name,
		)
		return "Queued", None
	except Exception:
		log_send_error(doc, channel)
		if channel == "SMS":
			return "Failed", _(
				"The SMS gateway refused the message or did not answer (details in the Error Log)."
			)
		return "Failed", _("The email could not be queued (details in the Error Log).")


def log_send_error(doc, channel: str):
	"""The failed send's traceback in the Error Log, without query strings nor the SMS Settings'
	parameter values."""
	frappe.log_error(
		title=f"Product Recall {doc.name}: {channel} failed",
		message=redact(frappe.get_traceback()),
		reference_doctype=doc.doctype,
		reference_name=doc.name,
	)


# a query string after a URL or a path (`http://host/send?a=1&b=2`, `url: /send?a=1`)
QUERY_STRING = re.compile(r"(?<=[\w/.%:-])\?[^\s'\"<>()]*")


def redact(text: str) -> str:
	"""`text` without query strings, and without the values of the SMS Settings' parameters
	(plain or URL-encoded: a gateway's key may also be sent as a header or in a POST body)."""
	text = QUERY_STRING.sub("?…", text or "")
	for value in sms_parameter_values():
		for form in {value, quote(value, safe=""), quote_plus(value)}:
			text = text.replace(form, "…")
	return text


def sms_parameter_values() -> list[str]:
	values = frappe.get_all(
		"SMS Parameter", filters={"parenttype": "SMS Settings"}, pluck="value", ignore_permissions=True
	)
	# longest first, so that a value containing another is removed whole; short values (a "1")
	# are not secrets and would blank the text
	return sorted((v for v in values if v and len(v) >= 4), key=len, reverse=True)


def recall_message(doc, row, html: bool = False) -> str:
	"""The message in the customer's language; `html`: for an email, each value escaped (a
	customer name, the reason and the item names are typed by users)."""
	text = as_html if html else str
	language = frappe.db.get_value("Customer", row.customer, "language") or frappe.db.get_default("lang")
	products = ", ".join(
		text(
			f"{frappe.db.get_value('Item', r.item_code, 'item_name') or r.item_code} ({r.batch_no or r.serial_no})"
		)
		for r in doc.items
	)
	with set_language(language):
		return _(
			"Product recall {0}: {1}. Please bring back the product you bought from us: {2}. Thank you."
		).format(text(doc.name), text(doc.reason or ""), products)


def as_html(value: str) -> str:
	"""Typed text as inert HTML text: escaped, and `=` written as a character reference, which
	Frappe's email rendering would otherwise take for an attribute (`href=…`) to complete with the
	site's URL."""
	return escape_html(value).replace("=", "&#61;")


class set_language:
	def __init__(self, language: str | None):
		self.language = language

	def __enter__(self):
		self.previous = frappe.local.lang
		if self.language:
			frappe.local.lang = self.language
			frappe.local.lang_full_dict = None

	def __exit__(self, *exc):
		frappe.local.lang = self.previous
		frappe.local.lang_full_dict = None
