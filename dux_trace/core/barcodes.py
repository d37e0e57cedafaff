"""Barcodes for labels, drawn by python-barcode as inline SVG (sharp at any print size).

Code128 for codes and serials, EAN-13 for an item's EAN, GS1-128 for a GTIN with lot / expiry /
serial: the element string comes from `element_string` (FNC1 written as python-barcode expects).
"""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from io import BytesIO

import barcode
from barcode.writer import SVGWriter

FNC1 = "\xf1"  # python-barcode's FNC1 (GS1-128 separator)
_GS1_CHARSET = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")


class Symbology(str, Enum):
	CODE128 = "code128"
	EAN13 = "ean13"
	GS1_128 = "gs1_128"


class BarcodeError(ValueError):
	pass


def element_string(gtin: str, lot: str | None = None, expiry: date | None = None, serial: str | None = None):
	"""(data for GS1-128, human-readable text): fixed-length AIs first, then the lot and serial,
	separated by FNC1 where a variable-length field is followed by another."""
	if not re.fullmatch(r"\d{14}", gtin or ""):
		raise BarcodeError(f"GTIN must have 14 digits: {gtin!r}")
	parts = [("01", gtin)]
	if expiry:
		parts.append(("17", expiry.strftime("%y%m%d")))
	for ai, value in (("10", lot), ("21", serial)):
		if value:
			if not _GS1_CHARSET.match(value):
				raise BarcodeError(f"({ai}) {value!r} is not a GS1 value (20 characters of GS1 set 82)")
			parts.append((ai, value))
	return gs1_data(parts)


VARIABLE_LENGTH_AIS = ("10", "21")


def gs1_data(parts: list[tuple[str, str]]) -> tuple[str, str]:
	"""(data for GS1-128, human-readable text) of (AI, value) pairs already checked, in order: FNC1
	after a variable-length field that is not the last."""
	data = ""
	for index, (ai, value) in enumerate(parts):
		data += ai + value
		if ai in VARIABLE_LENGTH_AIS and index < len(parts) - 1:
			data += FNC1
	return data, "".join(f"({ai}){value}" for ai, value in parts)


def render_svg(
	data: str,
	symbology: Symbology | str = Symbology.CODE128,
	*,
	text: str | None = None,
	module_height_mm: float = 10.0,
	show_text: bool = True,
	fit: bool = False,
) -> str:
	"""A standalone <svg> element for inlining into a label."""
	symbology = Symbology(symbology)
	if symbology == Symbology.EAN13 and not re.fullmatch(r"\d{12,13}", data or ""):
		raise BarcodeError(f"EAN-13 needs 12 or 13 digits: {data!r}")
	try:
		code = barcode.get(symbology.value, data, writer=SVGWriter())
	except Exception as error:  # python-barcode raises several types for bad input
		raise BarcodeError(str(error))
	if symbology == Symbology.EAN13 and len(data) == 13 and code.get_fullcode() != data:
		raise BarcodeError(f"EAN-13 check digit is wrong: {data!r} (expected {code.get_fullcode()})")
	out = BytesIO()
	options = {"module_height": module_height_mm, "write_text": show_text, "quiet_zone": 2.0}
	code.write(out, options=options, text=text if text is not None else None)
	svg = out.getvalue().decode("utf-8")
	svg = svg[svg.index("<svg") :]
	return scalable(svg) if fit else svg


_SIZE = re.compile(r'<svg([^>]*?) width="([\d.]+)mm" height="([\d.]+)mm"')
PX_PER_MM = 96 / 25.4


def scalable(svg: str) -> str:
	"""The same drawing with a viewBox and width 100%: it fills the width of its box and keeps its
	proportions (python-barcode writes a fixed size in mm)."""
	match = _SIZE.search(svg)
	if not match:
		return svg
	width, height = float(match.group(2)) * PX_PER_MM, float(match.group(3)) * PX_PER_MM
	return svg.replace(
		match.group(0),
		f'<svg{match.group(1)} viewBox="0 0 {width:.3f} {height:.3f}" width="100%" '
		f'preserveAspectRatio="xMinYMin meet"',
		1,
	)
