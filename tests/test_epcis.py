"""GS1 EPCIS 2.0 export (pure, no frappe): the issue's scenario as an EPCISDocument, validated against
GS1's EPCIS 2.0 JSON Schema with URI formats checked, every movement once, valid GTINs and GLNs,
event hashes equal to GS1 Germany's reference implementation's and stable from one export to the
next, problems listed instead of events dropped, lots and serials through Digital Link URIs."""

import copy
import json
import re
import string
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from epcis_event_hash_generator import hash_generator, json_to_py
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dux_trace.core import epcis
from dux_trace.core.epcis import (
	Document,
	DocumentType,
	EpcisExportError,
	EventLine,
	Movement,
	Party,
	Place,
	StockMovement,
	Transform,
	Transformation,
)
from dux_trace.core.gs1 import parse_scan
from dux_trace.core.label_barcodes import gs1_check_digit_ok

FIXTURES = Path(__file__).parent / "fixtures" / "epcis"
SCHEMA = json.loads((FIXTURES / "EPCIS-JSON-Schema.json").read_text())
EXAMPLES = sorted((FIXTURES / "examples").glob("*.jsonld"))
#: GS1's 82-character set (GS1 General Specifications, figure 7.11-1), allowed in AI 10 and 21
GS1_82 = string.ascii_letters + string.digits + "!\"%&'()*+,-./:;<=>?_"

CASABLANCA = timezone(timedelta(hours=1))
COMPANY = Party("Dux Test Maroc", "6111234000002")
MAGASIN = Place("Magasin - DTM", "6111234000019")
ATELIER = Place("Atelier - DTM", "6111234000026")
SUPPLIER = Party("Laiterie du Nord", "4001234000008")
ATLAS = Party("Épicerie Atlas", "6119999000015")
ZAGORA = Party("Café Zagora", "6118888000013")
LAIT = "06111234000019"  # the item received in lot L
PACK = "06111234000026"  # the item lot R is repacked into


def lait(quantity, lot="L"):
	return EventLine("LAIT-1L", LAIT, quantity, "Litre", lot=lot)


def pack(quantity, expiry=None):
	return EventLine("LAIT-PACK", PACK, quantity, "Nos", lot="R", expiry=expiry)


def at(day, hour=9):
	return datetime(2026, 3, day, hour, 15, 30, 250000, tzinfo=CASABLANCA)


def scenario():
	"""The issue's scenario: a receipt of lot L (100), a repack of 40 into lot R, deliveries of 30 of
	L and 25 of R to two customers, a customer return of 5, a scrap of 2."""
	return [
		StockMovement(
			"Purchase Receipt MAT-PRE-2026-00001",
			Movement.RECEIPT,
			at(2),
			MAGASIN,
			COMPANY,
			(lait(100),),
			SUPPLIER,
			(
				Document(DocumentType.PURCHASE_ORDER, "PUR-ORD-2026-00001", COMPANY.gln),
				Document(DocumentType.RECEIVING_ADVICE, "MAT-PRE-2026-00001", COMPANY.gln),
				Document(DocumentType.INVOICE, "FA 2026/117", SUPPLIER.gln),
			),
		),
		Transformation(
			"Stock Entry MAT-STE-2026-00007",
			Transform.REPACK,
			at(3),
			ATELIER,
			COMPANY,
			(lait(40),),
			(pack(40, expiry=date(2026, 9, 30)),),
		),
		StockMovement(
			"Delivery Note MAT-DN-2026-00011",
			Movement.DELIVERY,
			at(4),
			MAGASIN,
			COMPANY,
			(lait(30),),
			ATLAS,
			(
				Document(DocumentType.DESPATCH_ADVICE, "MAT-DN-2026-00011", COMPANY.gln),
				Document(DocumentType.INVOICE, "ACC-SINV-2026-00011", COMPANY.gln),
			),
		),
		StockMovement(
			"Delivery Note MAT-DN-2026-00012",
			Movement.DELIVERY,
			at(4, 14),
			ATELIER,
			COMPANY,
			(pack(25),),
			ZAGORA,
			(Document(DocumentType.DESPATCH_ADVICE, "MAT-DN-2026-00012", COMPANY.gln),),
		),
		StockMovement(
			"Delivery Note MAT-DN-RET-2026-00001",
			Movement.CUSTOMER_RETURN,
			at(6),
			ATELIER,
			COMPANY,
			(pack(5),),
			ZAGORA,
			(Document(DocumentType.RETURN_AUTHORIZATION, "MAT-DN-RET-2026-00001", COMPANY.gln),),
		),
		StockMovement(
			"Stock Entry MAT-STE-2026-00009",
			Movement.SCRAP,
			at(7),
			MAGASIN,
			COMPANY,
			(lait(2),),
		),
	]


