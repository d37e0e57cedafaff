"""Authorizations enforced on sale (*Autorisation*, *Autorisation Article*), without Frappe.

An authorization type says who must hold it:
- the **customer** (a pharmacy licence, a hazardous-goods licence: number, issuer, validity);
- the **selling user** (e.g. only pharmacists sell prescription items: holding a role);
- the **document** (a prescription reference typed or scanned on the sale row);
- the **item** itself (a CE certificate on file, valid on the date).
Items and item groups carry the types they require. `missing` answers, for each row of a sale,
which required authorizations nobody holds on the posting date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum


class Holder(str, Enum):
	CUSTOMER = "Customer"
	SELLING_USER = "Selling User"
	DOCUMENT = "Document"
	ITEM = "Item"


@dataclass(frozen=True)
class AuthorizationType:
	name: str
	holder: Holder
	role: str | None = None  # for SELLING_USER


@dataclass(frozen=True)
class Held:
	"""An authorization on file (customer's or item's), valid from / to (None = open)."""

	authorization_type: str
	holder_name: str  # the customer or the item
	valid_from: date | None = None
	valid_upto: date | None = None

	def valid_on(self, on: date) -> bool:
		return (self.valid_from is None or self.valid_from <= on) and (
			self.valid_upto is None or on <= self.valid_upto
		)


@dataclass(frozen=True)
class Row:
	idx: int
	item_code: str
	required: tuple[str, ...]  # authorization types the item (or its groups) requires
	document_reference: str | None = None


@dataclass(frozen=True)
class Missing:
	idx: int
	item_code: str
	authorization_type: str
	holder: Holder
	expired_on: date | None = None  # the customer / item held one, expired that day
	role: str | None = None


@dataclass
class Context:
	customer: str | None
	user_roles: frozenset[str]
	on: date
	held: Sequence[Held] = field(default_factory=list)


def required_types(item_types: Iterable[str], group_types: Iterable[Iterable[str]]) -> tuple[str, ...]:
	"""An item requires its own types and those of its item group and the group's ancestors."""
	found: list[str] = []
	for name in [*item_types, *(t for types in group_types for t in types)]:
		if name not in found:
			found.append(name)
	return tuple(found)


def missing(rows: Sequence[Row], types: Mapping[str, AuthorizationType], context: Context) -> list[Missing]:
	"""What each row lacks, in row order."""
	result = []
	for row in rows:
		for type_name in row.required:
			kind = types.get(type_name)
			if kind is None:
				continue
			verdict = _check(row, kind, context)
			if verdict is not None:
				result.append(verdict)
	return result


def _check(row: Row, kind: AuthorizationType, context: Context) -> Missing | None:
	if kind.holder == Holder.SELLING_USER:
		if kind.role and kind.role in context.user_roles:
			return None
		return Missing(row.idx, row.item_code, kind.name, kind.holder, role=kind.role)
	if kind.holder == Holder.DOCUMENT:
		if (row.document_reference or "").strip():
			return None
		return Missing(row.idx, row.item_code, kind.name, kind.holder)
	holder_name = context.customer if kind.holder == Holder.CUSTOMER else row.item_code
	on_file = [h for h in context.held if h.authorization_type == kind.name and h.holder_name == holder_name]
	if any(h.valid_on(context.on) for h in on_file):
		return None
	expired = max((h.valid_upto for h in on_file if h.valid_upto and h.valid_upto < context.on), default=None)
	return Missing(row.idx, row.item_code, kind.name, kind.holder, expired_on=expired)
