"""Scans as the storekeeper's and the cashier's scanners send them (pure, no frappe)."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dux_trace.core.gs1 import GS, Gs1Error, Gs1ErrorCode, ScanKind, gtin_candidates, parse_scan


def test_gs1_128_with_symbology_identifier_and_group_separator():
	scan = parse_scan("]C1010950600013435217261231" + "10ABC123" + GS + "21XYZ-9\r\n")
	assert scan.kind == ScanKind.GS1
	assert (scan.gtin, scan.lot, scan.expiry_date, scan.serial) == (
		"09506000134352",
		"ABC123",
		date(2026, 12, 31),
		"XYZ-9",
	)


def test_datamatrix_payload_without_identifier():
	scan = parse_scan("0109506000134352" + "11260101" + "17270630" + "10L452")
	assert (scan.manufacturing_date, scan.expiry_date, scan.lot) == (
		date(2026, 1, 1),
		date(2027, 6, 30),
		"L452",
	)


def test_expiry_day_00_means_the_end_of_the_month():
	assert parse_scan("]d2010950600013435217270200").expiry_date == date(2027, 2, 28)


def test_gs1_digital_link_url():
	scan = parse_scan("https://id.gs1.org/01/09506000134352/10/ABC123/21/XYZ?17=261231")
	assert (scan.gtin, scan.lot, scan.serial, scan.expiry_date) == (
		"09506000134352",
		"ABC123",
		"XYZ",
		date(2026, 12, 31),
	)


def test_human_readable_form():
	scan = parse_scan("(01)09506000134352(17)261231(10)ABC123")
	assert (scan.gtin, scan.expiry_date, scan.lot) == ("09506000134352", date(2026, 12, 31), "ABC123")


def test_plain_ean13_is_a_gtin():
	scan = parse_scan("4006381333931")
	assert (scan.kind, scan.gtin) == (ScanKind.GTIN, "04006381333931")


def test_ean13_with_a_wrong_check_digit_is_refused():
	with pytest.raises(Gs1Error) as raised:
		parse_scan("4006381333932")
	assert raised.value.code == Gs1ErrorCode.BAD_CHECK_DIGIT


def test_gs1_code_with_a_wrong_gtin_check_digit_is_refused_whole():
	with pytest.raises(Gs1Error) as raised:
		parse_scan("]C10109506000134351" + "10ABC")
	assert raised.value.code in (Gs1ErrorCode.BAD_CHECK_DIGIT, Gs1ErrorCode.MALFORMED)


def test_malformed_gs1_names_what_was_not_understood():
	with pytest.raises(Gs1Error) as raised:
		parse_scan("(01)0950600013435")
	assert raised.value.code == Gs1ErrorCode.MALFORMED and raised.value.detail


def test_an_imei_or_internal_serial_is_plain_text():
	assert parse_scan(" 356938035643809 ").kind == ScanKind.PLAIN
	assert parse_scan("SN-X7890-Z").raw == "SN-X7890-Z"
	with pytest.raises(Gs1Error):
		parse_scan("SN-X7890-Z", allow_plain=False)


def test_empty_scan():
	with pytest.raises(Gs1Error) as raised:
		parse_scan(" \r\n")
	assert raised.value.code == Gs1ErrorCode.EMPTY


def test_gtin_candidates_for_item_barcode_lookup():
	assert gtin_candidates("09506000134352") == ["09506000134352", "9506000134352"]
	assert gtin_candidates("00012345678905") == ["00012345678905", "0012345678905", "012345678905"]


@settings(max_examples=300, deadline=None)
@given(
	st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
	| st.from_regex(r"\]C1[0-9]{0,40}", fullmatch=True)
)
def test_any_scan_gives_a_result_or_a_clear_error(text):
	try:
		scan = parse_scan(text)
	except Gs1Error as error:
		assert isinstance(error.code, Gs1ErrorCode)
	else:
		assert scan.kind in ScanKind
		assert scan.gtin is None or len(scan.gtin) == 14


def test_ten_thousand_hostile_scans_give_a_result_or_a_clear_error():
	"""Random bytes, GS1 with wrong AIs and check digits, dates like 991399, nested separators, odd
	Digital Link URLs, SQL / HTML / template fragments, unicode, empty: never another exception."""
	from dux_trace.tests.hostile import hostile_scans

	codes = {}
	for index, text in enumerate(hostile_scans(10_000)):
		try:
			scan = parse_scan(text)
		except Gs1Error as error:
			codes[error.code] = codes.get(error.code, 0) + 1
		except Exception as error:  # the test's point: nothing else escapes
			raise AssertionError(f"scan #{index} {text[:80]!r} raised {error!r}")
		else:
			assert scan.kind in ScanKind
			assert scan.gtin is None or len(scan.gtin) == 14
	# the generator reaches every refusal
	assert set(codes) == set(Gs1ErrorCode), codes


def test_a_megabyte_scan_is_refused_without_being_read():
	from dux_trace.tests.hostile import MEGABYTE_SCAN

	with pytest.raises(Gs1Error) as refused:
		parse_scan(MEGABYTE_SCAN)
	assert refused.value.code == Gs1ErrorCode.TOO_LONG
	assert refused.value.detail == str(len(MEGABYTE_SCAN))


def test_a_scan_that_is_not_text_is_refused():
	for value in (12345, ["01"], {"a": 1}):
		with pytest.raises(Gs1Error) as refused:
			parse_scan(value)
		assert refused.value.code == Gs1ErrorCode.MALFORMED
