"""GS1 EPCIS 2.0 events (JSON-LD) for the movements of lots and serials.

The app reads its movements (receipts, deliveries, returns, scrap, manufacture and repack) into the
plain records below; this module turns them into one `EPCISDocument`, as the EPCIS 2.0 standard and
its Core Business Vocabulary (CBV 2.0) describe it:

=====================  ===========  ===================  =========  ==========================
movement               event        bizStep              action     disposition
=====================  ===========  ===================  =========  ==========================
receipt                Object       receiving            OBSERVE    in_progress
delivery               Object       shipping             OBSERVE    in_transit
customer return        Object       receiving            OBSERVE    returned
return to supplier     Object       shipping             OBSERVE    returned
scrap, material issue  Object       destroying           DELETE     destroyed
count loss             Object       cycle_counting       DELETE     unknown
count gain             Object       cycle_counting       ADD        active
transfer out           Object       departing            OBSERVE    in_transit
transfer in            Object       arriving             OBSERVE    in_progress
manufacture            Transform.   creating_class_inst.            active
repack                 Transform.   repackaging                     active
=====================  ===========  ===================  =========  ==========================

Identifiers are GS1 Digital Link URIs, which need no GS1 company-prefix length (ERPNext does not
store it; EPC URNs would): a lot is the class `https://id.gs1.org/01/<GTIN-14>/10/<lot>` in a
`quantityList`, a serial the instance `https://id.gs1.org/01/<GTIN-14>/21/<serial>` in an
`epcList`, a warehouse the location `https://id.gs1.org/414/<GLN>` (readPoint, bizLocation), a
company, supplier or customer the party `https://id.gs1.org/417/<GLN>` (sourceList and
destinationList, type owning_party). A manufactured or repacked lot's expiry goes into the
event's instance master data (`ilmd`, `cbvmda:itemExpirationDate`); outputs with different expiries
are one event each, linked by a `transformationID` (inputs on the first); a transformation whose
outputs are not traced (no lot, no serial) is one event with its inputs only.

Nothing is dropped: `problems()` names every item without a GTIN, place or party without a GLN,
bad check digit, lot or serial outside GS1's character set and unit that is not a UN/CEFACT code;
`epcis_document()` refuses to build a document while there is one.

Each event's `eventID` is its CBV 2.0 event hash (`ni:///sha-256;<hex>?ver=CBV2.0`), computed here
from the event's canonical pre-hash string as GS1 Germany's reference implementation
(`epcis-event-hash-generator`) computes it for the events this module writes; the tests prove the
two equal. The reference implementation itself is not used at run time: it expands each document
through JSON-LD (PyLD), about 4 ms an event, and a month's export holds 50,000.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum
from urllib.parse import quote

from dux_trace.core.label_barcodes import gs1_check_digit_ok

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SCHEMA_VERSION = "2.0"
DIGITAL_LINK = "https://id.gs1.org"
CBV = "https://ref.gs1.org/cbv/"

#: GS1's AI encodable character set 82: what a lot (AI 10) or serial (AI 21) may hold
GS1_CHARACTERS = frozenset(
	"!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
#: AI 10 and AI 21 hold at most 20 characters
GS1_MAX_LENGTH = 20

#: ERPNext's stock units (as its fixtures name them, and their usual French forms) and their
#: UN/CEFACT Recommendation 20 codes; None for a count of trade items, which EPCIS writes as a
#: quantity without unit
UNIT_CODES: dict[str, str | None] = {
	"nos": None,
	"unit": None,
	"unité": None,
	"unite": None,
	"each": None,
	"pcs": None,
	"piece": None,
	"pièce": None,
	"kg": "KGM",
	"kilogram": "KGM",
	"kilogramme": "KGM",
	"gram": "GRM",
	"gramme": "GRM",
	"g": "GRM",
	"milligram": "MGM",
	"tonne": "TNE",
	"litre": "LTR",
	"liter": "LTR",
	"l": "LTR",
	"millilitre": "MLT",
	"milliliter": "MLT",
	"ml": "MLT",
	"meter": "MTR",
	"metre": "MTR",
	"m": "MTR",
	"centimeter": "CMT",
	"centimetre": "CMT",
	"square meter": "MTK",
	"cubic meter": "MTQ",
	"box": "BX",
	"pair": "PR",
}
_UNIT_CODE = re.compile(r"^[A-Z0-9]{2,3}$")


class Movement(str, Enum):
	RECEIPT = "receipt"
	DELIVERY = "delivery"
	CUSTOMER_RETURN = "customer return"
	SUPPLIER_RETURN = "return to supplier"
	SCRAP = "scrap"
	COUNT_LOSS = "count loss"  # a stock count found less than the books
	COUNT_GAIN = "count gain"  # ... or more
	TRANSFER_OUT = "transfer out"  # between the company's own warehouses
	TRANSFER_IN = "transfer in"


class Transform(str, Enum):
	MANUFACTURE = "manufacture"
	REPACK = "repack"


class DocumentType(str, Enum):
	"""CBV business transaction types the app's documents are."""

	PURCHASE_ORDER = "po"  # Purchase Order
	DESPATCH_ADVICE = "desadv"  # Delivery Note
	INVOICE = "inv"  # Sales or Purchase Invoice
	RECEIVING_ADVICE = "recadv"  # Purchase Receipt
	PRODUCTION_ORDER = "prodorder"  # Work Order
	RETURN_AUTHORIZATION = "rma"  # a return's reference


