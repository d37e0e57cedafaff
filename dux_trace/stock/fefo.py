"""FEFO on a document being written: which lots it takes against the rule, and the sentences
that tell the clerk. Shared by the save / submit handlers (overrides.outgoing_stock) and the form's
live check when a lot is chosen (api.fefo)."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import format_date, getdate, nowdate

from dux_trace import settings
from dux_trace.core.fefo import ChoiceIssue, Policy, Verdict, check_choice, near_expiry
from dux_trace.stock.documents import units
from dux_trace.stock.lots import Line, chosen_lots, lots_in_warehouse, shelf_life_rule

#: the warnings of the last save, shown on the form until the next one
WARNINGS_FIELD = "dux_fefo_warnings"
#: left to ERPNext, whose stock validation already explains them
ERPNEXT_CHECKS = (Verdict.UNKNOWN_LOT, Verdict.INSUFFICIENT_QTY)


def posting_date(doc):
	return getdate(doc.get("posting_date") or nowdate())


def choice_issues(doc, lines: list[Line]) -> list[tuple[Line, ChoiceIssue]]:
	"""The lots the document takes that break the rule, with the row that takes each."""
	rule = shelf_life_rule(doc)
	on_date = posting_date(doc)
	groups: dict[tuple[str, str], list[Line]] = defaultdict(list)
	for line in lines:
		groups[(line.item_code, line.warehouse)].append(line)

	found: list[tuple[Line, ChoiceIssue]] = []
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


def fefo_warnings(doc, lines: list[Line]) -> list[str]:
	"""What the clerk must read before submitting: each later lot chosen while an earlier one is in
	stock (unless the policy is Off), then the lots of the document's items that expire within the
	horizon and that it does not take."""
	if not lines:
		return []
	issues = choice_issues(doc, lines) if settings.fefo_policy() != Policy.OFF.value else []
	messages = [describe(doc, line, issue) for line, issue in issues]
	named = {issue.earlier_batch_no for _line, issue in issues if issue.earlier_batch_no}
	messages.extend(near_expiry_messages(doc, lines, skip=named))
	return messages


def near_expiry_messages(doc, lines: list[Line], skip: set[str] = frozenset()) -> list[str]:
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


def describe(doc, line: Line, issue: ChoiceIssue) -> str:
	row = _("Row {0}").format(line.row.idx)
	lot = frappe.bold(issue.batch_no)
	if issue.verdict == Verdict.EXPIRED:
		return _("{0}: lot {1} of {2} expired on {3}; an expired lot cannot leave the warehouse.").format(
			row, lot, line.item_code, format_date(issue.expiry_date)
		)
	if issue.verdict == Verdict.BLOCKED:
		return _("{0}: lot {1} of {2} is blocked ({3}) and cannot leave the warehouse.").format(
			row, lot, line.item_code, issue.blocked_reason or _("disabled")
		)
	if issue.verdict == Verdict.BELOW_MIN_SHELF_LIFE:
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
