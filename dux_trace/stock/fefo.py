"""FEFO on every outgoing document — Delivery Note, Sales Invoice (update stock), POS Invoice,
Stock Entry (rows with a source warehouse) and Pick List — in one place: the handlers of
overrides.outgoing_stock and the form's live check (api.fefo) call these.

- `fill` (on save): rows of a lot item with expiry and no lot get lots earliest-expiry-first;
- `enforce`: an expired or recalled lot, or one below the customer's minimum shelf life, never
  leaves (on save already); on submit, a later lot chosen while an earlier usable one is in stock
  is let through, warned or blocked by the settings' policy, and a user who may pass the FEFO rule
  (rule_overrides) passes a block with a reason. Warnings and passes are recorded as Dux Rule
  Override;
- `warnings`: the sentences the form shows before submit (`WARNINGS_FIELD`);
- `repick`: a Pick List's locations, earliest-expiry-first.
"""

from collections import defaultdict
from dataclasses import replace

import frappe
from frappe import _
from frappe.utils import flt, format_date, getdate, nowdate

from dux_trace import rule_overrides, settings
from dux_trace.core.fefo import ChoiceIssue, LotVerdict, Policy, allocate, check_choice, decide, near_expiry
from dux_trace.stock.documents import units
from dux_trace.stock.lots import (
	LotLine,
	batch_lines,
	chosen_lots,
	lots_in_warehouse,
	make_outward_bundle,
	shelf_life_rule,
)

#: the warnings of the last save, shown on the form until the next one
WARNINGS_FIELD = "dux_fefo_warnings"
#: the reason a user who may pass the FEFO rule gives
REASON_FIELD = "dux_fefo_override_reason"
#: left to ERPNext, whose stock validation already explains them
ERPNEXT_CHECKS = (LotVerdict.UNKNOWN_LOT, LotVerdict.INSUFFICIENT_QTY)


class LotCannotLeaveError(frappe.ValidationError):
	"""An expired or recalled lot, or one below the customer's minimum shelf life."""


class FefoViolationError(frappe.ValidationError):
	"""A later lot chosen while an earlier usable one is in stock, which the policy blocks."""


def posting_date(doc):
	return getdate(doc.get("posting_date") or nowdate())


def choice_issues(doc, lines: list[LotLine]) -> list[tuple[LotLine, ChoiceIssue]]:
	"""The lots the document takes that break the rule, with the row that takes each."""
	rule = shelf_life_rule(doc)
	on_date = posting_date(doc)
	groups: dict[tuple[str, str], list[LotLine]] = defaultdict(list)
	for line in lines:
		groups[(line.item_code, line.warehouse)].append(line)

	found: list[tuple[LotLine, ChoiceIssue]] = []
	for (item_code, warehouse), group in groups.items():
		chosen = [(batch_no, qty) for line in group for batch_no, qty in chosen_lots(line)]
		if not chosen:
			continue
		lots = lots_in_warehouse(item_code, warehouse, doc)
		for issue in check_choice(chosen, lots, on_date, rule):
			if issue.verdict in ERPNEXT_CHECKS:
				continue
			line = next(line for line in group if issue.batch_no in {b for b, _q in chosen_lots(line)})
			found.append((line, issue))
	return found


def warnings(doc, lines: list[LotLine]) -> list[str]:
	"""What the clerk must read before submitting: each later lot chosen while an earlier one is in
	stock (unless the policy is Off), then the lots of the document's items that expire within the
	horizon and that it does not take."""
	if not lines:
		return []
	issues = choice_issues(doc, lines) if settings.fefo_policy() != Policy.OFF.value else []
	messages = [describe_issue(doc, line, issue) for line, issue in issues]
	named = {issue.earlier_batch_no for _line, issue in issues if issue.earlier_batch_no}
	messages.extend(near_expiry_messages(doc, lines, skip=named))
	return messages


def near_expiry_messages(doc, lines: list[LotLine], skip: set[str] = frozenset()) -> list[str]:
	"""Lots of the document's items expiring within the horizon that it neither takes nor already
	names."""
	horizon = settings.near_expiry_days()
	on_date = posting_date(doc)
	taken = {batch_no for line in lines for batch_no, _qty in chosen_lots(line)} | set(skip)
	seen, messages = set(), []
	for line in lines:
		if (line.item_code, line.warehouse) in seen or not line.dated:
			continue
		seen.add((line.item_code, line.warehouse))
		for lot in near_expiry(lots_in_warehouse(line.item_code, line.warehouse, doc), on_date, horizon):
			if lot.batch_no in taken:
				continue
			messages.append(
				_(
					"Lot {0} of {1} expires in {2} days ({3}): deliver it first ({4} of lot {0} in stock in {5})."
				).format(
					frappe.bold(lot.batch_no),
					line.item_code,
					lot.days_left,
					format_date(lot.expiry_date),
					units(lot.qty),
					line.warehouse,
				)
			)
	return messages