def serial_receipt():
	"""A receipt of two serials (the scenario's lots in quantityList, serials in epcList)."""
	return StockMovement(
		"Purchase Receipt MAT-PRE-2026-00002",
		Movement.RECEIPT,
		at(2, 11),
		MAGASIN,
		COMPANY,
		(EventLine("ROUTEUR", LAIT, 2, "Nos", serials=("SN-0001", "A/B+1")),),
		SUPPLIER,
	)


CREATED = datetime(2026, 3, 31, 18, 0, tzinfo=CASABLANCA)


def validator():
	"""Draft-07, as the schema declares, with the format checks; `uri` is checked only when rfc3987
	is installed: the test fails rather than checking less."""
	assert SCHEMA["$schema"] == "http://json-schema.org/draft-07/schema#"
	checker = jsonschema.Draft7Validator.FORMAT_CHECKER
	assert "uri" in checker.checkers, "rfc3987 is missing: URIs would not be checked"
	return jsonschema.Draft7Validator(SCHEMA, format_checker=checker)


def reference_hashes(document):
	"""GS1 Germany's epcis-event-hash-generator (test oracle only)."""
	events = json_to_py.event_list_from_epcis_document_json(copy.deepcopy(document))
	return hash_generator.epcis_hashes_from_events(events)


# ---- the scenario -------------------------------------------------------------------------------


def test_the_scenario_validates_against_the_epcis_schema():
	document = epcis.epcis_document([*scenario(), serial_receipt()], CREATED)
	errors = sorted(validator().iter_errors(document), key=str)
	assert errors == []
	assert document["@context"] == "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
	assert document["schemaVersion"] == "2.0"
	assert document["creationDate"] == "2026-03-31T18:00:00.000+01:00"


def test_the_validator_checks_uris():
	document = epcis.epcis_document(scenario(), CREATED)
	document["epcisBody"]["eventList"][0]["quantityList"][0]["epcClass"] = "lot L of LAIT"
	assert not validator().is_valid(document)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_the_standards_examples_still_validate(example):
	document = json.loads(example.read_text())
	assert sorted(validator().iter_errors(document), key=str) == []


def test_every_movement_appears_once_as_cbv_says():
	document = epcis.epcis_document(scenario(), CREATED)
	events = document["epcisBody"]["eventList"]
	seen = [
		(
			event["type"],
			event["bizStep"],
			event.get("action"),
			event["disposition"],
			tuple((q["epcClass"], q["quantity"], q.get("uom")) for q in event.get("quantityList", [])),
			tuple((q["epcClass"], q["quantity"], q.get("uom")) for q in event.get("inputQuantityList", [])),
			tuple((q["epcClass"], q["quantity"], q.get("uom")) for q in event.get("outputQuantityList", [])),
		)
		for event in events
	]
	L = "https://id.gs1.org/01/06111234000019/10/L"
	R = "https://id.gs1.org/01/06111234000026/10/R"
	assert seen == [
		("ObjectEvent", "receiving", "OBSERVE", "in_progress", ((L, 100, "LTR"),), (), ()),
		("TransformationEvent", "repackaging", None, "active", (), ((L, 40, "LTR"),), ((R, 40, None),)),
		("ObjectEvent", "shipping", "OBSERVE", "in_transit", ((L, 30, "LTR"),), (), ()),
		("ObjectEvent", "shipping", "OBSERVE", "in_transit", ((R, 25, None),), (), ()),
		("ObjectEvent", "receiving", "OBSERVE", "returned", ((R, 5, None),), (), ()),
		("ObjectEvent", "destroying", "DELETE", "destroyed", ((L, 2, "LTR"),), (), ()),
	]
	assert len({event["eventID"] for event in events}) == len(events)
	repack = events[1]
	assert repack["ilmd"] == {"cbvmda:itemExpirationDate": "2026-09-30"}
	assert repack["readPoint"] == repack["bizLocation"] == {"id": "https://id.gs1.org/414/6111234000026"}


