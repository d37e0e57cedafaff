"""Authorization verdicts (dux_trace.core.authorizations), without Frappe."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from dux_trace.core.authorizations import (
	AuthorizationType,
	Context,
	Held,
	Holder,
	Row,
	missing,
	required_types,
)

TYPES = {
	"Ordonnance": AuthorizationType("Ordonnance", Holder.DOCUMENT),
	"Pharmacien": AuthorizationType("Pharmacien", Holder.SELLING_USER, role="Pharmacien"),
	"Licence dangereux": AuthorizationType("Licence dangereux", Holder.CUSTOMER),
	"Certificat CE": AuthorizationType("Certificat CE", Holder.ITEM),
}
TODAY = date(2026, 12, 1)


def context(roles=(), held=()):
	return Context(customer="Garage Atlas", user_roles=frozenset(roles), on=TODAY, held=list(held))


def test_a_prescription_item_needs_a_reference_on_its_row():
	rows = [
		Row(1, "AMOX", ("Ordonnance",)),
		Row(2, "AMOX", ("Ordonnance",), document_reference="ORD-2026-118"),
	]
	assert [(m.idx, m.authorization_type) for m in missing(rows, TYPES, context())] == [(1, "Ordonnance")]


def test_only_a_pharmacist_sells_it():
	rows = [Row(1, "CODEINE", ("Pharmacien",))]
	refused = missing(rows, TYPES, context(roles={"Sales User"}))
	assert (refused[0].holder, refused[0].role) == (Holder.SELLING_USER, "Pharmacien")
	assert missing(rows, TYPES, context(roles={"Sales User", "Pharmacien"})) == []


def test_a_customer_licence_expired_yesterday_is_refused_and_says_so():
	held = [Held("Licence dangereux", "Garage Atlas", date(2025, 1, 1), date(2026, 11, 30))]
	refused = missing([Row(1, "ACIDE", ("Licence dangereux",))], TYPES, context(held=held))
	assert refused[0].expired_on == date(2026, 11, 30)
	held.append(Held("Licence dangereux", "Garage Atlas", date(2026, 12, 1), None))
	assert missing([Row(1, "ACIDE", ("Licence dangereux",))], TYPES, context(held=held)) == []


def test_another_customers_licence_does_not_count():
	held = [Held("Licence dangereux", "Autre garage", None, None)]
	assert missing([Row(1, "ACIDE", ("Licence dangereux",))], TYPES, context(held=held))


def test_an_item_certificate_on_file():
	held = [Held("Certificat CE", "CHARGEUR", None, date(2027, 1, 1))]
	assert missing([Row(1, "CHARGEUR", ("Certificat CE",))], TYPES, context(held=held)) == []
	assert missing([Row(1, "CABLE", ("Certificat CE",))], TYPES, context(held=held))


def test_required_types_come_from_the_item_and_its_groups_once():
	assert required_types(["Ordonnance"], [["Pharmacien", "Ordonnance"], ["Pharmacien"]]) == (
		"Ordonnance",
		"Pharmacien",
	)


@given(
	start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
	length=st.integers(min_value=0, max_value=2000),
	on=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
)
def test_a_licence_counts_exactly_inside_its_validity(start, length, on):
	from datetime import timedelta

	held = [Held("Licence dangereux", "Garage Atlas", start, start + timedelta(days=length))]
	ctx = Context(customer="Garage Atlas", user_roles=frozenset(), on=on, held=held)
	refused = missing([Row(1, "ACIDE", ("Licence dangereux",))], TYPES, ctx)
	assert (refused == []) == (start <= on <= start + timedelta(days=length))
