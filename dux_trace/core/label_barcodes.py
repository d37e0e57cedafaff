"""Barcode choice: which symbol(s) a label carries, made from its data with the check digits
verified, and the smallest a printed symbol may be and still scan (both outputs keep to it).

"auto": GS1-128 when the item has a GTIN (it carries lot, expiry and serial), else EAN-13 when the
item has an EAN and there is no lot or serial to carry, else Code128 of the serial, the lot or the
item code, in that order; a GS1 DataMatrix for a medicine with a GTIN. A GS1-128 too wide for its
label is split in two symbols, (01)(17) and (10)(21), as GS1 allows (`choose_barcodes`).
"""

from __future__ import annotations

import re

from dux_trace.core.barcodes import BarcodeError, element_string, gs1_brackets, gs1_data, gs1_parts
from dux_trace.core.label_templates import BARCODES, LabelData, LabelLayoutError
from dux_trace.core.zpl import code128_modules

#: modules are whole dots of a 300 dpi printer (so whole pixels at 300 and 600 dpi): a module of
#: 2.4 dots prints as bars of 2 and 3 dots, and such symbols were seen not to read back at 300 dpi
DOT_MM = 25.4 / 300
#: narrowest bar of a linear symbol on a sheet (2 dots, 0.169 mm: GS1's minimum X for GS1-128
#: in healthcare is 0.170 mm): GS1-128 data that needs thinner bars is split
MIN_MODULE_MM = 2 * DOT_MM
#: GS1 DataMatrix: module of 0.25 mm at least (GS1 General Specifications, 2D symbols at POS):
#: 3 dots, 0.254 mm
MIN_MATRIX_MODULE_MM = 3 * DOT_MM
MIN_BAR_HEIGHT_MM = 5.0
MIN_SPLIT_BAR_HEIGHT_MM = 3.0  # each of two stacked GS1-128 symbols
MATRIX_QUIET_MODULES = 1
MATRIX_TEXT_GAP_MM = 1.0  # between a 2D symbol and its human-readable lines


def gs1_check_digit_ok(digits: str) -> bool:
	"""True when the last digit is the GS1 (mod 10) check digit of the others (EAN-13, GTIN-14)."""
	if not re.fullmatch(r"\d{2,18}", digits or ""):
		return False
	body = digits[:-1]
	total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
	return (10 - total % 10) % 10 == int(digits[-1])


def choose_barcode(label: LabelData, preferred: str = "auto") -> tuple[str, str, str]:
	"""(symbology, data, human-readable text). GS1-128 data carries FNC1 as `barcodes.FNC1`.
	Raises LabelLayoutError when the preferred symbology cannot be made from the label's data."""
	preferred = getattr(preferred, "value", preferred)  # barcodes.Symbology is accepted too
	if preferred not in BARCODES:
		raise LabelLayoutError(f"Barcode must be one of {', '.join(BARCODES)}, not {preferred!r}.")
	gtin = (label.gtin or "").strip()
	ean = (label.ean or "").strip()
	if preferred == "gs1_datamatrix" or (preferred == "auto" and gtin and label.medicine):
		return _gs1_matrix(label, gtin, "gs1_datamatrix")
	if preferred == "qr":
		return _gs1_matrix(label, gtin, "gs1_qr") if gtin else ("qr", *_code128(label)[1:])
	if preferred == "gs1_128" or (preferred == "auto" and gtin):
		return _gs1_128(label, gtin)
	if preferred == "ean13" or (preferred == "auto" and ean and not label.lot and not label.serial):
		return _ean13(label, ean)
	return _code128(label)


def _check_code(label: LabelData, code: str, symbology: str, kind: str, digits: int) -> None:
	"""The item's GTIN or EAN for a symbology: present, `digits` digits, a right check digit."""
	if not code:
		raise LabelLayoutError(
			f"{symbology} needs a{'n' if kind[0] in 'AEIOU' else ''} {kind} ({digits} digits) and item {label.item_code} has none."
		)
	if not re.fullmatch(rf"\d{{{digits}}}", code):
		raise LabelLayoutError(f"{kind} of item {label.item_code} must have {digits} digits, not {code!r}.")
	if not gs1_check_digit_ok(code):
		raise LabelLayoutError(f"{kind} {code} of item {label.item_code} has a wrong check digit.")


def _gs1_128(label: LabelData, gtin: str) -> tuple[str, str, str]:
	_check_code(label, gtin, "GS1-128", "GTIN", 14)
	try:
		data, text = element_string(gtin, label.lot or None, label.expiry, label.serial or None)
	except BarcodeError as error:
		raise LabelLayoutError(f"GS1-128 for item {label.item_code}: {error}")
	return "gs1_128", data, text


def _gs1_matrix(label: LabelData, gtin: str, symbology: str) -> tuple[str, str, str]:
	"""A GS1 DataMatrix / GS1 QR: (01) GTIN, (17) expiry, (10) lot, (21) serial, data as zint reads
	it (`[01]...[17]...`), FNC1 first and between variable-length fields (added by the encoder)."""
	if not gtin:
		name = "GS1 DataMatrix" if symbology == "gs1_datamatrix" else "GS1 QR Code"
		raise LabelLayoutError(f"{name} needs a GTIN (14 digits) and item {label.item_code} has none.")
	_symbology, _data, text = _gs1_128(label, gtin)  # the same checks and human-readable text
	parts = gs1_parts(gtin, label.lot or None, label.expiry, label.serial or None)
	return symbology, gs1_brackets(parts), text


def _ean13(label: LabelData, ean: str) -> tuple[str, str, str]:
	_check_code(label, ean, "EAN-13", "EAN", 13)
	return "ean13", ean, ean


def _code128(label: LabelData) -> tuple[str, str, str]:
	for what, value in (("Serial", label.serial), ("Lot", label.lot), ("Item code", label.item_code)):
		if value:
			if not all(" " <= char <= "~" for char in value):
				raise LabelLayoutError(
					f"{what} {value!r} cannot be written in Code128: only printable ASCII characters can."
				)
			return "code128", value, value
	raise LabelLayoutError("Code128 needs a serial, a lot or an item code and the label has none.")


def choose_barcodes(
	label: LabelData, preferred: str = "auto", max_modules: int | None = None
) -> list[tuple[str, str, str]]:
	"""`choose_barcode`, with a GS1-128 wider than `max_modules` split in two symbols, as GS1 allows:
	(01) GTIN with (17) expiry, then (10) lot with (21) serial. A narrow label keeps bars a scanner
	can read instead of squeezing one long symbol."""
	symbology, data, text = choose_barcode(label, preferred)
	if symbology != "gs1_128" or max_modules is None or code128_modules(data, gs1=True) <= max_modules:
		return [(symbology, data, text)]
	product = [("01", label.gtin.strip())]
	if label.expiry:
		product.append(("17", label.expiry.strftime("%y%m%d")))
	unit = [(ai, value) for ai, value in (("10", label.lot), ("21", label.serial)) if value]
	if not unit:
		return [(symbology, data, text)]
	return [("gs1_128", *gs1_data(product)), ("gs1_128", *gs1_data(unit))]


def matrix_quiet_modules(symbology: str) -> int:
	"""Quiet zone of a 2D symbol, in modules, each side: 1 for Data Matrix, 4 for QR Code (ISO/IEC
	18004)."""
	return 4 if symbology.endswith("qr") else MATRIX_QUIET_MODULES
