"""*Re-apply Daily*: arming a grid for the nightly run when it is saved, and the scheduler's daily
job (hooks.py `scheduler_events`) that re-applies the armed grids, each as the user who armed it.
"""

import frappe
from frappe import _
from frappe.utils import format_datetime, getdate, now_datetime

from dux_trace.pricing.grids.access import apply_refusal
from dux_trace.pricing.grids.apply import applied_message, apply, counts


def arm_nightly_run(grid):
	"""*Re-apply Daily* acts for the user who last saved the grid while it was armed.

	Saving an armed grid makes the saver its user, so the nightly run applies only what its user
	wrote. A saver whose roles may not apply prices (a Sales Manager without Sales Master Manager)
	cannot arm it, and their save disarms it (the field is permission level 1; Frappe keeps the
	stored value for those who may not write it, so the switch is turned off here, with a message)."""
	if not grid.auto_reapply:
		grid.auto_reapply_by = None
		return
	refusal = apply_refusal(grid)
	if refusal:
		grid.auto_reapply = 0
		grid.auto_reapply_by = None
		frappe.msgprint(
			_(
				"Re-apply Daily was switched off: the nightly run would apply this grid for you, and {0}"
			).format(refusal),
			alert=True,
		)
		return
	grid.auto_reapply_by = frappe.session.user


def reapply_auto_grids():
	"""Daily: re-apply the grids marked *Re-apply Daily* that are valid today (costs may have
	changed since the last apply), each for the user who armed it, with that user's rights checked
	tonight: a grid its user may no longer apply is skipped and the reason kept on the grid. Each
	grid is its own transaction."""
	today = getdate()
	for name in frappe.get_all(
		"Dux Price Grid", filters={"auto_reapply": 1, "valid_from": ("<=", today)}, pluck="name"
	):
		grid = frappe.get_doc("Dux Price Grid", name)
		if grid.valid_upto and getdate(grid.valid_upto) < today:
			continue
		reapply_for_its_user(grid)
		frappe.db.commit()


def reapply_for_its_user(grid) -> str | None:
	"""One nightly re-apply, as the grid's user; returns the Dux Price Grid Apply written. What the
	run did (or why it did nothing) is kept in the grid's *Last Nightly Run*; an error rolls the
	grid's writes back and goes to the Error Log."""
	scheduler = frappe.session.user
	history = None
	frappe.db.savepoint("dux_nightly_grid")
	try:
		user = grid.auto_reapply_by
		if not user or not frappe.db.get_value("User", user, "enabled"):
			outcome = _("Not re-applied: the user who armed it is missing or disabled.")
		else:
			frappe.set_user(user)
			refusal = apply_refusal(grid)
			if refusal:
				outcome = _("Not re-applied for {0}: {1}").format(user, refusal)
			else:
				history = apply(grid)
				outcome = (
					_("Re-applied for {0}: {1}.").format(user, applied_message(**counts(history)))
					if history
					else _("Re-applied for {0}: no price changed.").format(user)
				)
	except Exception:
		frappe.db.rollback(save_point="dux_nightly_grid")
		frappe.log_error(title=f"Dux Price Grid {grid.name}: nightly re-apply failed")
		outcome = _("Not re-applied: an error occurred (see the Error Log).")
		history = None
	finally:
		frappe.set_user(scheduler)
	grid.db_set("last_nightly_run", f"{format_datetime(now_datetime())} — {outcome}")
	return history
