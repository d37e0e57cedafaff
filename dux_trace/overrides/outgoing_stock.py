"""FEFO on every outgoing document: Delivery Note, Sales Invoice (update stock), POS Invoice,
Stock Entry (rows with a source warehouse) and Pick List.

- on save, rows of a lot item with expiry and no lot get lots earliest-expiry-first;
- on submit, the lots chosen are checked: an expired lot, or one below the customer's minimum
  shelf life, never leaves; a later lot chosen while an earlier usable one is in stock is let
  through, warned or blocked by the Dux Trace Settings policy; a user with the override role
  passes a block by giving a reason. Warnings and overrides are recorded in FEFO Override.
"""

from collections import defaultdict
from dataclasses import replace

import frappe
from frappe import _
from frappe.utils import flt

from dux_trace import settings
from dux_trace.core.fefo import ChoiceIssue, Policy, allocate, decide
from dux_trace.stock.bins import lock_for_submit
from dux_trace.stock.documents import is_outgoing
from dux_trace.stock.fefo import WARNINGS_FIELD, choice_issues, describe, fefo_warnings, posting_date
from dux_trace.stock.lots import (
	BIN_VERSIONS,
	Line,
	batch_lines,
	chosen_lots,
	lots_in_warehouse,
	make_outward_bundle,
	shelf_life_rule,
	start_of_save,
)
from dux_trace.stock.quarantine import refuse_recalled_serials

REASON_FIELD = "dux_fefo_override_reason"


class LotCannotLeaveError(frappe.ValidationError):
	"""An expired or recalled lot, or one below the customer's minimum shelf life."""


ExpiredLotError = LotCannotLeaveError


class FefoViolationError(frappe.ValidationError):
	pass


def before_validate(doc, method=None):
	"""Before ERPNext validates (and would put its own default lot, FIFO, on rows without one):
	rows without a lot get FEFO lots, and an expired, recalled or too-short lot is refused as soon
	as it is on the document, with its expiry date or its recall. Runs on submit too, so that a row
	still without a lot then is not left to ERPNext's FIFO pick."""
	if doc.docstatus == 2 or not is_outgoing(doc):
		return
	# first: sellers of the same stock wait here, not deadlock later
	doc.flags[BIN_VERSIONS] = lock_for_submit(doc) if doc.get("_action") == "submit" else None
	refuse_recalled_serials(doc)
	start_of_save(doc)
	if lines := batch_lines(doc):
		if doc.doctype != "Pick List":  # its locations are rebuilt in before_save: see repick_fefo
			fill_lots_fefo(doc, lines)
		enforce_fefo(doc, lines, hard_only=True)


def validate(doc, method=None):
	"""On save: the FEFO warnings, kept on the document for the form to show before submit."""
	if doc.docstatus != 0 or not is_outgoing(doc) or not doc.meta.has_field(WARNINGS_FIELD):
		return
	doc.set(WARNINGS_FIELD, "<br>".join(fefo_warnings(doc, batch_lines(doc))) or None)


def before_submit(doc, method=None):
	if not is_outgoing(doc):
		return
	if lines := batch_lines(doc):
		enforce_fefo(doc, lines)


def repick_fefo(doc, method=None):
	"""Pick List: ERPNext chooses the locations (Stock Settings order, FIFO by default) in its
	before_save; take them again earliest-expiry-first, per warehouse ERPNext chose, for lot items
	with expiry. A pick list picked by hand is left as the user made it (and checked on submit)."""
	if doc.docstatus != 0 or doc.get("pick_manually"):
		return
	groups: dict[tuple, list] = defaultdict(list)
	for line in batch_lines(doc):
		row = line.row
		if line.dated and not row.get("serial_and_batch_bundle") and not row.get("picked_qty"):
			key = (
				line.item_code,
				line.warehouse,
				row.uom,
				row.conversion_factor,
				row.sales_order_item,
				row.material_request_item,
			)
			groups[key].append(line)
	taken: dict[tuple[str, str, str], float] = defaultdict(float)
	for (item_code, warehouse, *_rest), lines in groups.items():
		qty = sum(line.qty for line in lines)
		lots = [
			replace(lot, qty=lot.qty - taken[(item_code, warehouse, lot.batch_no)])
			for lot in lots_in_warehouse(item_code, warehouse, doc)
		]
		result = allocate(lots, qty, posting_date(doc), shelf_life_rule(doc))
		if result.shortfall > 0 or not result.allocations:
			continue
		for allocation in result.allocations:
			taken[(item_code, warehouse, allocation.batch_no)] += allocation.qty
		if [(a.batch_no, a.qty) for a in result.allocations] == [
			(line.row.batch_no, line.qty) for line in lines
		]:
			continue
		template = lines[0].row.as_dict()
		rows = doc.get("locations")
		for line in lines:
			rows.remove(line.row)
		factor = flt(template.conversion_factor) or 1
		for allocation in result.allocations:
			doc.append(
				"locations",
				{
					**{k: v for k, v in template.items() if k not in ("name", "idx", "creation", "modified")},
					"batch_no": allocation.batch_no,
					"stock_qty": allocation.qty,
					"qty": allocation.qty / factor,
					"picked_qty": 0,
					"use_serial_batch_fields": 1,
				},
			)
	for idx, row in enumerate(doc.get("locations"), start=1):
		row.idx = idx


