"""GS1 EPCIS 2.0 events (JSON-LD) and the key data element sheet (CSV, XLSX) of a lot, a serial or
a period, for the desk and for a partner system. Who may: as Lot Trace (its report's roles), and
read on the Batch or Serial No, or for a period a company their User Permissions allow; suppliers, customers, documents and
warehouses as Lot Trace shows them to the user (`Visible`). A period longer than
BACKGROUND_AFTER_DAYS is built in a background job acting for the user, their rights checked again
there, with a progress bar, the file attached to their User record (private) when done."""

import csv
import gzip
import io
import json
import re

import frappe
from frappe import _
from frappe.utils import date_diff, escape_html, getdate, now_datetime

from dux_trace.core import epcis as core
from dux_trace.core.export_cells import safe_rows
from dux_trace.permissions import allowed, require, require_report
from dux_trace.stock import epcis as service
from dux_trace.stock.trace import Period, Visible

#: a period longer than this is exported in a background job
BACKGROUND_AFTER_DAYS = 7
OUTPUTS = ("CSV", "XLSX")
READY_EVENT = "dux_trace_export_ready"


class EpcisNotReady(frappe.ValidationError):
	"""What keeps movements out of the EPCIS file, listed (HTTP 417)."""


@frappe.whitelist()
def download(
	batch_no: str | None = None,
	serial_no: str | None = None,
	company: str | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
):
	"""The EPCIS 2.0 document (JSON-LD) of a lot, a serial, or a company's period; refused with
	the list of items without GTIN and places or parties without GLN when there are any."""
	scope = _check(batch_no, serial_no, company, from_date, to_date)
	if _in_background(scope):
		return _enqueue("EPCIS", scope)
	filename, content = _build("EPCIS", scope)
	_respond(filename, content)


@frappe.whitelist()
def key_data_elements(
	batch_no: str | None = None,
	serial_no: str | None = None,
	company: str | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	output: str = "CSV",
):
	"""The traceability sheet (FSMA 204 key data elements): one row per lot of each event, CSV or
	XLSX, missing values flagged."""
	scope = _check(batch_no, serial_no, company, from_date, to_date)
	if output not in OUTPUTS:
		frappe.throw(_("Choose CSV or XLSX."))
	if _in_background(scope):
		return _enqueue(output, scope)
	filename, content = _build(output, scope)
	_respond(filename, content)


def _check(batch_no, serial_no, company, from_date, to_date) -> dict:
	require_report("Lot Trace", message=_("You are not allowed to open the Lot Trace."))
	if batch_no:
		if not frappe.db.exists("Batch", batch_no):
			frappe.throw(_("Lot {0} not found.").format(batch_no), frappe.DoesNotExistError)
		require("Batch", "read", batch_no)
		return {"batch_no": batch_no}
	if serial_no:
		if not frappe.db.exists("Serial No", serial_no):
			frappe.throw(_("Serial No {0} not found.").format(serial_no), frappe.DoesNotExistError)
		require("Serial No", "read", serial_no)
		return {"serial_no": serial_no}
	if not (company and from_date and to_date):
		frappe.throw(_("Give a lot, a serial number, or a company and a period."))
	if not frappe.db.exists("Company", company):
		frappe.throw(_("Company {0} not found.").format(company), frappe.DoesNotExistError)
	if (companies := allowed("Company")) is not None and company not in companies:
		frappe.throw(
			_("Your User Permissions do not allow the company {0}.").format(company), frappe.PermissionError
		)
	if getdate(from_date) > getdate(to_date):
		frappe.throw(_("The period ends before it starts."))
	return {"company": company, "from_date": str(getdate(from_date)), "to_date": str(getdate(to_date))}


def _in_background(scope: dict) -> bool:
	return "company" in scope and date_diff(scope["to_date"], scope["from_date"]) >= BACKGROUND_AFTER_DAYS


