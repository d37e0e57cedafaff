"""Serial numbers: what a scan at receipt or at sale is worth, what a returned device is, and the
warranty arithmetic.

Plain values in, plain values out. The glue (`dux_trace.stock.serials`, `dux_trace.api.after_sales`)
reads ERPNext's Serial No and Serial and Batch Bundle ledger and turns the verdicts into translated
messages.

Rules:
- a serial is compared as scanned, without surrounding spaces or control characters (a scanner's
  trailing CR/LF/GS); case is kept: ERPNext's Serial No names are case-sensitive in practice;
- at receipt a serial is refused when it is empty, does not match the item's pattern (when the item
  has one), was already scanned in this document, or already exists in stock (any warehouse); a
  known serial that has left stock (delivered, consumed) may come back in, as ERPNext allows;
- at sale a serial must exist, belong to the line's item, be in stock in the line's warehouse and
  appear once in the document and on no other open document;
- after sales, the last sale of the serial decides: a later return means "already returned", a
  different presenting customer "sold to another customer", no sale at all "never sold by us";
- warranty ends N months after the sale date (day clamped to the end of a shorter month: a sale on
  31 January with 1 month ends on 28/29 February) or N days after it; the device is covered up to
  and including the end date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from dux_trace.core.names import FORBIDDEN_CHARACTERS, acceptable_name

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: ERPNext's Serial No name is a Data field of 140 characters
MAX_SERIAL_LENGTH = 140
#: characters no serial number may hold: `<` and `>` (Frappe refuses them in any name), quotes and
#: the backtick (refused when a Serial No is saved or received, `core.names`)
NOT_IN_A_SERIAL = FORBIDDEN_CHARACTERS


def impossible_serial(serial: str) -> bool:
	"""Too long, or with a character no Serial No can have: not a serial, whatever was scanned."""
	return len(serial) > MAX_SERIAL_LENGTH or not acceptable_name(serial)


def normalise(scan: str | None) -> str:
	"""The serial as it is stored: no surrounding blanks, no control characters."""
	return _CONTROL.sub("", scan or "").strip()


def split_serials(text: str | Iterable[str] | None) -> list[str]:
	"""Serials from a text field (one per line, or separated by commas), in order, blanks dropped.
	A list is accepted too (ERPNext's own code sometimes puts one in the serial_no field)."""
	if text is not None and not isinstance(text, str):
		return [serial for part in text for serial in split_serials(part)]
	return [s for s in (normalise(part) for part in re.split(r"[\n,]", text or "")) if s]


def duplicates(serials: Iterable[str]) -> list[str]:
	seen: set[str] = set()
	repeated: list[str] = []
	for serial in serials:
		if serial in seen and serial not in repeated:
			repeated.append(serial)
		seen.add(serial)
	return repeated


@dataclass(frozen=True)
class SerialState:
	"""What ERPNext knows of a serial: its item, the warehouse it is in (None when out of stock)
	and its status (Active, Delivered, Consumed, Inactive, Expired)."""

	serial_no: str
	item_code: str
	warehouse: str | None
	status: str | None = None

	@property
	def in_stock(self) -> bool:
		return bool(self.warehouse)

	@property
	def left_stock(self) -> bool:
		"""Known to be out of stock: delivered or consumed. (ERPNext does not keep Serial No's
		warehouse for every path, e.g. entries made with its old serial_no fields: a serial with no
		warehouse and no such status is left to ERPNext's ledger check.)"""
		return not self.warehouse and (self.status or "") in LEFT_STOCK

	def not_in(self, warehouse: str) -> bool:
		"""Known not to be in this warehouse: in another one, or out of stock."""
		return (bool(self.warehouse) and self.warehouse != warehouse) or self.left_stock


LEFT_STOCK = ("Delivered", "Consumed")


class ScanVerdict(str, Enum):
	OK = "OK"
	EMPTY = "Empty"
	BAD_FORMAT = "Bad Format"
	ALREADY_SCANNED = "Already Scanned"
	ALREADY_IN_STOCK = "Already In Stock"
	OTHER_ITEM = "Other Item"
	UNKNOWN = "Unknown"
	NOT_IN_WAREHOUSE = "Not In Warehouse"
	ON_ANOTHER_DOCUMENT = "On Another Document"

	@property
	def ok(self) -> bool:
		return self is ScanVerdict.OK


def pattern_matches(serial: str, pattern: str | None) -> bool:
	"""An item's serial pattern is a regular expression the whole serial must match; an invalid
	pattern is treated as no pattern (the item form is the place to fix it)."""
	if not pattern:
		return True
	try:
		return re.fullmatch(pattern, serial) is not None
	except re.error:
		return True


def check_receipt_scan(
	serial: str,
	*,
	item_code: str,
	scanned: Iterable[str] = (),
	known: SerialState | None = None,
	pattern: str | None = None,
) -> ScanVerdict:
	"""One serial scanned on a receipt line of `item_code`."""
	serial = normalise(serial)
	if not serial:
		return ScanVerdict.EMPTY
	if not pattern_matches(serial, pattern):
		return ScanVerdict.BAD_FORMAT
	if serial in set(scanned):
		return ScanVerdict.ALREADY_SCANNED
	if known is not None:
		if known.item_code != item_code:
			return ScanVerdict.OTHER_ITEM
		if known.in_stock:
			return ScanVerdict.ALREADY_IN_STOCK
	return ScanVerdict.OK


def check_sale_scan(
	serial: str,
	*,
	item_code: str,
	warehouse: str,
	scanned: Iterable[str] = (),
	known: SerialState | None = None,
	held_by: str | None = None,
) -> ScanVerdict:
	"""One serial scanned on a sale line of `item_code` leaving `warehouse`; `held_by` names another
	open document that already carries it."""
	serial = normalise(serial)
	if not serial:
		return ScanVerdict.EMPTY
	if serial in set(scanned):
		return ScanVerdict.ALREADY_SCANNED
	if known is None:
		return ScanVerdict.UNKNOWN
	if known.item_code != item_code:
		return ScanVerdict.OTHER_ITEM
	if known.not_in(warehouse):
		return ScanVerdict.NOT_IN_WAREHOUSE
	if held_by:
		return ScanVerdict.ON_ANOTHER_DOCUMENT
	return ScanVerdict.OK


def unscanned(serials: Sequence[str], scanned: Iterable[str]) -> list[str]:
	"""Serials on a line that were not scanned (kept in line order)."""
	scanned_set = set(scanned)
	return [s for s in serials if s not in scanned_set]


def missing_units(qty: float, serials: Sequence[str]) -> int:
	"""How many units of a line still need a serial."""
	return max(0, round(qty) - len(serials))


def foreign_serials(returned: Iterable[str], original: Iterable[str]) -> list[str]:
	"""Serials on a return that were not on the document it returns."""
	original_set = set(original)
	return [s for s in returned if s not in original_set]


# Warranty ------------------------------------------------------------------------------------------


def add_months(start: date, months: int) -> date:
	month_index = start.month - 1 + months
	year, month = start.year + month_index // 12, month_index % 12 + 1
	return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def warranty_end(sale_date: date, *, months: int = 0, days: int = 0) -> date | None:
	"""Last day covered; months win over days when both are set. None: no warranty."""
	if months and months > 0:
		return add_months(sale_date, months)
	if days and days > 0:
		return sale_date + timedelta(days=days)
	return None


@dataclass(frozen=True)
class Warranty:
	end: date | None
	days_left: int | None

	@property
	def covered(self) -> bool:
		return self.days_left is not None and self.days_left >= 0


def warranty_on(end: date | None, today: date) -> Warranty:
	return Warranty(end=end, days_left=None if end is None else (end - today).days)


# After-sales check ---------------------------------------------------------------------------------


class Movement(str, Enum):
	SALE = "Sale"
	RETURN = "Return"


@dataclass(frozen=True)
class SerialEvent:
	"""A sale of the serial to a customer, or its return from one."""

	kind: Movement
	voucher_type: str
	voucher_no: str
	posted: datetime
	customer: str | None


class SerialVerdict(str, Enum):
	SOLD_HERE = "Sold Here"
	SOLD_TO_ANOTHER_CUSTOMER = "Sold To Another Customer"
	NEVER_SOLD = "Never Sold By Us"
	ALREADY_RETURNED = "Already Returned"

	@property
	def refused(self) -> bool:
		return self is not SerialVerdict.SOLD_HERE


@dataclass(frozen=True)
class AfterSalesResult:
	verdict: SerialVerdict
	known: SerialState | None  # ERPNext's record of the serial; None: an unknown serial
	sale: SerialEvent | None = None
	returned: SerialEvent | None = None
	warranty: Warranty | None = None

	@property
	def in_stock(self) -> bool:
		return self.known is not None and self.known.in_stock


def after_sales_verdict(
	*,
	known: SerialState | None,
	events: Iterable[SerialEvent],
	today: date,
	presented_by: str | None = None,
	warranty_months: int = 0,
	warranty_days: int = 0,
	recorded_warranty_end: date | None = None,
) -> AfterSalesResult:
	"""What a clerk is told when a device comes back over the counter.

	`events`: the serial's sales and returns in any order. The warranty end recorded on the serial
	at sale (ERPNext's Serial No warranty expiry) wins over one computed from the item's terms."""
	if known is None:
		return AfterSalesResult(SerialVerdict.NEVER_SOLD, known=None)
	ordered = sorted(events, key=lambda event: event.posted)
	sales = [index for index, event in enumerate(ordered) if event.kind is Movement.SALE]
	if not sales:
		return AfterSalesResult(SerialVerdict.NEVER_SOLD, known=known)
	sale = ordered[sales[-1]]
	later_returns = [event for event in ordered[sales[-1] + 1 :] if event.kind is Movement.RETURN]
	end = recorded_warranty_end or warranty_end(
		sale.posted.date(), months=warranty_months, days=warranty_days
	)
	warranty = warranty_on(end, today)
	if later_returns:
		return AfterSalesResult(
			SerialVerdict.ALREADY_RETURNED,
			known=known,
			sale=sale,
			returned=later_returns[-1],
			warranty=warranty,
		)
	if presented_by and sale.customer and presented_by != sale.customer:
		return AfterSalesResult(
			SerialVerdict.SOLD_TO_ANOTHER_CUSTOMER,
			known=known,
			sale=sale,
			warranty=warranty,
		)
	return AfterSalesResult(SerialVerdict.SOLD_HERE, known=known, sale=sale, warranty=warranty)
