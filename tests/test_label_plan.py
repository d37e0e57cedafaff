"""Labels on sheets and rolls (pure): every strip of a label has a fixed height and the strips fit
the label; the barcodes chosen carry the whole GS1 element string; prices print in a glyph the
label fonts have."""

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dux_trace.core.barcodes import (
	FNC1,
	bar_pattern,
	datamatrix_rows,
	element_string,
	gs1_brackets,
	gs1_parts,
)
from dux_trace.core.label_barcodes import MIN_MATRIX_MODULE_MM, MIN_MODULE_MM
from dux_trace.core.label_sheets import LabelFields, plan_label
from dux_trace.core.label_templates import EPSILON, LabelData, LabelLayoutError, LabelTemplate, price_text

A4 = LabelTemplate("A4", 70, 37, rows=8, columns=3, margin_top_mm=0.5)  # installed: 24 a sheet
ROLL = LabelTemplate("Roll", 50, 30)  # installed, without the item code line
ROLL_FIELDS = LabelFields(item_code=False)
GTIN = "03400935955838"
GS1_SET = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def doliprane(**changes) -> LabelData:
	values = dict(
		item_code="DOLI-1000",
		item_name="Doliprane 1000 mg comprimés boîte de 8",
		price_text="25.00 MAD",
		lot="DOL8C52B",
		expiry=date(2027, 12, 27),
		gtin=GTIN,
	)
	values.update(changes)
	return LabelData(**values)


def elements_of(data: str) -> list[tuple[str, str]]:
	"""(AI, value) of GS1-128 data: (01) 14 digits, (17) 6, (10) and (21) up to FNC1 or the end."""
	found, index = [], 0
	while index < len(data):
		ai, index = data[index : index + 2], index + 2
		if ai in ("01", "17"):
			size = 14 if ai == "01" else 6
			found.append((ai, data[index : index + size]))
			index += size
		else:
			end = data.find(FNC1, index)
			end = len(data) if end < 0 else end
			found.append((ai, data[index:end]))
			index = end + 1
	return found


def carried(plan) -> dict[str, str]:
	"""The GS1 elements the label's symbols carry, read from their data."""
	elements = {}
	for symbol in plan.symbols:
		if symbol.symbology == "gs1_datamatrix":
			found = re.findall(r"\[(\d{2})\]([^\[]*)", symbol.data)
		elif symbol.symbology == "gs1_128":
			found = elements_of(symbol.data)
		else:
			found = []
		for ai, value in found:
			assert ai not in elements, f"({ai}) in two symbols"
			elements[ai] = value
	return elements


def assert_fits(plan) -> None:
	assert plan.content_height_mm <= plan.inner_height_mm + EPSILON
	assert all(block.height_mm >= 0 for block in plan.blocks)
	for symbol in plan.symbols:
		assert symbol.width_mm <= plan.inner_width_mm + EPSILON
		if symbol.kind == "bars":
			assert symbol.module_mm >= MIN_MODULE_MM - EPSILON
			assert symbol.width_mm == pytest.approx(symbol.module_mm * len(symbol.modules[0]), abs=0.001)
		else:
			assert symbol.module_mm >= MIN_MATRIX_MODULE_MM - EPSILON
			assert symbol.height_mm >= symbol.width_mm - EPSILON


# what the installed templates print


def test_a_short_lot_is_one_gs1_128_symbol_on_the_a4_label():
	plan = plan_label(doliprane(), A4)
	assert [(s.symbology, s.text) for s in plan.symbols] == [
		("gs1_128", "(01)03400935955838(17)271227(10)DOL8C52B")
	]
	assert_fits(plan)


def test_a_lot_too_long_for_one_symbol_is_split_in_two_that_fit_the_cell():
	plan = plan_label(doliprane(lot="LOT-2025-00A2E-XYZ"), A4)
	assert [s.text for s in plan.symbols] == ["(01)03400935955838(17)271227", "(10)LOT-2025-00A2E-XYZ"]
	assert_fits(plan)
	# the 37 mm cell keeps every line: two lines of name, code, price, lot
	assert [block.kind for block in plan.blocks if block.kind not in ("gap", "bars", "hri")] == [
		"name",
		"code",
		"price",
		"lot",
	]


def test_lot_and_serial_too_long_for_two_gs1_128_symbols_give_one_gs1_datamatrix():
	label = doliprane(lot="LOT-2025-ABCDEFGHIJ", serial="SN-00-ABCDEFGHIJKLMN")
	for template, fields in ((A4, LabelFields()), (ROLL, ROLL_FIELDS)):
		plan = plan_label(label, template, fields)
		[symbol] = plan.symbols
		assert symbol.symbology == "gs1_datamatrix"
		assert symbol.hri == (
			"(01)03400935955838",
			"(17)271227",
			"(10)LOT-2025-ABCDEFGHIJ",
			"(21)SN-00-ABCDEFGHIJKLMN",
		)
		assert_fits(plan)


def test_a_template_that_asks_for_gs1_128_gets_it_or_a_clear_refusal():
	label = doliprane(lot="LOT-2025-ABCDEFGHIJ", serial="SN-00-ABCDEFGHIJKLMN")
	gs1_roll = LabelTemplate("Roll", 50, 30, barcode="gs1_128")
	with pytest.raises(LabelLayoutError, match="too small"):
		plan_label(label, gs1_roll, ROLL_FIELDS)
	assert {s.symbology for s in plan_label(doliprane(), gs1_roll, ROLL_FIELDS).symbols} == {"gs1_128"}


