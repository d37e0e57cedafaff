"""Labels (pure): A4 sheets and rolls, barcode choice, ZPL II output."""

import math
import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dux_trace.core.barcodes import FNC1, Symbology, element_string
from dux_trace.core.gs1 import GS, ScanKind, parse_scan
from dux_trace.core.label_barcodes import choose_barcode, gs1_check_digit_ok
from dux_trace.core.label_templates import LabelData, LabelLayoutError, LabelTemplate, paginate, position
from dux_trace.core.label_zpl import to_zpl, to_zpl_many
from dux_trace.core.zpl import dots, zpl_code128, zpl_gs1_128

GTIN = "09506000134352"
EAN = "4006381333931"
SHEET = LabelTemplate("A4", 70, 37, rows=4, columns=3)  # 3 x 4 labels, 12 a page
AVERY = LabelTemplate(
	"A4", 63.5, 38.1, rows=7, columns=3, margin_top_mm=15.15, margin_left_mm=7.2, gap_x_mm=2.5
)
ROLL = LabelTemplate("Roll", 50, 30)
WIDE = LabelTemplate("Roll", 100, 50)
GS1_SET = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def full_label(**changes) -> LabelData:
	values = dict(
		item_code="LAIT-1L",
		item_name="Lait demi-écrémé 1 L",
		price_text="1,99 €",
		lot="ABC123",
		expiry=date(2026, 12, 31),
		serial="XYZ",
		gtin=GTIN,
	)
	values.update(changes)
	return LabelData(**values)


def fd_fields(zpl: str) -> list[str]:
	return re.findall(r"\^FD(.*?)\^FS", zpl, flags=re.S)


def barcode_field(zpl: str) -> str:
	return re.search(r"\^B[CE]N,[^\^]*\^FD(.*?)\^FS", zpl).group(1)


def unhex(field: str) -> str:
	return re.sub(r"_([0-9A-F]{2})", lambda match: chr(int(match.group(1), 16)), field)


def decode_code128(field: str) -> tuple[str, int]:
	"""What a scanner reads from ^BC field data in normal mode (FNC1 as GS), and its symbol count."""
	subset = {">:": "B", ">;": "C"}[field[:2]]
	out, symbols, index = "", 1, 2
	while index < len(field):
		symbols += 1
		if field[index] == ">":
			code, index = field[index + 1], index + 2
			if code == "8":
				out += GS
			elif code == "5" and subset == "B":
				subset = "C"
			elif code == "6" and subset == "C":
				subset = "B"
			elif subset == "B" and code in "0<=":
				out += {"0": ">", "<": "^", "=": "~"}[code]
			else:
				raise AssertionError(f"unexpected invocation >{code} in subset {subset}: {field!r}")
		elif subset == "C":
			pair, index = field[index : index + 2], index + 2
			assert re.fullmatch(r"\d\d", pair), f"subset C needs digit pairs: {field!r}"
			out += pair
		else:
			char, index = field[index], index + 1
			assert " " <= char <= "~" and char not in "^~", f"raw {char!r} in subset B: {field!r}"
			out += char
	return out, symbols


# pages


def test_thirteen_labels_on_three_by_four_sheets_make_two_pages_the_last_with_one_label():
	pages = paginate(list(range(13)), SHEET)
	assert len(pages) == 2
	assert pages[0] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
	assert pages[1] == [[12]]


def test_a_full_sheet_is_one_page_and_no_labels_no_page():
	assert len(paginate(range(12), SHEET)) == 1
	assert paginate([], SHEET) == []
	assert paginate([], ROLL) == []


def test_a_roll_prints_one_label_per_page():
	assert paginate(["a", "b", "c"], ROLL) == [[["a"]], [["b"]], [["c"]]]


@given(st.integers(0, 60), st.integers(1, 5), st.integers(1, 4))
def test_pages_keep_every_label_in_order_and_respect_the_grid(count, rows, columns):
	template = LabelTemplate("A4", 40, 30, rows=rows, columns=columns)
	pages = paginate(list(range(count)), template)
	assert [item for page in pages for row in page for item in row] == list(range(count))
	assert len(pages) == math.ceil(count / (rows * columns))
	assert all(len(page) <= rows and all(1 <= len(row) <= columns for row in page) for page in pages)
	assert all(len(row) == columns for page in pages for row in page[:-1])


def test_positions_go_row_by_row_from_the_margins():
	assert position(0, AVERY) == (7.2, 15.15)
	assert position(1, AVERY) == pytest.approx((7.2 + 63.5 + 2.5, 15.15))
	assert position(4, AVERY) == pytest.approx((7.2 + 66.0, 15.15 + 38.1))
	assert position(20, AVERY) == pytest.approx((7.2 + 2 * 66.0, 15.15 + 6 * 38.1))
	assert position(0, ROLL) == (0.0, 0.0)


