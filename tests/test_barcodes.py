"""Label barcodes (pure): SVG from python-barcode, GS1-128 element strings."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from dux_trace.core.barcodes import FNC1, BarcodeError, Symbology, element_string, render_svg


def bars(svg: str) -> int:
	return sum(1 for el in ET.fromstring(svg).iter() if el.tag.endswith("rect"))


def test_gs1_128_element_string_orders_fixed_fields_first_and_separates_variable_ones():
	data, text = element_string("09506000134352", lot="ABC123", expiry=date(2026, 12, 31), serial="XYZ")
	assert data == "0109506000134352" + "17261231" + "10ABC123" + FNC1 + "21XYZ"
	assert text == "(01)09506000134352(17)261231(10)ABC123(21)XYZ"


def test_a_lot_outside_the_gs1_character_set_is_refused():
	with pytest.raises(BarcodeError):
		element_string("09506000134352", lot="LOT ÉTÉ")


@pytest.mark.parametrize(
	"data, symbology",
	[
		("SN-X7890-Z", Symbology.CODE128),
		("4006381333931", Symbology.EAN13),
		("9780201379624", Symbology.EAN13),
	],
)
def test_svg_barcodes_are_well_formed_and_have_bars(data, symbology):
	svg = render_svg(data, symbology)
	assert svg.startswith("<svg") and bars(svg) > 20


def test_gs1_128_svg_shows_the_human_readable_text():
	data, text = element_string("09506000134352", lot="L452", expiry=date(2027, 6, 30))
	svg = render_svg(data, Symbology.GS1_128, text=text)
	assert "(10)L452" in svg and bars(svg) > 30


def test_ean13_with_a_wrong_check_digit_is_refused():
	with pytest.raises(BarcodeError):
		render_svg("4006381333932", Symbology.EAN13)
	with pytest.raises(BarcodeError):
		render_svg("ABC", Symbology.EAN13)