def describe_issue(doc, line: LotLine, issue: ChoiceIssue) -> str:
	row = _("Row {0}").format(line.row.idx)
	lot = frappe.bold(issue.batch_no)
	if issue.verdict == LotVerdict.EXPIRED:
		return _("{0}: lot {1} of {2} expired on {3}; an expired lot cannot leave the warehouse.").format(
			row, lot, line.item_code, format_date(issue.expiry_date)
		)
	if issue.verdict == LotVerdict.BLOCKED:
		return _("{0}: lot {1} of {2} is blocked ({3}) and cannot leave the warehouse.").format(
			row, lot, line.item_code, issue.blocked_reason or _("disabled")
		)
	if issue.verdict == LotVerdict.BELOW_MIN_SHELF_LIFE:
		return _(
			"{0}: lot {1} of {2} expires on {3}, below the minimum remaining shelf life customer {4} accepts."
		).format(row, lot, line.item_code, format_date(issue.expiry_date), frappe.bold(doc.get("customer")))
	days = (getdate(issue.earlier_expiry) - posting_date(doc)).days if issue.earlier_expiry else 0
	return _(
		"{0}: deliver lot {1} of {2} first: it expires in {3} days ({4}) and {5} of lot {1} are still in "
		"stock in {6}. Lot {7}, chosen here, expires later."
	).format(
		row,
		frappe.bold(issue.earlier_batch_no),
		line.item_code,
		days,
		format_date(issue.earlier_expiry),
		units(issue.earlier_qty),
		line.warehouse,
		lot,
	)


def fill(doc, lines: list[LotLine]):
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


def enforce(doc, lines: list[LotLine], hard_only: bool = False):
	"""Refuse an expired, recalled or too-short lot; then (on submit) a later lot chosen while an
	earlier usable one is in stock, as the policy says: let through, warned (recorded), blocked
	unless the user may pass the FEFO rule with a reason (recorded)."""
	found = choice_issues(doc, lines)
	if not found:
		return

	hard = [(line, issue) for line, issue in found if issue.verdict.is_hard]
	if hard:
		frappe.throw(
			"<br>".join(describe_issue(doc, line, issue) for line, issue in hard),
			exc=LotCannotLeaveError,
			title=_("Lot Cannot Leave"),
		)
	if hard_only:
		return

	soft = [(line, issue) for line, issue in found if not issue.verdict.is_hard]
	policy = Policy(settings.fefo_policy())
	decision = decide(
		[issue for _line, issue in soft], policy, rule_overrides.holds_role(rule_overrides.FEFO)
	)
	what = "<br>".join(describe_issue(doc, line, issue) for line, issue in soft)
	if decision.block:
		rule_overrides.refuse(
			rule_overrides.FEFO,
			what,
			hint=_(
				"The FEFO policy blocks this document. Choose the earlier lots, or ask a user with role {0}."
			),
			otherwise=_("The FEFO policy blocks this document. Choose the earlier lots."),
			exc=FefoViolationError,
			title=_("Earlier Lot Must Leave First"),
		)
	if decision.needs_reason:
		reason = rule_overrides.reason_given(doc, REASON_FIELD)
		if not reason:
			frappe.throw(
				what
				+ "<br><br>"
				+ _("To go past the FEFO rule, fill in {0} and submit again.").format(
					frappe.bold(_("FEFO Override Reason"))
				),
				exc=FefoViolationError,
				title=_("Override Reason Required"),
			)
		rule_overrides.record(
			doc, rule_overrides.FEFO, rule_overrides.OVERRIDDEN, what, lines_of(soft), reason
		)
	elif soft and policy == Policy.WARN:
		# the form showed the warning on save (WARNINGS_FIELD): submitting is going past it
		rule_overrides.record(
			doc, rule_overrides.FEFO, rule_overrides.WARNED, what, lines_of(soft), doc.get(REASON_FIELD)
		)


def lines_of(issues: list[tuple[LotLine, ChoiceIssue]]) -> list[dict]:
	"""What a FEFO override record keeps of each lot taken against the rule."""
	return [
		{
			"item_code": line.item_code,
			"warehouse": line.warehouse,
			"batch_no": issue.batch_no,
			"skipped_batch_no": issue.earlier_batch_no,
			"skipped_expiry_date": issue.earlier_expiry,
			"skipped_qty": issue.earlier_qty,
		}
		for line, issue in issues
	]


def repick(doc):
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