def test_a_label_too_small_for_any_barcode_is_refused():
	with pytest.raises(LabelLayoutError, match="20 x 8 mm label is too small"):
		plan_label(doliprane(), LabelTemplate("Roll", 20, 8))


def test_a_code_too_long_for_code128_on_a_roll_becomes_a_datamatrix_in_auto_only():
	label = LabelData("VIS-M8-INOX-A4-LONGUE-REFERENCE-X", "Vis inox")
	assert [s.symbology for s in plan_label(label, ROLL, ROLL_FIELDS).symbols] == ["datamatrix"]
	with pytest.raises(LabelLayoutError):
		plan_label(label, LabelTemplate("Roll", 50, 30, barcode="code128"), ROLL_FIELDS)


lots = st.text(alphabet=GS1_SET, min_size=1, max_size=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
	lot=st.none() | lots,
	serial=st.none() | lots,
	expiry=st.none() | st.dates(date(2000, 1, 1), date(2099, 12, 31)),
	name=st.text(max_size=80),
	price=st.none() | st.text(max_size=20),
)
def test_the_installed_templates_carry_every_gs1_element_of_every_label(lot, serial, expiry, name, price):
	label = doliprane(lot=lot, serial=serial, expiry=expiry, item_name=name, price_text=price)
	expected = dict(gs1_parts(GTIN, lot, expiry, serial))
	for template, fields in ((A4, LabelFields()), (ROLL, ROLL_FIELDS)):
		plan = plan_label(label, template, fields)
		assert_fits(plan)
		assert carried(plan) == expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
	page=st.sampled_from(["A4", "Roll"]),
	width=st.floats(5, 210),
	height=st.floats(5, 297),
	barcode=st.sampled_from(["auto", "code128", "ean13", "gs1_128"]),
	fields=st.builds(LabelFields, *(st.booleans() for _ in range(6))),
	lot=st.none() | lots,
	serial=st.none() | lots,
	gtin=st.sampled_from([None, GTIN]),
	ean=st.sampled_from([None, "4006381333931"]),
	name=st.text(max_size=60),
	code=st.text(alphabet=[chr(c) for c in range(32, 127)], min_size=1, max_size=40),
)
def test_content_is_never_taller_than_its_cell_for_any_template_that_validates(
	page, width, height, barcode, fields, lot, serial, gtin, ean, name, code
):
	template = LabelTemplate(page, width, height, barcode=barcode)
	try:
		template.validate()
	except LabelLayoutError:
		return
	label = LabelData(code, name, "9.99 MAD", lot, date(2030, 1, 31), serial, gtin, ean)
	try:
		plan = plan_label(label, template, fields)
	except LabelLayoutError as error:
		assert "too small" in str(error) or "cannot be written" in str(error)
		return
	assert_fits(plan)
	if gtin and barcode in ("auto", "gs1_128"):
		assert carried(plan) == dict(gs1_parts(gtin, lot, label.expiry, serial))


# the symbols themselves: what python-barcode and zxing-cpp drew reads back


def _image(rows: list[str], scale: int = 6, quiet: int = 10):
	from PIL import Image

	width, height = len(rows[0]) + 2 * quiet, len(rows) + 2 * quiet
	image = Image.new("L", (width * scale, height * scale), 255)
	for y, row in enumerate(rows):
		for x, module in enumerate(row):
			if module == "1":
				image.paste(
					0,
					(
						(x + quiet) * scale,
						(y + quiet) * scale,
						(x + quiet + 1) * scale,
						(y + quiet + 1) * scale,
					),
				)
	return image


def test_the_gs1_datamatrix_modules_read_back_as_a_gs1_symbol_with_the_same_elements():
	import zxingcpp

	parts = gs1_parts(GTIN, "AB(C)12", date(2027, 12, 27), "SN-0042")
	rows = datamatrix_rows(gs1_brackets(parts), gs1=True)
	assert len(rows) == len(rows[0])  # square ECC 200, not a DMRE rectangle
	[result] = zxingcpp.read_barcodes(_image(rows, quiet=2))
	assert result.symbology_identifier == "]d2"
	assert result.text == "(01)03400935955838(17)271227(10)AB(C)12(21)SN-0042"


def test_the_gs1_128_modules_read_back_with_fnc1():
	import zxingcpp

	data, text = element_string(GTIN, "DOL8C52B", date(2027, 12, 27), "X1")
	[result] = zxingcpp.read_barcodes(_image([bar_pattern(data, "gs1_128")] * 30, scale=3))
	assert result.symbology_identifier == "]C1"
	assert result.text == text


# prices


@pytest.mark.parametrize(
	"number, currency, symbol, right, expected",
	[
		("25.00", "MAD", "د.م.", False, "25.00 MAD"),  # Arabic: the ISO code
		("25,000", "TND", "د.ت", False, "25,000 TND"),
		("25.00", "EUR", "€", False, "€ 25.00"),
		("25,00", "EUR", "€", True, "25,00 €"),
		("25.00", "USD", "$", False, "$ 25.00"),
		("25.00", "XYZ", None, False, "25.00 XYZ"),
	],
)
def test_a_price_prints_with_a_symbol_the_label_fonts_have_else_the_currency_code(
	number, currency, symbol, right, expected
):
	assert price_text(number, currency, symbol, right) == expected
