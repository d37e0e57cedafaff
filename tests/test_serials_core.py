"""Serial verdicts and warranty arithmetic (pure, no frappe): the iPhone swap of the seed."""

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from dux_trace.core.serials import (
	Movement,
	ScanVerdict,
	SerialEvent,
	SerialState,
	SerialVerdict,
	add_months,
	after_sales_verdict,
	check_receipt_scan,
	check_sale_scan,
	duplicates,
	foreign_serials,
	missing_units,
	normalise,
	split_serials,
	unscanned,
	warranty_end,
	warranty_on,
)

IPHONE = "IPHONE-15"
SHOP = "Boutique - DTM"
TODAY = date(2026, 3, 10)


def sale(customer="Karim", on=datetime(2026, 3, 8, 10, 0), voucher="ACC-SINV-0001"):
	return SerialEvent(Movement.SALE, "Sales Invoice", voucher, on, customer)


def back(customer="Karim", on=datetime(2026, 3, 9, 16, 0), voucher="ACC-SINV-0002"):
	return SerialEvent(Movement.RETURN, "Sales Invoice", voucher, on, customer)


DELIVERED = SerialState("SN-1", IPHONE, None, "Delivered")
IN_SHOP = SerialState("SN-2", IPHONE, SHOP, "Active")


def test_scanner_noise_is_dropped_but_case_is_kept():
	assert normalise("  SN-a1\r\n") == "SN-a1"
	assert normalise("\x1dSN1\x1d") == "SN1"
	assert split_serials("A\nB, C\n\n") == ["A", "B", "C"]
	assert split_serials(["A", "B\nC"]) == ["A", "B", "C"]  # ERPNext may set a list
	assert duplicates(["A", "B", "A", "A"]) == ["A"]


def test_receipt_refuses_empty_duplicate_in_stock_wrong_item_and_wrong_format():
	assert check_receipt_scan("", item_code=IPHONE) is ScanVerdict.EMPTY
	assert check_receipt_scan("SN-9", item_code=IPHONE, scanned=["SN-9"]) is ScanVerdict.ALREADY_SCANNED
	assert check_receipt_scan("SN-2", item_code=IPHONE, known=IN_SHOP) is ScanVerdict.ALREADY_IN_STOCK
	other = SerialState("SN-3", "GALAXY-S24", None, "Delivered")
	assert check_receipt_scan("SN-3", item_code=IPHONE, known=other) is ScanVerdict.OTHER_ITEM
	assert check_receipt_scan("X1", item_code=IPHONE, pattern=r"\d{15}") is ScanVerdict.BAD_FORMAT
	assert check_receipt_scan("356789012345678", item_code=IPHONE, pattern=r"\d{15}").ok


def test_receipt_takes_back_a_serial_that_left_stock():
	assert check_receipt_scan("SN-1", item_code=IPHONE, known=DELIVERED).ok


def test_an_invalid_item_pattern_does_not_block_receipt():
	assert check_receipt_scan("ABC", item_code=IPHONE, pattern="([").ok


def test_sale_scan_verdicts():
	kwargs = {"item_code": IPHONE, "warehouse": SHOP}
	assert check_sale_scan("SN-2", known=IN_SHOP, **kwargs).ok
	assert check_sale_scan("SN-404", known=None, **kwargs) is ScanVerdict.UNKNOWN
	assert check_sale_scan("SN-1", known=DELIVERED, **kwargs) is ScanVerdict.NOT_IN_WAREHOUSE
	in_depot = SerialState("SN-2", IPHONE, "Dépôt - DTM", "Active")
	assert check_sale_scan("SN-2", known=in_depot, **kwargs) is ScanVerdict.NOT_IN_WAREHOUSE
	galaxy = SerialState("SN-5", "GALAXY-S24", SHOP, "Active")
	assert check_sale_scan("SN-5", known=galaxy, **kwargs) is ScanVerdict.OTHER_ITEM
	assert check_sale_scan("SN-2", known=IN_SHOP, scanned=["SN-2"], **kwargs) is ScanVerdict.ALREADY_SCANNED
	held = check_sale_scan("SN-2", known=IN_SHOP, held_by="MAT-DN-0007", **kwargs)
	assert held is ScanVerdict.ON_ANOTHER_DOCUMENT


def test_a_serial_without_warehouse_is_out_of_stock_only_when_delivered_or_consumed():
	kwargs = {"item_code": IPHONE, "warehouse": SHOP}
	consumed = SerialState("SN-7", IPHONE, None, "Consumed")
	assert check_sale_scan("SN-7", known=consumed, **kwargs) is ScanVerdict.NOT_IN_WAREHOUSE
	# received through ERPNext's old serial_no fields: no warehouse kept on Serial No
	undenormalised = SerialState("SN-8", IPHONE, None, "")
	assert check_sale_scan("SN-8", known=undenormalised, **kwargs).ok