#: (event type, bizStep, action, disposition) per movement
_OBJECT_EVENTS = {
	Movement.RECEIPT: ("receiving", "OBSERVE", "in_progress"),
	Movement.DELIVERY: ("shipping", "OBSERVE", "in_transit"),
	Movement.CUSTOMER_RETURN: ("receiving", "OBSERVE", "returned"),
	Movement.SUPPLIER_RETURN: ("shipping", "OBSERVE", "returned"),
	Movement.SCRAP: ("destroying", "DELETE", "destroyed"),
	Movement.COUNT_LOSS: ("cycle_counting", "DELETE", "unknown"),
	Movement.COUNT_GAIN: ("cycle_counting", "ADD", "active"),
	Movement.TRANSFER_OUT: ("departing", "OBSERVE", "in_transit"),
	Movement.TRANSFER_IN: ("arriving", "OBSERVE", "in_progress"),
}
#: the movements whose objects are at the place afterwards (the event's bizLocation)
_ARRIVING = (Movement.RECEIPT, Movement.CUSTOMER_RETURN, Movement.COUNT_GAIN, Movement.TRANSFER_IN)
_TRANSFORM_STEPS = {Transform.MANUFACTURE: "creating_class_instance", Transform.REPACK: "repackaging"}


@dataclass(frozen=True)
class Party:
	"""A company, supplier or customer."""

	name: str
	gln: str | None


@dataclass(frozen=True)
class Place:
	"""A warehouse."""

	name: str
	gln: str | None


@dataclass(frozen=True)
class Document:
	"""A business document: its type, its name and the GLN of the party that issued it."""

	type: DocumentType
	name: str
	issuer_gln: str | None


@dataclass(frozen=True)
class EventLine:
	"""Quantity of one item: a lot (`lot`, `quantity` in `unit`) or serials (`serials`)."""

	item_code: str
	gtin: str | None
	quantity: Decimal | float | int = 0
	unit: str | None = None  # the stock UOM, as ERPNext names it
	lot: str | None = None
	serials: tuple[str, ...] = ()
	expiry: date | None = None  # an output lot's expiry (transformations)


