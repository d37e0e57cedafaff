"""Price grids (*Génération Tarif Vente / Grille Tarifaire*): the maths, without Frappe.

A grid prices items by **margin** (a markup on one of the article card's cost bases) or by
**discount** (off a reference price), per line (an item, or an item group) and per quantity
break (1+, 10+, 50+...). Its **rounding rule** applies to the price excl. VAT (HT) or incl. VAT
(TTC, then the HT is derived from the rounded TTC):
- `fraction`: the currency's smallest fraction (MAD 0.01, TND 0.001);
- `0.05`, `0.10`, `1`: to the nearest multiple (half up);
- an ending `.99`, `.90`, `.50`: the smallest price with that ending at or above the price, so
  the result is never below the unrounded price and less than one unit above it (12.34 -> 12.90,
  12.95 -> 13.90, 12.90 stays).
A **floor** (cost base + minimum margin) is never crossed: a price under it is flagged, not
clamped, and not written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from dux_trace.core.pricing import dec, from_ttc, price_from_markup, round_money, with_vat

HUNDRED = Decimal(100)
STEPS = {"0.05": Decimal("0.05"), "0.10": Decimal("0.10"), "1": Decimal(1)}
ENDINGS = {".99": Decimal("0.99"), ".90": Decimal("0.90"), ".50": Decimal("0.50")}
ROUNDING_RULES = ("fraction", *STEPS, *ENDINGS)


class GridError(ValueError):
	pass


def round_price(price, rule: str, digits: int) -> Decimal:
	"""Apply a rounding rule to a price (see the module docstring)."""
	price = dec(price)
	if price < 0:
		raise GridError(f"negative price: {price}")
	if rule == "fraction":
		return round_money(price, digits)
	if rule in STEPS:
		step = STEPS[rule]
		return round_money((price / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step, digits)
	if rule in ENDINGS:
		ending = ENDINGS[rule]
		units = (price - ending).quantize(Decimal(1), rounding=ROUND_CEILING)
		candidate = units + ending
		if candidate < ending:  # prices below the ending itself
			candidate = ending
		return round_money(candidate, digits)
	raise GridError(f"unknown rounding rule: {rule}")


def apply_rounding(price_ht, rule: str, digits: int, vat_percent=0, on_ttc: bool = False) -> Decimal:
	"""The rounded price HT; with `on_ttc`, the rule shapes the TTC and the HT is the one whose TTC
	is that rounded TTC (at the currency's fraction)."""
	if not on_ttc:
		return round_price(price_ht, rule, digits)
	ttc = round_price(dec(price_ht) * (1 + dec(vat_percent) / HUNDRED), rule, digits)
	return from_ttc(ttc, vat_percent, digits).price_ht


@dataclass(frozen=True)
class Line:
	"""One grid line: for an item or an item group, from a minimum quantity, a markup (margin
	grids) or a discount (discount grids)."""

	item_code: str | None = None
	item_group: str | None = None
	min_qty: Decimal = Decimal(1)
	markup: Decimal | None = None
	discount: Decimal | None = None


def lines_for(item_code: str, item_groups: Sequence[str], lines: Sequence[Line]) -> list[Line]:
	"""The lines that price an item, one per quantity break, most specific first: the item's own
	lines, else those of its nearest group (`item_groups` from the item's group up to the root)."""
	own = [line for line in lines if line.item_code == item_code]
	if not own:
		for group in item_groups:
			own = [line for line in lines if not line.item_code and line.item_group == group]
			if own:
				break
	by_qty: dict[Decimal, Line] = {}
	for line in own:
		by_qty.setdefault(dec(line.min_qty), line)
	return [by_qty[qty] for qty in sorted(by_qty)]


@dataclass(frozen=True)
class GridPrice:
	min_qty: Decimal
	price_ht: Decimal | None
	price_ttc: Decimal | None
	margin_on_base: Decimal | None
	below_floor: bool
	no_cost: bool


def price_line(
	line: Line,
	*,
	method: str,
	base,
	reference_price,
	rule: str,
	digits: int,
	vat_percent=0,
	on_ttc: bool = False,
	min_margin=None,
) -> GridPrice:
	"""The grid's price for one line: by `margin` on `base` or by `discount` off `reference_price`;
	rounded; checked against the floor base x (1 + min_margin %)."""
	qty = dec(line.min_qty)
	if method == "margin":
		if base is None or dec(base) <= 0:
			return GridPrice(qty, None, None, None, False, True)
		raw = price_from_markup(base, line.markup or 0, digits + 2)
	elif method == "discount":
		if reference_price is None:
			return GridPrice(qty, None, None, None, False, True)
		raw = dec(reference_price) * (1 - dec(line.discount or 0) / HUNDRED)
	else:
		raise GridError(f"unknown method: {method}")
	price = apply_rounding(raw, rule, digits, vat_percent, on_ttc)
	margin = None
	below = False
	if base is not None and dec(base) > 0:
		margin = ((price - dec(base)) / dec(base) * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
		if min_margin is not None:
			floor = round_money(dec(base) * (1 + dec(min_margin) / HUNDRED), digits)
			below = price < floor
	return GridPrice(qty, price, with_vat(price, vat_percent, digits), margin, below, False)


def change_percent(old, new) -> Decimal | None:
	old = dec(old)
	if old <= 0 or new is None:
		return None
	return ((dec(new) - old) / old * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def periods_overlap(a_from, a_to, b_from, b_to) -> bool:
	"""Whether two validity periods (None = open) share a day; dates compare as given."""
	starts_before_b_ends = b_to is None or a_from is None or a_from <= b_to
	b_starts_before_a_ends = a_to is None or b_from is None or b_from <= a_to
	return starts_before_b_ends and b_starts_before_a_ends


def adjust(value, *, by_percent=None, to_value=None) -> Decimal:
	"""Bulk edit of a markup or a discount: set it, or change it by a % of itself."""
	if to_value is not None:
		return dec(to_value)
	if by_percent is not None:
		return (dec(value) * (1 + dec(by_percent) / HUNDRED)).quantize(
			Decimal("0.01"), rounding=ROUND_HALF_UP
		)
	return dec(value)