@pytest.mark.parametrize("index", [-1, 21, 1.0])
def test_a_position_off_the_page_is_refused(index):
	with pytest.raises(IndexError):
		position(index, AVERY)


def test_labels_that_exactly_fill_the_page_are_accepted():
	LabelTemplate("A4", 70, 297 / 8, rows=8, columns=3).validate()
	AVERY.validate()


@pytest.mark.parametrize(
	"changes, message",
	[
		(dict(columns=4), "need 280 mm: wider than an A4 page \\(210 mm\\)"),
		(dict(margin_left_mm=1), "wider than an A4 page"),
		(dict(rows=9), "taller than an A4 page \\(297 mm\\)"),
		(dict(rows=4, gap_y_mm=50), "need 298 mm: taller than an A4 page"),
		(dict(label_width_mm=0), "Label width must be .* greater than 0"),
		(dict(label_height_mm=-5), "Label height must be .* greater than 0"),
		(dict(label_width_mm=float("nan")), "Label width"),
		(dict(rows=0), "Rows must be a whole number of at least 1"),
		(dict(columns=-1), "Columns must be a whole number"),
		(dict(rows=2.5), "Rows must be a whole number"),
		(dict(margin_top_mm=-1), "Top margin must be .* 0 or more"),
		(dict(gap_x_mm=-0.5), "Horizontal gap"),
		(dict(page="Letter"), "Page must be 'A4' or 'Roll'"),
		(dict(barcode="pdf417"), "Barcode must be one of auto, code128, ean13, gs1_128, gs1_datamatrix, qr"),
	],
)
def test_layouts_that_cannot_print_are_refused_with_a_clear_message(changes, message):
	values = dict(page="A4", label_width_mm=70, label_height_mm=37, rows=8, columns=3)
	values.update(changes)
	template = LabelTemplate(**values)
	with pytest.raises(LabelLayoutError, match=message):
		template.validate()
	with pytest.raises(LabelLayoutError):
		paginate([1], template)


def test_a_roll_ignores_the_sheet_grid_but_not_the_label_size():
	LabelTemplate("Roll", 100, 150, rows=0, columns=0, margin_left_mm=-3).validate()
	with pytest.raises(LabelLayoutError, match="Label height"):
		LabelTemplate("Roll", 100, 0).validate()


# barcode choice


def test_a_gtin_gives_gs1_128_with_lot_expiry_and_serial():
	symbology, data, text = choose_barcode(full_label())
	assert symbology == "gs1_128"
	assert (data, text) == element_string(GTIN, "ABC123", date(2026, 12, 31), "XYZ")
	assert text == "(01)09506000134352(17)261231(10)ABC123(21)XYZ"


def test_a_gtin_alone_gives_gs1_128_of_the_gtin():
	assert choose_barcode(LabelData("X", gtin=GTIN)) == ("gs1_128", "01" + GTIN, "(01)" + GTIN)


def test_an_ean_without_lot_or_serial_gives_ean13():
	assert choose_barcode(LabelData("X", "Eau", ean=EAN)) == ("ean13", EAN, EAN)
	assert choose_barcode(LabelData("X", ean=EAN, expiry=date(2027, 1, 1)))[0] == "ean13"


@pytest.mark.parametrize(
	"label, expected",
	[
		(LabelData("X", ean=EAN, lot="L452"), "L452"),
		(LabelData("X", ean=EAN, serial="SN-1"), "SN-1"),
		(LabelData("X", lot="L452", serial="SN-1"), "SN-1"),
		(LabelData("X", lot="L452"), "L452"),
		(LabelData("ITEM-7"), "ITEM-7"),
	],
)
def test_otherwise_code128_of_the_serial_then_the_lot_then_the_item_code(label, expected):
	assert choose_barcode(label) == ("code128", expected, expected)


def test_an_explicit_symbology_is_honoured():
	assert choose_barcode(full_label(), "code128") == ("code128", "XYZ", "XYZ")
	assert choose_barcode(LabelData("X", ean=EAN, lot="L1"), "ean13")[0] == "ean13"
	assert choose_barcode(full_label(), Symbology.GS1_128)[0] == "gs1_128"


@pytest.mark.parametrize(
	"label, preferred, message",
	[
		(LabelData("X", ean=EAN), "gs1_128", "GS1-128 needs a GTIN"),
		(LabelData("X", gtin=GTIN), "ean13", "EAN-13 needs an EAN"),
		(LabelData("X", gtin="9506000134352"), "auto", "must have 14 digits"),
		(LabelData("X", gtin="09506000134353"), "auto", "wrong check digit"),
		(LabelData("X", ean="4006381333932"), "auto", "wrong check digit"),
		(LabelData("X", ean="400638133393"), "ean13", "must have 13 digits"),
		(LabelData("X", gtin=GTIN, lot="LOT ÉTÉ"), "auto", "not a GS1 value"),
		(LabelData("X", serial="N°12"), "auto", "cannot be written in Code128"),
		(LabelData("X"), "pdf417", "Barcode must be one of"),
	],
)
def test_a_barcode_that_cannot_be_made_is_refused(label, preferred, message):
	with pytest.raises(LabelLayoutError, match=message):
		choose_barcode(label, preferred)