@dataclass(frozen=True)
class StockMovement:
	"""One receipt, delivery, return or scrap: one ObjectEvent. `key` names it once (the voucher
	type and number, say), `company` is the owner of the stock, `party` the supplier or customer
	(None for scrap)."""

	key: str
	movement: Movement
	time: datetime
	place: Place
	company: Party
	lines: tuple[EventLine, ...]
	party: Party | None = None
	documents: tuple[Document, ...] = ()


@dataclass(frozen=True)
class Transformation:
	"""One manufacture or repack: inputs consumed, outputs made, in one place."""

	key: str
	transform: Transform
	time: datetime
	place: Place
	company: Party
	inputs: tuple[EventLine, ...]
	outputs: tuple[EventLine, ...]
	documents: tuple[Document, ...] = ()


Record = StockMovement | Transformation


@dataclass(frozen=True)
class Problem:
	"""Why a record cannot be exported as it is: `record` is its key, `subject` what is wrong
	(an item code, a warehouse, a party, a lot), `reason` one of the REASON_* strings."""

	record: str
	subject: str
	reason: str
	value: str = ""


NO_GTIN = "item without GTIN"
BAD_GTIN = "GTIN with a wrong check digit"
NO_GLN = "without GLN"
BAD_GLN = "GLN with a wrong check digit"
BAD_LOT = "lot outside GS1's characters (AI 10: 1-20 of the 82)"
BAD_SERIAL = "serial outside GS1's characters (AI 21: 1-20 of the 82)"
BAD_UNIT = "unit without a UN/CEFACT code"
NO_TIME_ZONE = "time without time zone"
NO_QUANTITY = "line without lot, serial or quantity"
DUPLICATE = "record listed twice"
DUPLICATE_SERIAL = "serial listed twice in one movement"


class EpcisExportError(ValueError):
	def __init__(self, problems: list[Problem]):
		super().__init__(f"{len(problems)} problem(s), first: {problems[0]}")
		self.problems = problems


# ---- identifiers -------------------------------------------------------------------------------


def valid_gtin(gtin: str | None) -> bool:
	"""A GTIN-14 (14 digits) with its GS1 check digit."""
	return bool(gtin) and len(gtin) == 14 and gs1_check_digit_ok(gtin)


def valid_gln(gln: str | None) -> bool:
	"""A GLN (13 digits) with its GS1 check digit."""
	return bool(gln) and len(gln) == 13 and gs1_check_digit_ok(gln)


def gs1_value_ok(value: str | None) -> bool:
	"""True when `value` can be an AI 10 lot or an AI 21 serial: 1-20 characters of set 82."""
	return bool(value) and len(value) <= GS1_MAX_LENGTH and set(value) <= GS1_CHARACTERS


def encode_value(value: str) -> str:
	"""A lot or serial as a Digital Link path segment: every character but letters, digits and
	`- . _` percent-encoded, hexadecimal in upper case (GS1 Digital Link: `/` `%` `?` `#` and the
	other reserved characters may not appear as themselves)."""
	return quote(value, safe="")


def lot_uri(gtin: str, lot: str) -> str:
	return f"{DIGITAL_LINK}/01/{gtin}/10/{encode_value(lot)}"


def serial_uri(gtin: str, serial: str) -> str:
	return f"{DIGITAL_LINK}/01/{gtin}/21/{encode_value(serial)}"


def location_uri(gln: str) -> str:
	return f"{DIGITAL_LINK}/414/{gln}"


def party_uri(gln: str) -> str:
	return f"{DIGITAL_LINK}/417/{gln}"


def document_uri(document: Document) -> str:
	"""CBV's business transaction identifier without a GDTI: `urn:epcglobal:cbv:bt:<GLN>:<id>`."""
	return f"urn:epcglobal:cbv:bt:{document.issuer_gln}:{quote(document.name, safe='')}"


