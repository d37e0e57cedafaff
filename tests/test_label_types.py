"""Label barcode types and template settings (pure): GS1 DataMatrix for medicines and as a type,
QR Code, ZPL ^BX in GS1 mode, type size and bar height, labels without a barcode, the PDF drawn."""

import re
from datetime import date

import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from dux_trace.core.barcodes import matrix_rows
from dux_trace.core.label_barcodes import choose_barcode
from dux_trace.core.label_pdf import PlacedLabel, render
from dux_trace.core.label_sheets import LabelFields, plan_label
from dux_trace.core.label_templates import LabelData, LabelLayoutError, LabelTemplate
from dux_trace.core.label_zpl import to_zpl
from dux_trace.core.zpl import zpl_matrix_data

GTIN = "03400935955838"
A4 = LabelTemplate("A4", 70, 37, rows=8, columns=3)
ROLL = LabelTemplate("Roll", 50, 30)
GS1_SET = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def box(**changes) -> LabelData:
	values = dict(
		item_code="AMOX-1G",
		item_name="Amoxicilline 1 g",
		price_text="32.50 MAD",
		lot="AM2026A",
		expiry=date(2027, 6, 30),
		serial="SN000123",
		gtin=GTIN,
	)
	values.update(changes)
	return LabelData(**values)


def test_a_medicine_with_a_gtin_gets_a_gs1_datamatrix_in_auto_other_items_gs1_128():
	assert choose_barcode(box(medicine=True))[0] == "gs1_datamatrix"
	assert choose_barcode(box(medicine=True))[1] == f"[01]{GTIN}[17]270630[10]AM2026A[21]SN000123"
	assert choose_barcode(box())[0] == "gs1_128"
	assert plan_label(box(medicine=True), A4).symbols[0].symbology == "gs1_datamatrix"


def test_a_gs1_datamatrix_template_needs_a_gtin_and_says_so():
	with pytest.raises(LabelLayoutError, match="GS1 DataMatrix needs a GTIN"):
		choose_barcode(box(gtin=None), "gs1_datamatrix")


def test_a_qr_code_carries_the_gs1_elements_or_the_serial_without_a_gtin():
	assert choose_barcode(box(), "qr")[0] == "gs1_qr"
	assert choose_barcode(box(gtin=None), "qr") == ("qr", "SN000123", "SN000123")
	plan = plan_label(box(), LabelTemplate("Roll", 50, 30, barcode="qr"))
	assert plan.symbols[0].symbology == "gs1_qr"


def image(rows: list[str], quiet: int, scale: int = 8) -> Image.Image:
	size = len(rows) + 2 * quiet
	picture = Image.new("L", (size * scale, size * scale), 255)
	for y, row in enumerate(rows):
		for x, dark in enumerate(row):
			if dark == "1":
				picture.paste(
					0,
					(
						(x + quiet) * scale,
						(y + quiet) * scale,
						(x + quiet + 1) * scale,
						(y + quiet + 1) * scale,
					),
				)
	return picture


@given(
	lot=st.text(GS1_SET, min_size=1, max_size=20),
	serial=st.text(GS1_SET, min_size=1, max_size=20),
)
def test_gs1_datamatrix_and_qr_read_back_as_gs1_with_every_element(lot, serial):
	label = box(lot=lot, serial=serial)
	for symbology, identifier, quiet in (("gs1_datamatrix", "]d2", 1), ("gs1_qr", "]Q3", 4)):
		kind, data, _text = choose_barcode(label, "gs1_datamatrix" if symbology == "gs1_datamatrix" else "qr")
		assert kind == symbology
		found = zxingcpp.read_barcodes(image(matrix_rows(data, symbology), quiet))
		assert len(found) == 1
		assert found[0].symbology_identifier == identifier
		assert found[0].text == f"(01){GTIN}(17)270630(10){lot}(21){serial}"  # zxing-cpp writes GS1 as HRI


def test_zpl_data_matrix_is_written_in_gs1_mode_with_fnc1_escapes():
	data = f"[01]{GTIN}[17]270630[10]A_B^C[21]S~1"
	# FNC1 first and after the lot (variable length, not last); '_' doubled; '^' '~' as hex escapes
	assert zpl_matrix_data(data, "gs1_datamatrix") == f"_101{GTIN}17270630" + "10A__B\\5EC_121S\\7E1"
	zpl = to_zpl(box(medicine=True), ROLL, dpi=203)
	assert re.search(r"\^BXN,\d+,200,,,,_\^FH\\\^FD_101" + GTIN + "1727063010AM2026A_121SN000123\\^FS", zpl)
	assert "(21)SN000123" in zpl and zpl.startswith("^XA") and zpl.endswith("^XZ")
	qr = to_zpl(box(), LabelTemplate("Roll", 50, 30, barcode="qr"))
	assert re.search(r"\^BQN,2,\d+\^FH\\\^FDMA,01" + GTIN, qr)


def test_type_size_and_bar_height_are_the_templates_within_bounds():
	small = plan_label(box(), LabelTemplate("A4", 70, 37, rows=8, columns=3, bar_height_mm=6))
	assert max(block.height_mm for block in small.blocks if block.kind == "bars") <= 6
	large = plan_label(box(serial=None), LabelTemplate("Roll", 100, 60, font_scale=1.5))
	base = plan_label(box(serial=None), LabelTemplate("Roll", 100, 60))
	name = lambda plan: next(block for block in plan.blocks if block.kind == "name")  # noqa: E731
	assert name(large).font_pt == pytest.approx(name(base).font_pt * 1.5)
	with pytest.raises(LabelLayoutError, match="Font size must be between"):
		LabelTemplate("Roll", 50, 30, font_scale=3).validate()
	with pytest.raises(LabelLayoutError, match="Barcode height must be between"):
		LabelTemplate("Roll", 50, 30, bar_height_mm=1).validate()


def test_a_label_without_barcode_shows_only_its_lines_and_the_short_name_and_dot_when_asked():
	fields = LabelFields(barcode=False, short_name=True)
	plan = plan_label(box(short_name="Amox 1g", dot="2423"), ROLL, fields)
	assert not plan.symbols
	assert [block.kind for block in plan.blocks] == ["name", "short", "code", "price", "lot", "dot", "serial"]


def test_the_pdf_draws_each_distinct_label_once_and_one_page_per_roll_label():
	plan = plan_label(box(), ROLL)
	same = [PlacedLabel(0, 0, box(), plan, key=("same",)) for _ in range(50)]
	pdf = render([[placed] for placed in same], (50, 30))
	assert pdf.startswith(b"%PDF")
	assert b"/Count 50" in pdf
	assert len(set(re.findall(rb"/FormXob\.\w+ (\d+) 0 R", pdf))) == 1  # one drawing, reused
