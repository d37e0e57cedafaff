"""Price grids from the desk: preview, apply (in the background for large grids), undo, bulk edit."""

import frappe
from frappe import _

from dux_trace.pricing.grids.access import check_write_permissions, grid_for
from dux_trace.pricing.grids.apply import ENQUEUE_ABOVE, applied_message, apply, counts
from dux_trace.pricing.grids.bulk_edit import bulk_edit as edit_lines
from dux_trace.pricing.grids.preview import preview as preview_rows
from dux_trace.pricing.grids.undo import undo, undone_message


@frappe.whitelist()
def preview(grid: str) -> list[dict]:
	return preview_rows(grid_for(grid))


@frappe.whitelist(methods=["POST"])
def apply_grid(grid: str) -> dict:
	"""Apply now (small grids) or in a background job with progress (large ones)."""
	doc = grid_for(grid, "write")
	check_write_permissions(doc)
	rows = preview_rows(doc)
	if len(rows) > ENQUEUE_ABOVE:
		frappe.enqueue(
			"dux_trace.api.grids.apply_in_background",
			queue="long",
			timeout=3600,
			grid=doc.name,
			user=frappe.session.user,
			enqueue_after_commit=True,
		)
		return {"queued": True, "rows": len(rows)}
	history = apply(doc, rows)
	result = {"queued": False, "rows": len(rows), "history": history}
	if history:
		done = counts(history)
		result.update(done, message=applied_message(**done))
	return result


def apply_in_background(grid: str, user: str):
	frappe.set_user(user)
	doc = frappe.get_doc("Dux Price Grid", grid)
	# the job runs later: the user's rights are read again now (apply checks them)

	def progress(done, total):
		frappe.publish_progress(
			done * 100 / max(total, 1),
			title=_("Applying {0}").format(grid),
			doctype="Dux Price Grid",
			docname=grid,
		)

	history = apply(doc, progress=progress)
	message = applied_message(**counts(history)) if history else None
	frappe.publish_realtime(
		"dux_grid_applied", {"grid": grid, "history": history, "message": message}, user=user
	)


@frappe.whitelist(methods=["POST"])
def undo_apply(history: str) -> dict:
	"""Undo an apply; returns the counts restored and the sentence the form shows."""
	if not isinstance(history, str) or not frappe.db.exists("Dux Price Grid Apply", history):
		frappe.throw(_("Nothing to undo."))
	doc = frappe.get_doc("Dux Price Grid Apply", history)
	grid_for(doc.grid, "write")
	undo(doc)
	done = counts(doc)
	return {**done, "message": undone_message(**done)}


@frappe.whitelist(methods=["POST"])
def bulk_edit(
	grid: str,
	item_group: str | None = None,
	brand: str | None = None,
	supplier: str | None = None,
	item_codes: list | str | None = None,
	by_percent: float | None = None,
	to_value: float | None = None,
) -> int:
	doc = grid_for(grid, "write")
	if isinstance(item_codes, str):
		item_codes = frappe.parse_json(item_codes)
	return edit_lines(
		doc,
		item_group=item_group or None,
		brand=brand or None,
		supplier=supplier or None,
		item_codes=item_codes,
		by_percent=frappe.utils.flt(by_percent) if by_percent not in (None, "") else None,
		to_value=frappe.utils.flt(to_value) if to_value not in (None, "") else None,
	)