def unit_code(unit: str | None) -> str | None:
	"""The UN/CEFACT code of a stock unit: from UNIT_CODES, or the unit itself when it is a code
	already (KGM); None for a count (Nos). Raises ValueError for a unit with no code."""
	if not unit:
		return None
	key = unit.strip().lower()
	if key in UNIT_CODES:
		return UNIT_CODES[key]
	if _UNIT_CODE.match(unit.strip()):
		return unit.strip()
	raise ValueError(unit)


# ---- checks -------------------------------------------------------------------------------------


def problems(records: Iterable[Record]) -> list[Problem]:
	"""Everything that keeps these records out of a valid EPCIS document, in the records' order;
	[] when they can all be exported."""
	found: list[Problem] = []
	seen: set[str] = set()
	for record in records:
		key = record.key
		if key in seen:
			found.append(Problem(key, key, DUPLICATE))
		seen.add(key)
		if record.time.tzinfo is None or record.time.utcoffset() is None:
			found.append(Problem(key, str(record.time), NO_TIME_ZONE))
		parties = [
			("place", record.place.name, record.place.gln),
			("company", record.company.name, record.company.gln),
		]
		if isinstance(record, StockMovement) and record.party is not None:
			parties.append(("party", record.party.name, record.party.gln))
		parties += [("document", f"{d.name}", d.issuer_gln) for d in record.documents]
		for _kind, name, gln in parties:
			if not gln:
				found.append(Problem(key, name, NO_GLN))
			elif not valid_gln(gln):
				found.append(Problem(key, name, BAD_GLN, gln))
		sides = (record.lines,) if isinstance(record, StockMovement) else (record.inputs, record.outputs)
		for lines in sides:
			for line in lines:
				found += _line_problems(key, line)
			counted = Counter((line.gtin, serial) for line in lines for serial in line.serials)
			found += [
				Problem(key, serial, DUPLICATE_SERIAL, gtin or "")
				for (gtin, serial), times in counted.items()
				if times > 1
			]
	return found


def _line_problems(key: str, line: EventLine) -> list[Problem]:
	found = []
	if not line.gtin:
		found.append(Problem(key, line.item_code, NO_GTIN))
	elif not valid_gtin(line.gtin):
		found.append(Problem(key, line.item_code, BAD_GTIN, line.gtin))
	if line.serials:
		found += [Problem(key, line.item_code, BAD_SERIAL, s) for s in line.serials if not gs1_value_ok(s)]
	elif line.lot is None or not line.quantity:
		found.append(Problem(key, line.item_code, NO_QUANTITY))
	else:
		if not gs1_value_ok(line.lot):
			found.append(Problem(key, line.item_code, BAD_LOT, line.lot))
		try:
			unit_code(line.unit)
		except ValueError:
			found.append(Problem(key, line.item_code, BAD_UNIT, line.unit or ""))
	return found


# ---- events -------------------------------------------------------------------------------------


def epcis_document(records: Iterable[Record], created: datetime) -> dict:
	"""The EPCISDocument of these records, one event each (two or more for a transformation whose
	outputs have different expiries), in the records' order. Raises EpcisExportError when
	`problems()` finds any."""
	records = list(records)
	found = problems(records)
	if found:
		raise EpcisExportError(found)
	events = []
	for record in records:
		events += events_of(record)
	return {
		"@context": CONTEXT,
		"type": "EPCISDocument",
		"schemaVersion": SCHEMA_VERSION,
		"creationDate": _time(created),
		"epcisBody": {"eventList": events},
	}


def events_of(record: Record) -> list[dict]:
	"""The event(s) of one record, each with its `eventID` (checks are problems()' business)."""
	if isinstance(record, StockMovement):
		events = [_object_event(record)]
	else:
		events = _transformation_events(record)
	for event in events:
		event["eventID"] = event_hash(event)
	return events