def test_parties_places_and_documents_of_a_receipt_and_a_delivery():
	events = epcis.epcis_document(scenario(), CREATED)["epcisBody"]["eventList"]
	receipt, delivery = events[0], events[2]
	assert receipt["eventTime"] == "2026-03-02T09:15:30.250+01:00"
	assert receipt["eventTimeZoneOffset"] == "+01:00"
	assert receipt["readPoint"] == receipt["bizLocation"] == {"id": "https://id.gs1.org/414/6111234000019"}
	assert receipt["sourceList"] == [
		{"type": "owning_party", "source": "https://id.gs1.org/417/4001234000008"}
	]
	assert receipt["destinationList"] == [
		{"type": "owning_party", "destination": "https://id.gs1.org/417/6111234000002"},
		{"type": "location", "destination": "https://id.gs1.org/414/6111234000019"},
	]
	assert receipt["bizTransactionList"] == [
		{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:6111234000002:PUR-ORD-2026-00001"},
		{"type": "recadv", "bizTransaction": "urn:epcglobal:cbv:bt:6111234000002:MAT-PRE-2026-00001"},
		{"type": "inv", "bizTransaction": "urn:epcglobal:cbv:bt:4001234000008:FA%202026%2F117"},
	]
	assert "bizLocation" not in delivery  # in transit
	assert delivery["sourceList"] == [
		{"type": "owning_party", "source": "https://id.gs1.org/417/6111234000002"},
		{"type": "location", "source": "https://id.gs1.org/414/6111234000019"},
	]
	assert delivery["destinationList"] == [
		{"type": "owning_party", "destination": "https://id.gs1.org/417/6119999000015"}
	]
	assert [t["type"] for t in delivery["bizTransactionList"]] == ["desadv", "inv"]


def test_serials_go_to_the_epc_list():
	(event,) = epcis.events_of(serial_receipt())
	assert event["epcList"] == [
		"https://id.gs1.org/01/06111234000019/21/SN-0001",
		"https://id.gs1.org/01/06111234000019/21/A%2FB%2B1",
	]
	assert "quantityList" not in event


def test_gtins_and_glns_have_valid_check_digits():
	text = json.dumps(epcis.epcis_document([*scenario(), serial_receipt()], CREATED))
	gtins = re.findall(r"id\.gs1\.org/01/(\d+)", text)
	glns = re.findall(r"id\.gs1\.org/41[47]/(\d+)", text) + re.findall(r"cbv:bt:(\d+):", text)
	assert gtins and glns
	assert all(len(gtin) == 14 and gs1_check_digit_ok(gtin) for gtin in gtins)
	assert all(len(gln) == 13 and gs1_check_digit_ok(gln) for gln in glns)


def test_outputs_with_different_expiries_are_linked_events_and_inputs_count_once():
	record = Transformation(
		"Stock Entry MAT-STE-2026-00020",
		Transform.MANUFACTURE,
		at(8),
		ATELIER,
		COMPANY,
		(lait(10), lait(5, lot="L2")),
		(
			pack(6, expiry=date(2026, 9, 30)),
			EventLine("LAIT-PACK", PACK, 4, "Nos", lot="R2", expiry=date(2026, 10, 31)),
		),
	)
	first, second = epcis.events_of(record)
	assert first["transformationID"] == second["transformationID"]
	assert first["transformationID"].startswith("urn:uuid:")
	assert len(first["inputQuantityList"]) == 2 and "inputQuantityList" not in second
	assert first["ilmd"] == {"cbvmda:itemExpirationDate": "2026-09-30"}
	assert second["ilmd"] == {"cbvmda:itemExpirationDate": "2026-10-31"}
	assert first["bizStep"] == "creating_class_instance"
	document = epcis.epcis_document([record], CREATED)
	assert validator().is_valid(document)
	assert [e["eventID"] for e in document["epcisBody"]["eventList"]] == reference_hashes(document)


def test_units():
	assert epcis.unit_code("Litre") == "LTR"
	assert epcis.unit_code("Kg") == "KGM"
	assert epcis.unit_code("Nos") is None  # a count: no uom
	assert epcis.unit_code("KGM") == "KGM"
	with pytest.raises(ValueError):
		epcis.unit_code("Carton de 6")


# ---- problems, never dropped events -------------------------------------------------------------


def test_problems_are_named_and_nothing_is_exported_while_there_are_any():
	bad = [
		StockMovement(
			"Purchase Receipt A",
			Movement.RECEIPT,
			datetime(2026, 3, 2, 9, 0),  # no time zone
			Place("Quai", None),
			Party("Dux Test Maroc", "6111234000003"),  # wrong check digit
			(
				EventLine("SANS-GTIN", None, 1, "Nos", lot="X"),
				EventLine("MAUVAIS", "06111234000018", 1, "Carton de 6", lot="Lot été"),
			),
			Party("Fournisseur", None),
		),
		*scenario(),
		scenario()[0],  # the same receipt read twice
	]
	found = epcis.problems(bad)
	assert [(p.record, p.subject, p.reason) for p in found] == [
		("Purchase Receipt A", "2026-03-02 09:00:00", epcis.NO_TIME_ZONE),
		("Purchase Receipt A", "Quai", epcis.NO_GLN),
		("Purchase Receipt A", "Dux Test Maroc", epcis.BAD_GLN),
		("Purchase Receipt A", "Fournisseur", epcis.NO_GLN),
		("Purchase Receipt A", "SANS-GTIN", epcis.NO_GTIN),
		("Purchase Receipt A", "MAUVAIS", epcis.BAD_GTIN),
		("Purchase Receipt A", "MAUVAIS", epcis.BAD_LOT),
		("Purchase Receipt A", "MAUVAIS", epcis.BAD_UNIT),
		("Purchase Receipt MAT-PRE-2026-00001", "Purchase Receipt MAT-PRE-2026-00001", epcis.DUPLICATE),
	]
	with pytest.raises(EpcisExportError) as raised:
		epcis.epcis_document(bad, CREATED)
	assert raised.value.problems == found
	assert epcis.problems(scenario()) == []


# ---- event hashes --------------------------------------------------------------------------------


def test_two_exports_of_the_same_data_give_the_same_hashes():
	first = epcis.epcis_document(scenario(), CREATED)
	second = epcis.epcis_document(scenario(), CREATED + timedelta(days=3))
	hashes = [event["eventID"] for event in first["epcisBody"]["eventList"]]
	assert hashes == [event["eventID"] for event in second["epcisBody"]["eventList"]]
	assert all(re.fullmatch(r"ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0", h) for h in hashes)
	# the same instant written in another time zone is the same event; another quantity is not
	moved = [*scenario()]
	moved[0] = StockMovement(**{**moved[0].__dict__, "time": moved[0].time.astimezone(timezone.utc)})
	assert epcis.events_of(moved[0])[0]["eventID"] != hashes[0]  # eventTimeZoneOffset is hashed
	more = StockMovement(**{**scenario()[0].__dict__, "lines": (lait(101),)})
	assert epcis.events_of(more)[0]["eventID"] != hashes[0]


def test_hashes_equal_the_reference_implementation():
	document = epcis.epcis_document([*scenario(), serial_receipt()], CREATED)
	assert [event["eventID"] for event in document["epcisBody"]["eventList"]] == reference_hashes(document)


def test_a_pre_hash_as_the_cbv_spells_it():
	(event,) = epcis.events_of(scenario()[5])
	assert epcis.pre_hash(event) == (
		"eventType=ObjectEvent"
		"eventTime=2026-03-07T08:15:30.250Z"
		"eventTimeZoneOffset=+01:00"
		"quantityListquantityElementepcClass=https://id.gs1.org/01/06111234000019/10/Lquantity=2uom=LTR"
		"action=DELETE"
		"bizStep=https://ref.gs1.org/cbv/BizStep-destroying"
		"disposition=https://ref.gs1.org/cbv/Disp-destroyed"
		"readPointid=https://id.gs1.org/414/6111234000019"
	)


gs1_values = st.text(alphabet=GS1_82, min_size=1, max_size=20)
glns = st.sampled_from([COMPANY.gln, SUPPLIER.gln, ATLAS.gln, ZAGORA.gln, MAGASIN.gln, ATELIER.gln])
quantities = st.one_of(
	st.integers(1, 10_000), st.decimals(Decimal("0.001"), Decimal(9999), places=3, allow_nan=False)
)
times = st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31)).flatmap(
	lambda moment: st.sampled_from([-300, -90, 0, 60, 120, 330, 765]).map(
		lambda minutes: moment.replace(
			microsecond=moment.microsecond // 1000 * 1000, tzinfo=timezone(timedelta(minutes=minutes))
		)
	)
)
lot_lines = st.builds(
	EventLine,
	item_code=st.just("X"),
	gtin=st.sampled_from([LAIT, PACK]),
	quantity=quantities,
	unit=st.sampled_from(["Nos", "Litre", "Kg", "KGM"]),
	lot=gs1_values,
)
serial_lines = st.builds(
	EventLine,
	item_code=st.just("S"),
	gtin=st.sampled_from([LAIT, PACK]),
	serials=st.lists(gs1_values, min_size=1, max_size=3, unique=True).map(tuple),
)
documents = st.lists(
	st.builds(
		Document,
		type=st.sampled_from(list(DocumentType)),
		name=st.text(alphabet=string.ascii_uppercase + string.digits + "-/ ", min_size=1, max_size=20),
		issuer_gln=glns,
	),
	max_size=3,
)
movements = st.builds(
	StockMovement,
	key=st.just("M"),
	movement=st.sampled_from(list(Movement)),
	time=times,
	place=st.sampled_from([MAGASIN, ATELIER]),
	company=st.just(COMPANY),
	lines=st.lists(st.one_of(lot_lines, serial_lines), min_size=1, max_size=3).map(tuple),
	party=st.sampled_from([SUPPLIER, ATLAS, ZAGORA]),
	documents=documents.map(tuple),
)
transformations = st.builds(
	Transformation,
	key=st.text(min_size=1, max_size=10),
	transform=st.sampled_from(list(Transform)),
	time=times,
	place=st.sampled_from([MAGASIN, ATELIER]),
	company=st.just(COMPANY),
	inputs=st.lists(st.one_of(lot_lines, serial_lines), min_size=1, max_size=3).map(tuple),
	outputs=st.lists(
		st.builds(
			EventLine,
			item_code=st.just("O"),
			gtin=st.just(PACK),
			quantity=quantities,
			unit=st.just("Nos"),
			lot=gs1_values,
			expiry=st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2030, 12, 31))),
		),
		min_size=1,
		max_size=3,
	).map(tuple),
	documents=documents.map(tuple),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(movements, transformations), min_size=1, max_size=3))
