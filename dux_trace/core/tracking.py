"""Tracking mode of an article, mapped onto ERPNext's own Item settings.

The Dux ERP article card knows four ways to follow an article in stock; ERPNext expresses the
same thing with a handful of Item fields. This module is the one place that translates between
the two, in both directions:

=================  ===============  ==============  ===================================
Tracking mode      has_serial_no    has_batch_no    other Item fields
=================  ===============  ==============  ===================================
None               0                0               valuation method left to the default
Moving Average     0                0               valuation_method = "Moving Average"
Serial             1                0               serial_no_series (if empty)
Lot                0                1               create_new_batch, has_expiry_date,
                                                    batch_number_series (if empty)
=================  ===============  ==============  ===================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any


class TrackingMode(str, Enum):
	NONE = "None"
	MOVING_AVERAGE = "Moving Average"
	SERIAL = "Serial"
	LOT = "Lot"


#: Item fields that a tracking mode decides; anything else on the Item is left alone.
TRACKING_FIELDS = (
	"has_serial_no",
	"serial_no_series",
	"has_batch_no",
	"create_new_batch",
	"batch_number_series",
	"has_expiry_date",
	"valuation_method",
)

_SERIES_UNSAFE = re.compile(r"[^A-Z0-9-]+")


def series_prefix(item_code: str, max_length: int = 12) -> str:
	"""A naming-series prefix derived from the item code.

	Naming series give `.` and `#` a meaning, so only letters, digits and dashes survive;
	`TEL-SAM-S23` stays `TEL-SAM-S23`, `Lait 1/2 écrémé` becomes `LAIT12CRM`.
	"""
	prefix = _SERIES_UNSAFE.sub("", (item_code or "").upper())[:max_length].strip("-")
	return prefix or "ITEM"


def serial_series_for(item_code: str) -> str:
	return f"{series_prefix(item_code)}-.#####"


def batch_series_for(item_code: str) -> str:
	return f"LOT-{series_prefix(item_code)}-.#####"


def mode_from_flags(has_serial_no: Any, has_batch_no: Any, valuation_method: str | None) -> TrackingMode:
	"""The tracking mode an Item's ERPNext fields express.

	An item with both serials and batches (ERPNext allows it) reads as Serial: the unit is the
	finer grain, and the after-sales check works on serials.
	"""
	if _truthy(has_serial_no):
		return TrackingMode.SERIAL
	if _truthy(has_batch_no):
		return TrackingMode.LOT
	if (valuation_method or "") == "Moving Average":
		return TrackingMode.MOVING_AVERAGE
	return TrackingMode.NONE


def item_values_for_mode(mode: TrackingMode | str, item_code: str, current: Mapping[str, Any]) -> dict:
	"""The Item field values that make `mode` true, given the item's `current` values.

	Returns only the fields whose value must change, so that applying the result to an item
	already in that mode changes nothing. Naming series are filled only when empty: a series
	the user typed is kept.
	"""
	mode = TrackingMode(mode)
	wanted: dict[str, Any] = {"has_serial_no": 0, "has_batch_no": 0}

	if mode == TrackingMode.SERIAL:
		wanted["has_serial_no"] = 1
		if not current.get("serial_no_series"):
			wanted["serial_no_series"] = serial_series_for(item_code)
	elif mode == TrackingMode.LOT:
		wanted.update(has_batch_no=1, create_new_batch=1, has_expiry_date=1)
		if not current.get("batch_number_series"):
			wanted["batch_number_series"] = batch_series_for(item_code)

	if mode != TrackingMode.SERIAL:
		wanted["serial_no_series"] = None
	if mode != TrackingMode.LOT:
		wanted["has_expiry_date"] = 0

	if mode == TrackingMode.MOVING_AVERAGE:
		wanted["valuation_method"] = "Moving Average"
	elif (current.get("valuation_method") or "") == "Moving Average":
		# leaving Moving Average: back to the default method of Stock Settings
		wanted["valuation_method"] = ""

	return {field: value for field, value in wanted.items() if not _same(current.get(field), value)}


def _truthy(value: Any) -> bool:
	try:
		return bool(int(value or 0))
	except (TypeError, ValueError):
		return bool(value)


def _same(a: Any, b: Any) -> bool:
	if isinstance(b, int) and not isinstance(b, bool):
		return _truthy(a) == bool(b)
	return (a or None) == (b or None)
