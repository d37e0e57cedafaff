"""Tracking mode <-> ERPNext Item fields (pure, no frappe)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dux_trace.core.tracking import (
	TrackingMode,
	item_values_for_mode,
	mode_from_flags,
	series_prefix,
)

PLAIN_ITEM = {"has_serial_no": 0, "has_batch_no": 0, "valuation_method": ""}


def apply(current: dict, mode, code="TEL-SAM-S23") -> dict:
	return {**current, **item_values_for_mode(mode, code, current)}


def test_serial_mode_turns_on_erpnext_serials_with_a_series():
	item = apply(PLAIN_ITEM, TrackingMode.SERIAL)
	assert item["has_serial_no"] == 1
	assert item["has_batch_no"] == 0
	assert item["serial_no_series"] == "TEL-SAM-S23-.#####"


def test_lot_mode_turns_on_batches_with_expiry_and_automatic_lot_numbers():
	item = apply(PLAIN_ITEM, "Lot", code="LAIT-1L")
	assert (item["has_batch_no"], item["create_new_batch"], item["has_expiry_date"]) == (1, 1, 1)
	assert item["has_serial_no"] == 0
	assert item["batch_number_series"] == "LOT-LAIT-1L-.#####"


def test_moving_average_sets_the_valuation_method_only():
	item = apply(PLAIN_ITEM, TrackingMode.MOVING_AVERAGE)
	assert item["valuation_method"] == "Moving Average"
	assert item["has_serial_no"] == item["has_batch_no"] == 0


def test_leaving_moving_average_returns_to_the_stock_settings_default():
	item = apply({**PLAIN_ITEM, "valuation_method": "Moving Average"}, TrackingMode.NONE)
	assert item["valuation_method"] == ""


def test_a_series_typed_by_the_user_is_kept():
	current = {**PLAIN_ITEM, "serial_no_series": "IMEI-.#####"}
	assert "serial_no_series" not in item_values_for_mode(TrackingMode.SERIAL, "X", current)


def test_switching_serial_to_lot_clears_the_serial_side():
	item = apply(apply(PLAIN_ITEM, TrackingMode.SERIAL), TrackingMode.LOT)
	assert item["has_serial_no"] == 0 and item["serial_no_series"] is None
	assert item["has_batch_no"] == 1


@pytest.mark.parametrize(
	"flags, mode",
	[
		((0, 0, ""), TrackingMode.NONE),
		((0, 0, "FIFO"), TrackingMode.NONE),
		((0, 0, "Moving Average"), TrackingMode.MOVING_AVERAGE),
		((1, 0, ""), TrackingMode.SERIAL),
		((0, 1, "FIFO"), TrackingMode.LOT),
		((1, 1, ""), TrackingMode.SERIAL),
	],
)
def test_mode_is_read_back_from_erpnext_fields(flags, mode):
	assert mode_from_flags(*flags) == mode


@pytest.mark.parametrize(
	"code, prefix", [("TEL-SAM-S23", "TEL-SAM-S23"), ("Lait 1/2 écrémé", "LAIT12CRM"), ("##", "ITEM")]
)
def test_series_prefix_is_safe_for_naming_series(code, prefix):
	assert series_prefix(code) == prefix


@given(
	mode=st.sampled_from(list(TrackingMode)),
	first=st.sampled_from(list(TrackingMode)),
	code=st.text(max_size=30),
)
def test_applying_a_mode_reads_back_as_that_mode_and_is_idempotent(mode, first, code):
	item = apply(apply(PLAIN_ITEM, first, code), mode, code)
	assert mode_from_flags(item["has_serial_no"], item["has_batch_no"], item.get("valuation_method")) == mode
	assert item_values_for_mode(mode, code, item) == {}
	for series in ("serial_no_series", "batch_number_series"):
		value = item.get(series) or ""
		assert "#" not in value or ".#" in value