def fill_lots_fefo(doc, lines: list[Line]):
	"""Give rows without a lot the earliest-expiring usable lots of their warehouse."""
	rule = shelf_life_rule(doc)
	taken: dict[tuple[str, str, str], float] = defaultdict(float)
	for line in lines:
		for batch_no, qty in chosen_lots(line):
			taken[(line.item_code, line.warehouse, batch_no)] += qty

	for line in lines:
		row = line.row
		if not line.dated or row.get("serial_and_batch_bundle") or line.qty <= 0:
			continue
		if row.get("batch_no"):
			continue  # the user's own choice: checked on submit
		lots = [
			replace(lot, qty=lot.qty - taken[(line.item_code, line.warehouse, lot.batch_no)])
			for lot in lots_in_warehouse(line.item_code, line.warehouse, doc)
		]
		result = allocate(lots, line.qty, posting_date(doc), rule)
		if result.shortfall > 0 or not result.allocations:
			continue  # not enough usable stock: ERPNext's own stock check will say so on submit
		for allocation in result.allocations:
			taken[(line.item_code, line.warehouse, allocation.batch_no)] += allocation.qty
		if len(result.allocations) == 1:
			row.batch_no = result.allocations[0].batch_no
			row.use_serial_batch_fields = 1
		else:
			row.serial_and_batch_bundle = make_outward_bundle(
				doc, line, {a.batch_no: a.qty for a in result.allocations}
			)
			row.use_serial_batch_fields = 0


def enforce_fefo(doc, lines: list[Line], hard_only: bool = False):
	found = choice_issues(doc, lines)
	if not found:
		return

	policy = Policy(settings.fefo_policy())
	role = settings.override_role("FEFO")
	decision = decide([issue for _line, issue in found], policy, bool(role) and role in frappe.get_roles())
	hard = [(line, issue) for line, issue in found if issue.verdict.is_hard]
	if hard:
		frappe.throw(
			"<br>".join(describe(doc, line, issue) for line, issue in hard),
			exc=LotCannotLeaveError,
			title=_("Lot Cannot Leave"),
		)

	soft = [(line, issue) for line, issue in found if not issue.verdict.is_hard]
	if hard_only:
		return
	if decision.block:
		frappe.throw(
			"<br>".join(describe(doc, line, issue) for line, issue in soft)
			+ "<br><br>"
			+ _(
				"The FEFO policy blocks this document. Choose the earlier lots, or ask a user with role {0}."
			).format(frappe.bold(_(role or "(none)"))),
			exc=FefoViolationError,
			title=_("Earlier Lot Must Leave First"),
		)
	if decision.needs_reason:
		reason = (doc.get(REASON_FIELD) or "").strip()
		if not reason:
			frappe.throw(
				"<br>".join(describe(doc, line, issue) for line, issue in soft)
				+ "<br><br>"
				+ _("To go past the FEFO rule, fill in {0} and submit again.").format(
					frappe.bold(_("FEFO Override Reason"))
				),
				exc=FefoViolationError,
				title=_("Override Reason Required"),
			)
		record(doc, soft, "Overridden", reason)
	elif soft and policy == Policy.WARN:
		# the form showed the warning on save (WARNINGS_FIELD): submitting is going past it
		record(doc, soft, "Warned", doc.get(REASON_FIELD))


def record(doc, issues: list[tuple[Line, ChoiceIssue]], kind: str, reason: str | None):
	for line, issue in issues:
		frappe.get_doc(
			{
				"doctype": "FEFO Override",
				"kind": kind,
				"reference_doctype": doc.doctype,
				"reference_name": doc.name,
				"item_code": line.item_code,
				"warehouse": line.warehouse,
				"batch_no": issue.batch_no,
				"skipped_batch_no": issue.earlier_batch_no,
				"skipped_expiry_date": issue.earlier_expiry,
				"skipped_qty": issue.earlier_qty,
				"reason": reason,
				"user": frappe.session.user,
				"timestamp": frappe.utils.now_datetime(),
			}
		).insert(ignore_permissions=True)
