"""Barcodes for labels, drawn as inline SVG (sharp at any print size).

Code128 for codes and serials, EAN-13 for an item's EAN, GS1-128 for a GTIN with lot / expiry /
serial: the element string comes from `element_string` (FNC1 written as python-barcode expects).
python-barcode encodes the linear symbols (`bar_pattern`), zxing-cpp (zint inside) the GS1
DataMatrix a small label uses when two GS1-128 symbols do not fit (`datamatrix_rows`); the SVG
of both is drawn here from their modules, so that its size is exactly what the layout chose.
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
	DATAMATRIX = "datamatrix"
	GS1_DATAMATRIX = "gs1_datamatrix"
	QR = "qr"
	GS1_QR = "gs1_qr"


#: 2D symbologies: drawn square from their modules (`matrix_rows`)
MATRIX_SYMBOLOGIES = ("datamatrix", "gs1_datamatrix", "qr", "gs1_qr")


class BarcodeError(ValueError):
	pass


def element_string(gtin: str, lot: str | None = None, expiry: date | None = None, serial: str | None = None):
	"""(data for GS1-128, human-readable text): fixed-length AIs first, then the lot and serial,
	separated by FNC1 where a variable-length field is followed by another."""
	return gs1_data(gs1_parts(gtin, lot, expiry, serial))


def gs1_parts(
	gtin: str, lot: str | None = None, expiry: date | None = None, serial: str | None = None
) -> list[tuple[str, str]]:
	"""The (AI, value) pairs of a unit, checked: (01) GTIN, (17) expiry, (10) lot, (21) serial."""
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
	return parts


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


def bar_pattern(data: str, symbology: Symbology | str = Symbology.CODE128) -> str:
	"""The modules of a linear symbol, '1' for a bar and '0' for a space, without quiet zones."""
	symbology = Symbology(symbology)
	if symbology not in (Symbology.CODE128, Symbology.EAN13, Symbology.GS1_128):
		raise BarcodeError(f"{symbology.value} is not a linear symbology")
	if symbology == Symbology.EAN13 and not re.fullmatch(r"\d{12,13}", data or ""):
		raise BarcodeError(f"EAN-13 needs 12 or 13 digits: {data!r}")
	try:
		code = barcode.get(symbology.value, data)
		return "".join(code.build())
	except Exception as error:  # python-barcode raises several types for bad input
		raise BarcodeError(str(error))


def bars_svg(pattern: str) -> str:
	"""An <svg> of the bars that fills its box (width and height 100%): one module is the box's
	width divided by the pattern's length, so the box's size sets the module and bar height."""
	rects = [
		f'<rect x="{run.start()}" y="0" width="{run.end() - run.start()}" height="1"/>'
		for run in re.finditer(r"1+", pattern)
	]
	return (
		f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {max(1, len(pattern))} 1" width="100%"'
		f' height="100%" preserveAspectRatio="none" shape-rendering="crispEdges">'
		f'<g fill="#000">{"".join(rects)}</g></svg>'
	)


def gs1_brackets(parts: list[tuple[str, str]]) -> str:
	"""The element string as zint reads GS1 input: `[01]...[10]...` (square brackets are outside
	the GS1 character set, so a lot may hold parentheses)."""
	return "".join(f"[{ai}]{value}" for ai, value in parts)


def datamatrix_rows(data: str, gs1: bool = False) -> list[str]:
	"""The modules of a square ECC 200 Data Matrix, one string of '1' (dark) / '0' per row, without
	the quiet zone. `gs1`: `data` is `gs1_brackets(...)` and the symbol is a GS1 DataMatrix (FNC1
	first, scanners report ]d2)."""
	return matrix_rows(data, "gs1_datamatrix" if gs1 else "datamatrix")


def matrix_rows(data: str, symbology: str) -> list[str]:
	"""The modules of a 2D symbol (`MATRIX_SYMBOLOGIES`), one string of '1' / '0' per row, no quiet
	zone: Data Matrix ECC 200 (square) or QR Code (error correction M), encoded by zxing-cpp (zint).
	The GS1 ones take `gs1_brackets(...)` data and start with FNC1 (scanners report ]d2 / ]Q3)."""
	import zxingcpp

	if symbology not in MATRIX_SYMBOLOGIES:
		raise BarcodeError(f"{symbology} is not a 2D symbology")
	options = {"gs1": True} if symbology.startswith("gs1_") else {}
	try:
		if symbology.endswith("datamatrix"):
			symbol = zxingcpp.create_barcode(
				data, zxingcpp.BarcodeFormat.DataMatrix, force_square=True, **options
			)
		else:
			symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M", **options)
		image = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
	except Exception as error:  # zint reports bad input as a generic error
		raise BarcodeError(str(error))
	raw = image.tobytes()
	height, width = image.shape
	return [
		"".join("1" if raw[row * width + col] < 128 else "0" for col in range(width)) for row in range(height)
	]


def matrix_svg(rows: list[str], quiet_modules: int = 1) -> str:
	"""An <svg> of a 2D symbol that fills its (square) box, quiet zone included."""
	size = len(rows[0]) if rows else 1
	paths = []
	for y, row in enumerate(rows):
		for run in re.finditer(r"1+", row):
			paths.append(f"M{run.start()} {y}h{run.end() - run.start()}v1h-{run.end() - run.start()}Z")
	q = quiet_modules
	return (
		f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-q} {-q} {size + 2 * q} {len(rows) + 2 * q}"'
		f' width="100%" height="100%" shape-rendering="crispEdges"><path fill="#000" d="{"".join(paths)}"/></svg>'
	)