def test_gs1_check_digits():
	assert gs1_check_digit_ok(GTIN) and gs1_check_digit_ok(EAN) and gs1_check_digit_ok("9780201379624")
	assert (
		not gs1_check_digit_ok("4006381333932")
		and not gs1_check_digit_ok("")
		and not gs1_check_digit_ok("40A")
	)


# ZPL


def test_zpl_label_has_the_template_size_in_dots_and_utf8():
	zpl = to_zpl(full_label(), ROLL)
	assert zpl.startswith("^XA") and zpl.endswith("^XZ")
	assert zpl.count("^XA") == zpl.count("^XZ") == 1
	# 50 mm / 25.4 * 203 = 399.6 dots -> 400 (Zebra's 8 dots/mm); 30 mm -> 239.8 -> 240
	assert "^PW400" in zpl and "^LL240" in zpl
	assert "^CI28" in zpl.split("^FO")[0]
	assert (dots(50, 300), dots(30, 300)) == (591, 354)
	assert "^PW591" in to_zpl(full_label(), ROLL, dpi=300)


def test_zpl_label_shows_name_code_lot_expiry_serial_and_price():
	fields = [unhex(field) for field in fd_fields(to_zpl(full_label(), ROLL))]
	assert "Lait demi-écrémé 1 L" in fields and "LAIT-1L" in fields and "1,99 €" in fields
	assert "LOT ABC123  EXP 31/12/2026" in fields and "SN XYZ" in fields
	# a 50 mm label at 203 dpi cannot give all of it bars of 2 dots: two symbols
	assert "(01)09506000134352(17)261231" in fields and "(10)ABC123(21)XYZ" in fields
	assert to_zpl(full_label(), ROLL).count("^BCN,") == 2
	wide = [unhex(field) for field in fd_fields(to_zpl(full_label(), WIDE))]
	assert "(01)09506000134352(17)261231(10)ABC123(21)XYZ" in wide


def test_zpl_split_symbols_each_start_with_fnc1_and_lot_labels_get_bars_of_two_dots():
	zpl = to_zpl(full_label(), ROLL)
	fields = [line.split("^FD", 1)[1].removesuffix("^FS") for line in zpl.splitlines() if "^BCN," in line]
	assert [decode_code128(field)[0] for field in fields] == [
		GS + "01" + GTIN + "17261231",
		GS + "10ABC123" + GS + "21XYZ",
	]
	# the usual lot label (no serial): both symbols get bars of 2 dots at 203 dpi
	lot_only = to_zpl(full_label(serial=None), ROLL)
	assert [line for line in lot_only.splitlines() if line.startswith("^BY")] == ["^BY2", "^BY2"]


def test_zpl_gs1_128_starts_with_fnc1_in_subset_c_and_separates_variable_fields_with_fnc1():
	zpl = to_zpl(full_label(), WIDE)
	assert "^BCN," in zpl
	data = barcode_field(zpl)
	assert data.startswith(">;>8" + "01" + GTIN + "17261231")
	assert "ABC123>821XYZ" in data  # FNC1 after the variable-length lot (10), before the serial (21)
	assert data.count(">8") == 2 and not data.endswith(">8")
	decoded, _ = decode_code128(data)
	assert decoded == GS + "01" + GTIN + "17261231" + "10ABC123" + GS + "21XYZ"


def test_zpl_gs1_128_numeric_lot_keeps_its_odd_digit_before_the_separator():
	data, _ = element_string(GTIN, lot="45277", serial="123456")
	field, _ = zpl_gs1_128(data)
	assert decode_code128(field)[0] == GS + data.replace(FNC1, GS)
	assert ">8" in field.split("1045")[1]


def test_zpl_ean13_sends_twelve_digits_and_code128_escapes_zpl_characters():
	zpl = to_zpl(LabelData("X", "Eau", ean=EAN), ROLL)
	assert "^BEN," in zpl and barcode_field(zpl) == EAN[:12]
	zpl = to_zpl(LabelData("IT>3", "Vis", lot="L>4^5~"), ROLL)
	assert "^BCN," in zpl and barcode_field(zpl) == ">:L>04><5>="


