"""Stock per variant (*Stock Par Variant*): the matrix of a template's variants, rows by one
attribute and columns by another, without Frappe."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Variant:
	item_code: str
	attributes: Mapping[str, str]
	qty: float
	value: float = 0.0


@dataclass
class Matrix:
	rows: list[str]
	columns: list[str]
	cells: dict[tuple[str, str], float] = field(default_factory=dict)
	items: dict[tuple[str, str], list[str]] = field(default_factory=dict)
	row_totals: dict[str, float] = field(default_factory=dict)
	column_totals: dict[str, float] = field(default_factory=dict)
	total: float = 0.0


def matrix(
	variants: Iterable[Variant],
	row_attribute: str,
	column_attribute: str,
	row_order: list[str] | None = None,
	column_order: list[str] | None = None,
) -> Matrix:
	"""Quantities summed per (row value, column value); orders follow the attribute's own order
	(Item Attribute values) when given, else first seen. A variant without one of the attributes
	lands under "" (shown as "—")."""
	variants = list(variants)
	rows = list(row_order or [])
	columns = list(column_order or [])
	result = Matrix(rows, columns)
	for variant in variants:
		r = variant.attributes.get(row_attribute, "")
		c = variant.attributes.get(column_attribute, "")
		if r not in rows:
			rows.append(r)
		if c not in columns:
			columns.append(c)
		result.cells[(r, c)] = result.cells.get((r, c), 0.0) + variant.qty
		result.items.setdefault((r, c), []).append(variant.item_code)
	for r in rows:
		result.row_totals[r] = sum(result.cells.get((r, c), 0.0) for c in columns)
	for c in columns:
		result.column_totals[c] = sum(result.cells.get((r, c), 0.0) for r in rows)
	result.total = sum(result.row_totals.values())
	return result
