"""The key data element sheet (core.epcis.key_data_elements) and the movements added for counts,
transfers and untracked outputs: from the same records as the EPCIS document, one row per lot of
each event, the event ids those of the document."""

from datetime import date

from test_epcis import (
	ATELIER,
	COMPANY,
	CREATED,
	MAGASIN,
	at,
	lait,
	pack,
	reference_hashes,
	scenario,
	validator,
)

from dux_trace.core import epcis
from dux_trace.core.epcis import EventLine, Movement, StockMovement, Transform, Transformation


def counts_and_transfers():
	return [
		StockMovement("count -1", Movement.COUNT_LOSS, at(8), MAGASIN, COMPANY, (lait(1),)),
		StockMovement("count +2", Movement.COUNT_GAIN, at(8, 10), MAGASIN, COMPANY, (lait(2),)),
		StockMovement("out", Movement.TRANSFER_OUT, at(9), MAGASIN, COMPANY, (lait(3),)),
		StockMovement("in", Movement.TRANSFER_IN, at(9), ATELIER, COMPANY, (lait(3),)),
		Transformation("untracked output", Transform.MANUFACTURE, at(10), ATELIER, COMPANY, (lait(4),), ()),
	]


def test_counts_transfers_and_untracked_outputs_validate_and_hash_as_the_reference_does():
	document = epcis.epcis_document(counts_and_transfers(), CREATED)
	assert validator().is_valid(document), list(validator().iter_errors(document))[:1]
	events = document["epcisBody"]["eventList"]
	assert [(e.get("bizStep"), e.get("action")) for e in events] == [
		("cycle_counting", "DELETE"),
		("cycle_counting", "ADD"),
		("departing", "OBSERVE"),
		("arriving", "OBSERVE"),
		("creating_class_instance", None),
	]
	assert "bizLocation" not in events[0] and events[1]["bizLocation"] and events[3]["bizLocation"]
	assert events[4]["inputQuantityList"] and "outputQuantityList" not in events[4]
	assert [e["eventID"] for e in events] == reference_hashes(document)


def test_one_row_per_lot_of_each_event_with_the_documents_event_ids():
	records = scenario()
	document = epcis.epcis_document(records, CREATED)
	rows = epcis.key_data_elements(records)
	assert len(rows) == 7  # 6 records, the repack with an input and an output
	assert {row.event_id for row in rows} == {e["eventID"] for e in document["epcisBody"]["eventList"]}
	assert [row.event_type for row in rows] == [
		"receiving",
		"transformation",
		"transformation",
		"shipping",
		"shipping",
		"receiving",
		"destruction",
	]
	receipt, repack_in, repack_out = rows[:3]
	assert (receipt.lot, receipt.quantity, receipt.party, receipt.party_gln) == (
		"L",
		100,
		"Laiterie du Nord",
		"4001234000008",
	)
	assert (repack_in.side, repack_in.lot, repack_out.side, repack_out.lot) == ("input", "L", "output", "R")
	assert repack_in.party is None and receipt.place_gln == MAGASIN.gln


def test_outputs_with_two_expiries_carry_their_own_events_id():
	record = Transformation(
		"two",
		Transform.MANUFACTURE,
		at(3),
		ATELIER,
		COMPANY,
		(lait(40),),
		(
			pack(20, date(2026, 9, 1)),
			EventLine("LAIT-PACK", pack(1).gtin, 20, "Nos", "R2", expiry=date(2026, 10, 1)),
		),
	)
	events = epcis.events_of(record)
	rows = epcis.key_data_elements([record])
	assert [row.event_id for row in rows] == [
		events[0]["eventID"],
		events[0]["eventID"],
		events[1]["eventID"],
	]


def test_a_record_with_a_problem_is_a_row_without_event_id():
	record = StockMovement(
		"no gtin", Movement.RECEIPT, at(2), MAGASIN, COMPANY, (EventLine("X", None, 3, "Nos", lot="L"),)
	)
	(row,) = epcis.key_data_elements([record])
	assert row.event_id is None and row.gtin is None and row.item_code == "X"


def test_serials_are_one_row_counted():
	record = StockMovement(
		"s",
		Movement.DELIVERY,
		at(2),
		MAGASIN,
		COMPANY,
		(EventLine("TEL", pack(1).gtin, serials=("A1", "A2")),),
	)
	(row,) = epcis.key_data_elements([record])
	assert (row.lot, row.serials, row.quantity) == (None, ("A1", "A2"), 2)