def test_zpl_escapes_carets_tildes_and_underscores_in_text():
	zpl = to_zpl(full_label(item_name="A^B~C_D", price_text="^9"), ROLL)
	assert "^FH^FDA_5EB_7EC_5FD^FS" in zpl
	assert "^FH^FD_5E9^FS" in zpl
	assert all("^" not in field and "~" not in field for field in fd_fields(zpl))


def test_zpl_text_cannot_break_lines_or_blocks():
	zpl = to_zpl(full_label(item_name="one\ntwo\r\x00three", price_text="1\\&2"), ROLL)
	assert all(line.startswith("^") for line in zpl.split("\n"))
	assert "^FH^FDone two  three^FS" in zpl
	assert "^FH^FD1\\\\&2^FS" in zpl  # ^FB reads \& as a line break, \\ as a backslash


def test_zpl_refuses_a_label_too_small_for_its_barcode():
	with pytest.raises(LabelLayoutError, match="too small"):
		to_zpl(full_label(), LabelTemplate("Roll", 50, 12))
	with pytest.raises(LabelLayoutError, match="wider label"):
		to_zpl(full_label(lot="L" * 20, serial="S" * 20), LabelTemplate("Roll", 30, 30))
	with pytest.raises(LabelLayoutError, match="dots per inch"):
		to_zpl(full_label(), ROLL, dpi=0)


def test_zpl_many_joins_one_block_per_label():
	zpl = to_zpl_many([full_label(), LabelData("ITEM-7", "Vis")], ROLL)
	assert zpl.count("^XA") == zpl.count("^XZ") == 2
	assert zpl.startswith("^XA") and zpl.endswith("^XZ")
	assert to_zpl_many([], ROLL) == ""


# properties

gs1_value = st.one_of(
	st.text(alphabet=GS1_SET, min_size=1, max_size=20),
	st.text(alphabet="0123456789", min_size=1, max_size=20),
)


@settings(max_examples=200)
@given(
	lot=st.none() | gs1_value,
	serial=st.none() | gs1_value,
	expiry=st.none() | st.dates(date(2001, 1, 1), date(2060, 12, 31)),
)
def test_zpl_gs1_128_reads_back_as_the_same_gtin_lot_expiry_and_serial(lot, serial, expiry):
	data, _ = element_string(GTIN, lot, expiry, serial)
	field, symbols = zpl_gs1_128(data)
	assert field.startswith(">;>8")
	decoded, counted = decode_code128(field)
	assert decoded == GS + data.replace(FNC1, GS) and counted == symbols
	scan = parse_scan("]C1" + decoded[1:])
	assert scan.kind == ScanKind.GS1
	assert (scan.gtin, scan.lot, scan.expiry_date, scan.serial) == (GTIN, lot, expiry, serial)


@given(st.text(alphabet=[chr(code) for code in range(32, 127)], min_size=1, max_size=40))
def test_zpl_code128_reads_back_as_the_same_text(text):
	field, symbols = zpl_code128(text)
	assert decode_code128(field) == (text, symbols)


@settings(max_examples=300)
@given(name=st.text(), price=st.none() | st.text(max_size=30), code=st.text(min_size=1, max_size=30))
def test_zpl_never_crashes_and_never_puts_a_raw_caret_or_tilde_in_field_data(name, price, code):
	label = full_label(item_name=name, price_text=price, item_code=code)
	zpl = to_zpl(label, ROLL)
	assert zpl.startswith("^XA") and zpl.endswith("^XZ")
	assert zpl.count("^FD") == zpl.count("^FS") == len(fd_fields(zpl))
	assert all("^" not in field and "~" not in field for field in fd_fields(zpl))
	assert all(line.startswith("^") for line in zpl.split("\n"))
	if name and len(name) <= 20:
		shown = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in name)
		assert unhex(fd_fields(zpl)[0]) == shown


def test_a_gs1_128_too_wide_for_a_narrow_label_is_split_in_two_symbols():
	from dux_trace.core.label_barcodes import choose_barcodes
	from dux_trace.core.zpl import code128_modules

	label = LabelData(
		item_code="DOLI",
		lot="DOL8C52B",
		expiry=date(2027, 12, 27),
		gtin="03400935955838",
	)
	whole = choose_barcodes(label)
	assert [text for _symbology, _data, text in whole] == ["(01)03400935955838(17)271227(10)DOL8C52B"]
	modules = code128_modules(whole[0][1], gs1=True)
	split = choose_barcodes(label, max_modules=modules - 1)
	assert [text for _symbology, _data, text in split] == ["(01)03400935955838(17)271227", "(10)DOL8C52B"]
	assert all(code128_modules(data, gs1=True) < modules for _symbology, data, _text in split)
	# nothing to split off: the one symbol stays
	product_only = LabelData(item_code="DOLI", gtin="03400935955838", expiry=date(2027, 12, 27))
	assert len(choose_barcodes(product_only, max_modules=10)) == 1