def test_unscanned_missing_and_foreign():
	assert unscanned(["A", "B", "C"], ["B"]) == ["A", "C"]
	assert missing_units(3, ["A"]) == 2
	assert missing_units(1, ["A", "B"]) == 0
	assert foreign_serials(["A", "OLD-1"], ["A", "B"]) == ["OLD-1"]


def test_warranty_months_clamp_to_month_end():
	assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
	assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
	assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)
	assert warranty_end(date(2026, 3, 8), months=12) == date(2027, 3, 8)
	assert warranty_end(date(2026, 3, 8), days=90) == date(2026, 6, 6)
	assert warranty_end(date(2026, 3, 8), months=6, days=90) == date(2026, 9, 8)
	assert warranty_end(date(2026, 3, 8)) is None


def test_warranty_covers_its_last_day_only():
	assert warranty_on(date(2026, 3, 10), TODAY).covered
	assert warranty_on(date(2026, 3, 10), TODAY).days_left == 0
	assert not warranty_on(date(2026, 3, 9), TODAY).covered
	assert not warranty_on(None, TODAY).covered


def test_the_swap_of_the_seed_unknown_device_was_never_sold_here():
	result = after_sales_verdict(known=None, events=[], today=TODAY, presented_by="Karim")
	assert result.verdict is SerialVerdict.NEVER_SOLD and result.verdict.refused and not result.known


def test_a_device_still_in_stock_was_never_sold():
	result = after_sales_verdict(known=IN_SHOP, events=[], today=TODAY)
	assert result.verdict is SerialVerdict.NEVER_SOLD and result.known and result.in_stock


def test_sold_here_with_days_left_under_warranty():
	result = after_sales_verdict(known=DELIVERED, events=[sale()], today=TODAY, warranty_months=12)
	assert result.verdict is SerialVerdict.SOLD_HERE and not result.verdict.refused
	assert result.sale.voucher_no == "ACC-SINV-0001"
	assert result.warranty.end == date(2027, 3, 8)
	assert result.warranty.days_left == 363 and result.warranty.covered


def test_recorded_warranty_end_wins():
	result = after_sales_verdict(
		known=DELIVERED,
		events=[sale()],
		today=TODAY,
		warranty_months=12,
		recorded_warranty_end=date(2026, 3, 1),
	)
	assert result.verdict is SerialVerdict.SOLD_HERE and not result.warranty.covered


def test_sold_to_another_customer():
	result = after_sales_verdict(known=DELIVERED, events=[sale("Karim")], today=TODAY, presented_by="Yassine")
	assert result.verdict is SerialVerdict.SOLD_TO_ANOTHER_CUSTOMER and result.sale.customer == "Karim"


def test_already_returned_then_only_a_new_sale_counts():
	returned = after_sales_verdict(known=IN_SHOP, events=[back(), sale()], today=TODAY)
	assert returned.verdict is SerialVerdict.ALREADY_RETURNED
	assert returned.returned.voucher_no == "ACC-SINV-0002"
	resold = after_sales_verdict(
		known=DELIVERED,
		events=[sale(), back(), sale("Nadia", datetime(2026, 3, 9, 18, 0), "ACC-SINV-0003")],
		today=TODAY,
		presented_by="Nadia",
	)
	assert resold.verdict is SerialVerdict.SOLD_HERE and resold.sale.voucher_no == "ACC-SINV-0003"


@given(st.text(max_size=40), st.lists(st.text(max_size=10), max_size=5), st.text(max_size=8))
def test_scan_checks_never_crash(serial, scanned, pattern):
	check_receipt_scan(serial, item_code=IPHONE, scanned=scanned, pattern=pattern)
	check_sale_scan(serial, item_code=IPHONE, warehouse=SHOP, scanned=scanned, known=IN_SHOP)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 120))
def test_months_later_is_never_before_and_keeps_the_day_when_it_can(start, months):
	end = add_months(start, months)
	assert end >= start
	assert end.day == start.day or end.day < start.day


def test_a_scan_no_serial_number_can_be_is_told_apart():
	from dux_trace.core.serials import MAX_SERIAL_LENGTH, impossible_serial

	assert not impossible_serial("356938035643809")
	assert impossible_serial("<img src=x onerror=alert(1)>")
	assert impossible_serial("A" * (MAX_SERIAL_LENGTH + 1))
	assert not impossible_serial("A" * MAX_SERIAL_LENGTH)
