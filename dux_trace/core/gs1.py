"""What a scanner read: a GS1 code (GTIN, lot, expiry, serial), a plain GTIN / EAN, or plain text.

Parsing is biip's (GS1-128 and DataMatrix element strings with or without symbology identifier and
FNC1/GS separators, GS1 Digital Link URLs, the human-readable "(01)...(17)..." form); this module
only decides which reading applies and turns it into one result, or one clear error — never a
half-filled result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from biip import ParseError
from biip import parse as biip_parse
from biip.gs1_messages import GS1Message

GS = "\x1d"
_DIGITS = re.compile(r"^\d+$")
_GTIN_LENGTHS = (8, 12, 13, 14)
_GTIN_AI = re.compile(r"^0[12]\d{14}.")
#: longer than any code a scanner reads (a GS1 DataMatrix holds at most 2,335 characters; a Digital
#: Link URL stays well under it): anything longer is refused before it is parsed or looked up
MAX_SCAN_LENGTH = 2400


class ScanKind(str, Enum):
	GS1 = "GS1"
	GTIN = "GTIN"
	PLAIN = "Plain"


class Gs1ErrorCode(str, Enum):
	EMPTY = "Empty"
	MALFORMED = "Malformed"
	BAD_CHECK_DIGIT = "Bad Check Digit"
	TOO_LONG = "Too Long"


class Gs1Error(ValueError):
	def __init__(self, code: Gs1ErrorCode, detail: str = ""):
		super().__init__(f"{code.value}: {detail}")
		self.code = code
		self.detail = detail


@dataclass(frozen=True)
class ScanResult:
	kind: ScanKind
	raw: str
	gtin: str | None = None  # always 14 digits
	lot: str | None = None
	expiry_date: date | None = None
	manufacturing_date: date | None = None
	serial: str | None = None
	quantity: int | None = None
	elements: dict[str, str] = field(default_factory=dict)


def parse_scan(text: str, *, allow_plain: bool = True) -> ScanResult:
	"""Read one scan. Raises Gs1Error for an empty scan, a GS1-looking code that does not parse,
	a GTIN with a wrong check digit, or (with allow_plain=False) anything that is not GS1/GTIN."""
	if text is not None and not isinstance(text, str):
		raise Gs1Error(Gs1ErrorCode.MALFORMED, type(text).__name__)
	if text and len(text) > MAX_SCAN_LENGTH:
		raise Gs1Error(Gs1ErrorCode.TOO_LONG, str(len(text)))
	value = (text or "").strip(" \t\r\n")
	if not value:
		raise Gs1Error(Gs1ErrorCode.EMPTY)

	if value.lower().startswith(("http://", "https://")):
		result = _read(value)
		if result.gs1_digital_link_uri is None:
			raise Gs1Error(Gs1ErrorCode.MALFORMED, result.gs1_digital_link_uri_error or value)
		return _from_elements(value, result.gs1_digital_link_uri.element_strings)

	if value.startswith("("):
		try:
			message = GS1Message.parse_hri(value)
		except ParseError as error:
			raise Gs1Error(Gs1ErrorCode.MALFORMED, str(error))
		return _from_elements(value, message.element_strings)

	body = value[3:] if value.startswith("]") else value
	if (
		_DIGITS.match(body)
		and len(body) in _GTIN_LENGTHS
		and not value.startswith(("]C1", "]d2", "]Q3", "]e0"))
	):
		result = _read(body)
		if result.gtin is None:
			code = (
				Gs1ErrorCode.BAD_CHECK_DIGIT
				if "check digit" in (result.gtin_error or "")
				else Gs1ErrorCode.MALFORMED
			)
			raise Gs1Error(code, result.gtin_error or body)
		return ScanResult(ScanKind.GTIN, value, gtin=result.gtin.as_gtin_14())

	# a symbology identifier, an FNC1/GS separator, or a GTIN element string followed by more
	looks_gs1 = (
		value.startswith(("]C1", "]d2", "]Q3", "]e0", GS)) or GS in value or bool(_GTIN_AI.match(value))
	)
	if looks_gs1:
		result = _read(value)
		if result.gs1_message is None:
			raise Gs1Error(Gs1ErrorCode.MALFORMED, result.gs1_message_error or value)
		return _from_elements(value, result.gs1_message.element_strings)

	if not allow_plain:
		raise Gs1Error(Gs1ErrorCode.MALFORMED, value)
	return ScanResult(ScanKind.PLAIN, value)


def _read(value: str):
	"""biip's reading; biip reports most problems in its result, but raises for some (a "]" that
	starts no known symbology identifier, for one)."""
	try:
		return biip_parse(value)
	except ParseError as error:
		raise Gs1Error(Gs1ErrorCode.MALFORMED, str(error))


def _from_elements(raw: str, element_strings) -> ScanResult:
	found: dict = {"elements": {}}
	for element in element_strings:
		ai = element.ai.ai
		found["elements"][ai] = element.value
		if ai in ("01", "02"):
			if element.gtin is None:
				raise Gs1Error(Gs1ErrorCode.BAD_CHECK_DIGIT, element.gtin_error or element.value)
			found["gtin"] = element.gtin.as_gtin_14()
		elif ai == "10":
			found["lot"] = element.value
		elif ai == "17":
			found["expiry_date"] = element.date
		elif ai == "11":
			found["manufacturing_date"] = element.date
		elif ai == "21":
			found["serial"] = element.value
		elif ai in ("30", "37"):
			if not element.value.isdigit():
				raise Gs1Error(Gs1ErrorCode.MALFORMED, f"({ai}) {element.value!r}")
			found["quantity"] = int(element.value)
	return ScanResult(ScanKind.GS1, raw, **found)


def gtin_candidates(gtin14: str) -> list[str]:
	"""The forms an Item Barcode may hold for this GTIN: GTIN-14, then without leading zeros as
	EAN-13, UPC-A (12) and EAN-8."""
	candidates = [gtin14]
	for length in (13, 12, 8):
		if gtin14[: 14 - length].strip("0") == "":
			candidates.append(gtin14[14 - length :])
	return candidates