def _object_event(record: StockMovement) -> dict:
	step, action, disposition = _OBJECT_EVENTS[record.movement]
	event = _head("ObjectEvent", record.time)
	serials = [serial_uri(line.gtin, s) for line in record.lines for s in line.serials]
	quantities = _quantities(record.lines)
	event["epcList"] = serials
	if quantities:
		event["quantityList"] = quantities
	event["action"] = action
	event["bizStep"] = step
	event["disposition"] = disposition
	event["readPoint"] = {"id": location_uri(record.place.gln)}
	if record.movement in _ARRIVING:
		event["bizLocation"] = {"id": location_uri(record.place.gln)}
	_documents(event, record.documents)
	ours = [("owning_party", party_uri(record.company.gln)), ("location", location_uri(record.place.gln))]
	theirs = [("owning_party", party_uri(record.party.gln))] if record.party else []
	if record.movement in (Movement.RECEIPT, Movement.CUSTOMER_RETURN):
		source, destination = theirs, ours
	elif record.movement in (Movement.DELIVERY, Movement.SUPPLIER_RETURN):
		source, destination = ours, theirs
	else:
		source, destination = [], []
	if source:
		event["sourceList"] = [{"type": kind, "source": uri} for kind, uri in source]
	if destination:
		event["destinationList"] = [{"type": kind, "destination": uri} for kind, uri in destination]
	return event


def _transformation_events(record: Transformation) -> list[dict]:
	groups: dict[date | None, list[EventLine]] = {}
	for line in record.outputs:
		groups.setdefault(line.expiry, []).append(line)
	# outputs without lot or serial (an untracked finished item): the inputs still make one event
	# (EPCIS then asks a transformationID, as it does to link several events)
	groups = groups or {None: []}
	linked = len(groups) > 1 or not record.outputs
	events = []
	for index, (expiry, outputs) in enumerate(groups.items()):
		event = _head("TransformationEvent", record.time)
		inputs = record.inputs if index == 0 else ()
		_lines(event, "input", inputs)
		_lines(event, "output", outputs)
		if linked:
			event["transformationID"] = "urn:uuid:" + str(
				uuid.uuid5(uuid.NAMESPACE_URL, "dux_trace:" + record.key)
			)
		event["bizStep"] = _TRANSFORM_STEPS[record.transform]
		event["disposition"] = "active"
		event["readPoint"] = {"id": location_uri(record.place.gln)}
		event["bizLocation"] = {"id": location_uri(record.place.gln)}
		_documents(event, record.documents)
		if expiry is not None:
			event["ilmd"] = {"cbvmda:itemExpirationDate": expiry.isoformat()}
		events.append(event)
	return events


def _head(kind: str, time: datetime) -> dict:
	return {"type": kind, "eventTime": _time(time), "eventTimeZoneOffset": _offset(time)}


def _lines(event: dict, side: str, lines: Iterable[EventLine]) -> None:
	lines = list(lines)
	serials = [serial_uri(line.gtin, s) for line in lines for s in line.serials]
	quantities = _quantities(lines)
	if serials:
		event[f"{side}EPCList"] = serials
	if quantities:
		event[f"{side}QuantityList"] = quantities


def _quantities(lines: Iterable[EventLine]) -> list[dict]:
	"""The quantityList of these lines: one element per lot and unit, the quantities of the lines
	of the same lot added (two rows of one lot on a delivery note)."""
	totals: dict[tuple[str, str | None], Decimal] = {}
	for line in lines:
		if not line.serials:
			key = (lot_uri(line.gtin, line.lot), unit_code(line.unit))
			totals[key] = totals.get(key, Decimal(0)) + Decimal(str(line.quantity))
	elements = []
	for (epc_class, code), quantity in totals.items():
		element = {"epcClass": epc_class, "quantity": _number(quantity)}
		if code:
			element["uom"] = code
		elements.append(element)
	return elements


def _documents(event: dict, documents: Iterable[Document]) -> None:
	listed = [{"type": d.type.value, "bizTransaction": document_uri(d)} for d in documents]
	if listed:
		event["bizTransactionList"] = listed


