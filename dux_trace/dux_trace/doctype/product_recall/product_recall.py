# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt
"""A product recall: submitting it quarantines its lots and serials (no outgoing document may
take them, see dux_trace.overrides.outgoing_stock) and lists the customers who received them."""

import frappe
from frappe import _
from frappe.model.document import Document

from dux_trace.stock.trace import customers_of


class ProductRecall(Document):
	def validate(self):
		self.validate_rows()
		if self.docstatus == 0:
			self.status = "Draft"

	def validate_rows(self):
		for row in self.items:
			if not row.batch_no and not row.serial_no:
				frappe.throw(_("Row {0}: give a lot or a serial number to recall.").format(row.idx))
			if row.batch_no:
				item = frappe.db.get_value("Batch", row.batch_no, "item")
				if row.item_code and item != row.item_code:
					frappe.throw(
						_("Row {0}: lot {1} belongs to item {2}, not to {3}.").format(
							row.idx, frappe.bold(row.batch_no), item, frappe.bold(row.item_code)
						)
					)
				row.item_code = item
			elif row.serial_no and not row.item_code:
				row.item_code = frappe.db.get_value("Serial No", row.serial_no, "item_code")

	def before_submit(self):
		self.status = "Open"
		self.set_customers()

	def on_cancel(self):
		self.db_set("status", "Cancelled")

	def set_customers(self):
		"""The affected customers, from the stock ledger (customers already listed are kept)."""
		listed = {row.customer for row in self.customers}
		for customer in customers_of(self.batch_nos(), self.serial_nos()):
			if customer.customer in listed:
				continue
			self.append(
				"customers",
				{
					"customer": customer.customer,
					"customer_name": customer.customer_name,
					"contact": customer.contact,
					"mobile_no": customer.mobile_no,
					"email_id": customer.email_id,
					"qty": customer.qty,
					"documents": "\n".join(customer.documents),
					"status": "To Notify",
				},
			)

	def batch_nos(self) -> list[str]:
		return [row.batch_no for row in self.items if row.batch_no]

	def serial_nos(self) -> list[str]:
		return [row.serial_no for row in self.items if row.serial_no]

	@frappe.whitelist()
	def notification_preview(self) -> dict:
		"""Before sending: who will be reached on which channel, who cannot and why, and what the
		site lacks (SMS Settings, an outgoing email account, a background worker)."""
		self.check_permission("submit")
		return notification_preview(self)

	@frappe.whitelist(methods=["POST"])
	def notify_customers(self, sms: bool = True, email: bool = True):
		"""Send the recall message to every affected customer, in a background job (with a progress
		bar); a customer and channel already reached is not sent again, so this also retries."""
		self.check_permission("submit")
		if self.docstatus != 1 or self.status != "Open":
			frappe.throw(_("Only an open recall can be notified."))
		channels = [c for c, wanted in (("SMS", sms), ("Email", email)) if frappe.utils.cint(wanted)]
		if not channels:
			frappe.throw(_("Choose SMS, email or both."))
		frappe.enqueue(
			send_notifications,
			queue="short",
			recall=self.name,
			channels=channels,
			language=frappe.local.lang,
			enqueue_after_commit=True,
			now=frappe.flags.in_test,
		)

	@frappe.whitelist(methods=["POST"])
	def close(self):
		"""End the recall: its lots may leave again."""
		self.check_permission("write")
		if self.docstatus != 1 or self.status != "Open":
			frappe.throw(_("Only an open recall can be closed."))
		self.db_set("status", "Closed")


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
	already succeeded are skipped."""
	with set_language(language):
		notify(recall, channels)


def notify(recall: str, channels: list[str]):
	doc = frappe.get_doc("Product Recall", recall)
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
		frappe.publish_progress(
			count * 100 / len(todo),
			title=_("Notifying customers"),
			doctype=doc.doctype,
			docname=doc.name,
			description=_("{0} of {1}: {2} ({3})").format(
				count, len(todo), row.customer_name or row.customer, _(channel)
			),
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
	if not recipient:
		return "Failed", _("No mobile number") if channel == "SMS" else _("No email address")
	message = recall_message(doc, row)
	try:
		if channel == "SMS":
			from frappe.core.doctype.sms_settings.sms_settings import send_sms

			if not sms_ready():
				return "Failed", _("SMS Settings have no gateway")
			send_sms([recipient], message, success_msg=False)
			return "Sent", None
		if not email_ready():
			return "Failed", _("No outgoing email account")
		frappe.sendmail(
			recipients=[recipient],
			subject=_("Product recall {0}").format(doc.name),
			message=message,
			reference_doctype=doc.doctype,
			reference_name=doc.name,
		)
		return "Queued", None
	except Exception as error:
		return "Failed", str(error)[:500]


def recall_message(doc, row) -> str:
	"""The message in the customer's language."""
	language = frappe.db.get_value("Customer", row.customer, "language") or frappe.db.get_default("lang")
	products = ", ".join(
		f"{frappe.db.get_value('Item', r.item_code, 'item_name') or r.item_code} ({r.batch_no or r.serial_no})"
		for r in doc.items
	)
	with set_language(language):
		return _(
			"Product recall {0}: {1}. Please bring back the product you bought from us: {2}. Thank you."
		).format(doc.name, doc.reason, products)


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