def test_any_event_hashes_as_the_reference_implementation_does(records):
	records = [type(r)(**{**r.__dict__, "key": f"{i}"}) for i, r in enumerate(records)]
	if any(p.reason == epcis.DUPLICATE_SERIAL for p in epcis.problems(records)):
		with pytest.raises(EpcisExportError):
			epcis.epcis_document(records, CREATED)
		return
	document = epcis.epcis_document(records, CREATED)
	assert validator().is_valid(document)
	assert [event["eventID"] for event in document["epcisBody"]["eventList"]] == reference_hashes(document)


# ---- Digital Link -------------------------------------------------------------------------------


@given(gs1_values)
def test_any_gs1_lot_or_serial_round_trips_through_digital_link(value):
	for uri, ai in ((epcis.lot_uri(LAIT, value), "10"), (epcis.serial_uri(LAIT, value), "21")):
		prefix = f"https://id.gs1.org/01/{LAIT}/{ai}/"
		assert uri.startswith(prefix)
		segment = uri[len(prefix) :]
		assert re.fullmatch(r"([A-Za-z0-9._-]|%[0-9A-F]{2})+", segment)
		assert unquote(segment) == value
		assert jsonschema.Draft7Validator.FORMAT_CHECKER.conforms(uri, "uri")
		read = parse_scan(uri)  # biip reads the link back as a scanner's link
		assert read.gtin == LAIT
		assert (read.lot if ai == "10" else read.serial) == value