def _read(scope: dict) -> service.Export:
	visible = Visible()
	period = (
		Period(scope["company"], getdate(scope["from_date"]), getdate(scope["to_date"]))
		if "company" in scope
		else None
	)
	return service.read(
		scope.get("batch_no"),
		scope.get("serial_no"),
		period,
		warehouses=visible.warehouses,
		can_read=visible.can_read,
	)


def _name(scope: dict) -> str:
	if "company" in scope:
		text = f"{scope['company']}-{scope['from_date']}-{scope['to_date']}"
	else:
		text = scope.get("batch_no") or scope.get("serial_no")
	return re.sub(r"[^\w.-]+", "_", text)


def _build(output: str, scope: dict, progress=None) -> tuple[str, bytes]:
	"""(filename, content) of the export, or EpcisNotReady with what to fix (EPCIS)."""
	export = _read(scope)
	if progress:
		progress(50)
	if output == "EPCIS":
		if found := core.problems(export.records):
			lines = service.problem_lines(found)
			frappe.throw(
				"<p>"
				+ _("The EPCIS export is not possible until these are fixed:")
				+ "</p><ul>"
				+ "".join(f"<li>{escape_html(line)}</li>" for line in lines)
				+ "</ul>",
				EpcisNotReady,
				title=_("Missing GTIN or GLN"),
			)
		document = core.epcis_document(export.records, now_datetime().astimezone())
		return f"epcis-{_name(scope)}.jsonld", json.dumps(document, ensure_ascii=False, indent=1).encode()
	rows = safe_rows(service.sheet(export))
	if output == "XLSX":
		from frappe.utils.xlsxutils import make_xlsx

		return f"traceability-{_name(scope)}.xlsx", make_xlsx(rows, "KDE").getvalue()
	text = io.StringIO()
	csv.writer(text).writerows(rows)
	return f"traceability-{_name(scope)}.csv", text.getvalue().encode("utf-8-sig")


def _respond(filename: str, content: bytes) -> None:
	frappe.local.response.filename = filename
	frappe.local.response.filecontent = content
	frappe.local.response.type = "download"


def _enqueue(output: str, scope: dict) -> dict:
	frappe.enqueue(
		"dux_trace.api.epcis.export_job",
		queue="long",
		timeout=1800,
		output=output,
		scope=scope,
		user=frappe.session.user,
		now=bool(frappe.flags.in_test),
	)
	return {
		"queued": True,
		"message": _("The export runs in the background; the file will be attached to your user."),
	}


def export_job(output: str, scope: dict, user: str) -> str | None:
	"""The export of a long period, for `user` (their rights checked again): the file is attached
	to their User record (private); the desk hears READY_EVENT with its URL, or the refusal."""
	frappe.set_user(user)
	title = _("Traceability export")

	def progress(percent):
		frappe.publish_progress(percent, title=title)

	try:
		progress(5)
		scope = _check(
			**{key: scope.get(key) for key in ("batch_no", "serial_no", "company", "from_date", "to_date")}
		)
		filename, content = _build(output, scope, progress)
	except (frappe.ValidationError, frappe.PermissionError) as refused:
		frappe.publish_realtime(READY_EVENT, {"error": str(refused)}, user=user)
		return None
	progress(90)
	if not filename.endswith(".xlsx"):  # a month's JSON-LD is 100 MB and more, 1/20 of it gzipped
		filename, content = f"{filename}.gz", gzip.compress(content)
	try:
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": filename,
				"content": content,
				"is_private": 1,
				"attached_to_doctype": "User",
				"attached_to_name": user,
			}
		).insert(ignore_permissions=True)
	except frappe.ValidationError as refused:  # larger than the site's maximum file size
		frappe.publish_realtime(READY_EVENT, {"error": str(refused)}, user=user)
		return None
	progress(100)
	frappe.publish_realtime(READY_EVENT, {"file_url": file.file_url, "file_name": filename}, user=user)
	return file.name