def _number(value) -> int | float:
	number = float(Decimal(str(value)))
	return int(number) if number.is_integer() else number


def _time(time: datetime) -> str:
	return time.isoformat(timespec="milliseconds")


def _offset(time: datetime) -> str:
	minutes = int(time.utcoffset().total_seconds() // 60)
	sign = "-" if minutes < 0 else "+"
	return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# ---- CBV 2.0 event hash -------------------------------------------------------------------------

#: the properties whose values are CBV vocabulary, and the prefix of their web URI
_VOCABULARY = {"bizStep": "BizStep-", "disposition": "Disp-"}
_LIST_TYPES = {"bizTransactionList": "BTT-", "sourceList": "SDT-", "destinationList": "SDT-"}
#: the canonical order of the properties that come first, then the others in text order
_ORDER = (
	"eventTime",
	"eventTimeZoneOffset",
	"epcList",
	"inputEPCList",
	"quantityList",
	"inputQuantityList",
	"outputEPCList",
	"outputQuantityList",
	"action",
	"transformationID",
	"bizStep",
	"disposition",
	"readPoint",
	"bizLocation",
)
_NOT_HASHED = ("type", "eventID", "recordTime", "errorDeclaration")


def event_hash(event: dict) -> str:
	"""The CBV 2.0 event hash of an event this module wrote: `ni:///sha-256;<hex>?ver=CBV2.0`."""
	digest = hashlib.sha256(pre_hash(event).encode("utf-8")).hexdigest()
	return f"ni:///sha-256;{digest}?ver=CBV2.0"


def pre_hash(event: dict) -> str:
	"""The canonical pre-hash string of an event this module wrote (CBV 2.0, section 8.9, as GS1
	Germany's reference implementation builds it): `eventType=`, then the properties in the
	canonical order, each `name=value` or `name` followed by its children (the elements of a list
	in text order), times in UTC to the millisecond, numbers without trailing zeros, vocabulary
	as web URIs; then the remaining properties (business transactions, sources, destinations,
	ilmd), in text order."""
	parts = ["eventType=" + event["type"]]
	for name in _ORDER:
		if name not in event or event[name] in ([], {}, None):
			continue
		value = event[name]
		if name == "eventTime":
			parts.append(f"{name}={_utc(value)}")
		elif name in _VOCABULARY:
			parts.append(f"{name}={CBV}{_VOCABULARY[name]}{value}")
		elif name in ("readPoint", "bizLocation"):
			parts.append(f"{name}id={value['id']}")
		elif name in ("epcList", "inputEPCList", "outputEPCList"):
			parts.append(name + "".join(sorted(f"epc={epc}" for epc in value)))
		elif name in ("quantityList", "inputQuantityList", "outputQuantityList"):
			parts.append(name + "".join(sorted(_quantity_text(element) for element in value)))
		else:
			parts.append(f"{name}={_canonical(value)}")
	rest = []
	for name, value in event.items():
		if name in _ORDER or name in _NOT_HASHED:
			continue
		if name in _LIST_TYPES:
			key = name[: -len("List")]
			rest.append(
				name
				+ "".join(
					sorted(
						f"type={CBV}{_LIST_TYPES[name]}{entry['type']}{key}={entry[key]}" for entry in value
					)
				)
			)
		elif name == "ilmd":
			rest.append(name + "".join(sorted(f"{k}={_canonical(v)}" for k, v in value.items())))
		else:
			raise ValueError(f"no canonical form for {name}")
	return "".join(parts) + "".join(sorted(rest))


def _quantity_text(element: dict) -> str:
	text = f"quantityElementepcClass={element['epcClass']}"
	if "quantity" in element:
		text += f"quantity={_canonical(element['quantity'])}"
	if "uom" in element:
		text += f"uom={element['uom']}"
	return text


def _canonical(value) -> str:
	"""A number without trailing zeros (2.50 is 2.5, 200.0 is 200); anything else as text."""
	text = str(value).strip()
	try:
		number = float(text)
	except ValueError:
		return text
	return str(int(number)) if number.is_integer() else str(number)


def _utc(text: str) -> str:
	"""An event time (written to the millisecond by _time) in UTC, as `...T08:00:00.000Z`."""
	time = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
	return time.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# ---- key data elements (the regulator's spreadsheet) --------------------------------------------

#: the critical tracking event of each movement, as FSMA 204 names them (receiving, shipping,
#: transformation); what is none of them keeps its own name
RECEIVING, SHIPPING, TRANSFORMATION = "receiving", "shipping", "transformation"
DESTRUCTION, ADJUSTMENT, TRANSFER = "destruction", "adjustment", "transfer"
CRITICAL_EVENTS = {
	Movement.RECEIPT: RECEIVING,
	Movement.CUSTOMER_RETURN: RECEIVING,
	Movement.DELIVERY: SHIPPING,
	Movement.SUPPLIER_RETURN: SHIPPING,
	Movement.SCRAP: DESTRUCTION,
	Movement.COUNT_LOSS: ADJUSTMENT,
	Movement.COUNT_GAIN: ADJUSTMENT,
	Movement.TRANSFER_OUT: TRANSFER,
	Movement.TRANSFER_IN: TRANSFER,
}


@dataclass(frozen=True)
class KeyDataElement:
	"""One row of the spreadsheet: one lot (or the serials of one item) in one event. `event_id`
	is the EPCIS event's hash, None when the record cannot be exported (see `problems()`);
	`side` is "input" or "output" for a transformation, "" otherwise; the GLNs and GTIN as the
	records hold them (None when missing)."""

	record: str
	event_id: str | None
	event_type: str
	movement: str
	side: str
	lot: str | None
	serials: tuple[str, ...]
	item_code: str
	gtin: str | None
	quantity: Decimal | float | int
	unit: str | None
	place: str
	place_gln: str | None
	time: datetime
	party: str | None
	party_gln: str | None
	documents: tuple[Document, ...]


def key_data_elements(records: Iterable[Record]) -> list[KeyDataElement]:
	"""The rows of the key data element sheet, from the same records as the EPCIS document: one
	per lot (or item's serials) of each event, in the records' order; a transformation gives its
	inputs, then its outputs. Records with problems are listed too, without an event id."""
	rows = []
	for record in records:
		ids: dict[date | None, str] = {}
		if not problems([record]):
			events = events_of(record)
			if isinstance(record, Transformation):
				expiries = list(dict.fromkeys(line.expiry for line in record.outputs)) or [None]
				ids = {expiry: event["eventID"] for expiry, event in zip(expiries, events, strict=True)}
			else:
				ids = {None: events[0]["eventID"]}
		if isinstance(record, StockMovement):
			kind, movement = CRITICAL_EVENTS[record.movement], record.movement.value
			sides = [("", line, ids.get(None)) for line in record.lines]
			party = record.party
		else:
			kind, movement, party = TRANSFORMATION, record.transform.value, None
			first = next(iter(ids.values()), None)
			sides = [("input", line, first) for line in record.inputs]
			sides += [("output", line, ids.get(line.expiry)) for line in record.outputs]
		for side, line, event_id in sides:
			rows.append(
				KeyDataElement(
					record=record.key,
					event_id=event_id,
					event_type=kind,
					movement=movement,
					side=side,
					lot=line.lot if not line.serials else None,
					serials=line.serials,
					item_code=line.item_code,
					gtin=line.gtin,
					quantity=len(line.serials) if line.serials else line.quantity,
					unit=line.unit,
					place=record.place.name,
					place_gln=record.place.gln,
					time=record.time,
					party=party.name if party else None,
					party_gln=party.gln if party else None,
					documents=record.documents,
				)
			)
	return rows
