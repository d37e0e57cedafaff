"""Lot and serial numbers refused at the door when they hold quotes, `<`, `>` or control
characters (the rule: `dux_trace.core.names`; when: overrides.lot_names).

Where: a Batch or Serial No saved or renamed from the desk, an import or the API (`doc_events`
validate and before_rename), and a receipt's rows — its lot number (`dux_lot_no`, before the lot
becomes a Batch) and its serials (ERPNext creates a receipt's Serial Nos in bulk, without their
`doc_events`: the receipt is where they are seen).
"""

import frappe
from frappe import _
from frappe.utils import escape_html

from dux_trace.core.names import forbidden_in_name, shown
from dux_trace.stock.serials import row_serials


class UnsafeNameError(frappe.ValidationError):
	"""A lot or serial number holding a character no label, export or page may receive."""


def printable(name: str) -> str:
	"""The name as a message may show it: control characters as U+XXXX, the rest escaped."""
	return escape_html("".join(shown(c) for c in name))


def refused_message(kind: str, name: str, prefix: str = "") -> str | None:
	"""The translated refusal for a lot (`kind` "Batch") or serial ("Serial No"), or None."""
	bad = forbidden_in_name(name)
	if not bad:
		return None
	characters = " ".join(frappe.bold(escape_html(shown(c))) for c in bad)
	if kind == "Batch":
		message = _(
			"Lot number {0} contains {1}: quotes, angle brackets and control characters (tab, line break) are not allowed in a lot number."
		)
	else:
		message = _(
			"Serial No {0} contains {1}: quotes, angle brackets and control characters (tab, line break) are not allowed in a serial number."
		)
	return prefix + message.format(frappe.bold(printable(name)), characters)


def refuse(kind: str, names, prefix: str = "") -> None:
	problems = [m for name in names if (m := refused_message(kind, name or "", prefix))]
	if problems:
		title = _("Lot Number Refused") if kind == "Batch" else _("Serial Number Refused")
		frappe.throw("<br>".join(problems), UnsafeNameError, title=title)


# receipts ------------------------------------------------------------------------------------------


def split_as_erpnext(text) -> list[str]:
	"""The serial_no text split as ERPNext splits it to name the serials (on line breaks and
	commas, each stripped: a tab or CR inside stays, where the app's own reading would drop it)."""
	text = (text or "").strip().replace(",", "\n")
	return [serial.strip() for serial in text.split("\n") if serial.strip()]


def row_serial_names(row) -> list[str]:
	"""A row's serials as ERPNext will name them: its bundle's entries, or its text so split."""
	return row_serials(row, split=split_as_erpnext)


def row_prefix(row) -> str:
	return _("Row #{0} ({1})").format(row.idx, frappe.bold(escape_html(row.item_code or ""))) + ": "


def refuse_receipt_lot(row) -> None:
	"""The lot number typed or scanned on a receipt row, before it becomes a Batch."""
	refuse("Batch", [(row.get("dux_lot_no") or "").strip()], row_prefix(row))


def refuse_receipt_serials(lines) -> None:
	"""The serials of a receipt's serialized rows (`stock.serials.serial_lines`)."""
	problems = [
		message
		for line in lines
		for serial in row_serial_names(line.row)
		if (message := refused_message("Serial No", serial, row_prefix(line.row)))
	]
	if problems:
		frappe.throw("<br>".join(problems), UnsafeNameError, title=_("Serial Number Refused"))