@given(st.text(min_size=1, max_size=25))
def test_what_gs1_does_not_allow_is_a_problem(value):
	allowed = len(value) <= 20 and all(character in GS1_82 for character in value)
	assert epcis.gs1_value_ok(value) == allowed
	line = EventLine("X", LAIT, 1, "Nos", lot=value)
	record = StockMovement("K", Movement.SCRAP, at(1), MAGASIN, COMPANY, (line,))
	assert (epcis.problems([record]) == []) == allowed


def test_two_rows_of_one_lot_are_one_element_and_a_serial_twice_is_a_problem():
	record = StockMovement("DN", Movement.DELIVERY, at(4), MAGASIN, COMPANY, (lait(10), lait("2.5")), ATLAS)
	(event,) = epcis.events_of(record)
	assert event["quantityList"] == [
		{"epcClass": "https://id.gs1.org/01/06111234000019/10/L", "quantity": 12.5, "uom": "LTR"}
	]
	twice = EventLine("ROUTEUR", LAIT, serials=("SN-1",))
	record = StockMovement("DN2", Movement.DELIVERY, at(4), MAGASIN, COMPANY, (twice, twice), ATLAS)
	assert [(p.subject, p.reason) for p in epcis.problems([record])] == [("SN-1", epcis.DUPLICATE_SERIAL)]
