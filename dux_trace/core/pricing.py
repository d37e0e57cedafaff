"""The article card's maths: cost bases, margins, VAT, discounts and the sales simulation.

Plain Python (no Frappe), money in `Decimal`, rounded to the currency's smallest fraction given as
a number of decimals (MAD 2 -> 0.01, TND 3 -> 0.001), half away from zero as ERPNext rounds.

Vocabulary (the Dux ERP card's):
- *marge* is a **markup on cost**: bought 100, marge 30 % -> sold 130 (`price_from_markup`);
- *marge réelle* is the markup left after the largest discount a seller may give;
- the *taux de marque* (margin on the selling price, 30 / 130 = 23.08 %) is given beside it
  (`margin_on_price`), since accountants ask for both;
- CMP (coût moyen pondéré): the weighted average of the receipts, whatever ERPNext's valuation
  method (`core.cmp`);
- CRP (coût de remplacement pondéré): the stock on hand valued at its **most recent receipts**
  (`replacement_cost`): walking the receipts newest first, each takes what it can of the quantity
  on hand until it is covered; a remainder no receipt covers (opening stock) is valued at the CMP.
  Bought 100 at 10 then 200 at 12, 50 sold, 250 on hand: CRP = (200 x 12 + 50 x 10) / 250 =
  11.60, nearer the last price paid than the CMP, which stays (100 x 10 + 200 x 12) / 300 = 11.33.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

HUNDRED = Decimal(100)


class Basis(str, Enum):
	"""The five cost bases a selling price can start from (*Base Calcul Marge*)."""

	LAST_PURCHASE_NET = "Last Purchase Net"  # Dernier Prix Achat (net HT)
	LANDED_COST = "Last Landed Cost"  # Dernier CR (coût réel)
	CMP = "Moving Average Cost"  # CMP
	CRP = "Replacement Cost"  # CRP
	LAST_PURCHASE_GROSS = "Last Purchase Gross"  # Dernier Prix Achat Brut


class PricingError(ValueError):
	"""Input the card cannot price (a negative price, a VAT rate out of range...)."""


def dec(value) -> Decimal:
	"""A Decimal from an int, float, str or Decimal (floats through their shortest repr)."""
	if value is None:
		return Decimal(0)
	if isinstance(value, Decimal):
		return value
	if isinstance(value, float):
		return Decimal(repr(value))
	return Decimal(value)


def round_money(amount, digits: int) -> Decimal:
	"""Round to the currency's smallest fraction (`digits` decimals), half away from zero."""
	return dec(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def round_percent(value) -> Decimal:
	return dec(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _check_rate(name: str, rate: Decimal, upper: Decimal | None = None):
	if rate < 0 or (upper is not None and rate > upper):
		raise PricingError(f"{name} out of range: {rate}")


def price_from_markup(base, markup_percent, digits: int) -> Decimal:
	"""Selling price HT from a cost and a markup on that cost: 100 at 30 % -> 130."""
	base, markup = dec(base), dec(markup_percent)
	if base < 0:
		raise PricingError(f"negative cost: {base}")
	return round_money(base * (1 + markup / HUNDRED), digits)


def markup_on(price, base) -> Decimal | None:
	"""Markup % of a price over a cost ((price - cost) / cost); None without a positive cost."""
	base = dec(base)
	if base <= 0:
		return None
	return round_percent((dec(price) - base) / base * HUNDRED)


def margin_on_price(price, base) -> Decimal | None:
	"""Margin % of the selling price (*taux de marque*, (price - cost) / price)."""
	price = dec(price)
	if price <= 0:
		return None
	return round_percent((price - dec(base)) / price * HUNDRED)


def with_vat(price_ht, vat_percent, digits: int) -> Decimal:
	"""Price incl. VAT (TTC) from the price excl. VAT (HT)."""
	vat = dec(vat_percent)
	_check_rate("VAT rate", vat, HUNDRED)
	return round_money(dec(price_ht) * (1 + vat / HUNDRED), digits)


@dataclass(frozen=True)
class FromTtc:
	"""A price typed incl. VAT: the HT it gives, the TTC rebuilt from that rounded HT, and by how
	much the rebuilt TTC differs from what was typed (0 when the TTC can be reached exactly)."""

	price_ht: Decimal
	price_ttc: Decimal
	difference: Decimal


def from_ttc(price_ttc, vat_percent, digits: int) -> FromTtc:
	"""HT from a typed TTC, rounded to the currency's fraction; the nearest HT whose TTC equals the
	typed one is chosen when one exists (at 20 % VAT every TTC in 0.01 is reachable only from
	some HT: 10.01 TTC -> 8.34 HT -> 10.01; 10.00 TTC -> 8.33 -> 10.00)."""
	ttc, vat = dec(price_ttc), dec(vat_percent)
	_check_rate("VAT rate", vat, HUNDRED)
	if ttc < 0:
		raise PricingError(f"negative price: {ttc}")
	step = Decimal(1).scaleb(-digits)
	exact = round_money(ttc / (1 + vat / HUNDRED), digits)
	best = None
	for candidate in (exact, exact - step, exact + step):
		if candidate < 0:
			continue
		rebuilt = with_vat(candidate, vat, digits)
		difference = rebuilt - round_money(ttc, digits)
		key = (abs(difference), abs(candidate - ttc / (1 + vat / HUNDRED)))
		if best is None or key < best[0]:
			best = (key, FromTtc(candidate, rebuilt, difference))
	return best[1]


def after_discount(price, discount_percent, digits: int) -> Decimal:
	discount = dec(discount_percent)
	_check_rate("discount", discount, HUNDRED)
	return round_money(dec(price) * (1 - discount / HUNDRED), digits)


def effective_discount(price_list_rate, net_rate) -> Decimal | None:
	"""The discount a row really gives, in %: 1 - net rate / price list rate. The net rate is
	ERPNext's row `net_rate` (after the row's discount, its discount amount and its share of the
	document's discount); None when there is no list price to compare with."""
	reference = dec(price_list_rate)
	if reference <= 0:
		return None
	return (1 - dec(net_rate) / reference) * HUNDRED


def exceeds_max_discount(price_list_rate, net_rate, max_discount_percent, digits: int) -> bool:
	"""Whether a row's effective discount is above the item's maximum, judged on money: the net
	rate is compared with the lowest price the maximum allows, both rounded to the currency's
	fraction (so 10 % off 9.99 = 8.991 -> 8.99 is allowed at a 10 % maximum)."""
	reference = dec(price_list_rate)
	maximum = dec(max_discount_percent)
	if reference <= 0 or maximum <= 0:
		return False
	return round_money(net_rate, digits) < after_discount(reference, min(maximum, HUNDRED), digits)


@dataclass(frozen=True)
class Receipt:
	"""One stock receipt: quantity and landed cost per stock unit."""

	qty: Decimal
	rate: Decimal


def replacement_cost(
	on_hand, receipts_newest_first: Iterable[Receipt], fallback_rate, digits: int
) -> Decimal | None:
	"""CRP: the quantity on hand valued at the most recent receipts (see the module docstring)."""
	remaining = dec(on_hand)
	if remaining <= 0:
		return None
	total_qty, value = remaining, Decimal(0)
	for receipt in receipts_newest_first:
		if remaining <= 0:
			break
		taken = min(remaining, dec(receipt.qty))
		if taken <= 0:
			continue
		value += taken * dec(receipt.rate)
		remaining -= taken
	if remaining > 0:
		if fallback_rate is None:
			total_qty -= remaining  # nothing to value the rest with: the receipts alone
			if total_qty <= 0:
				return None
		else:
			value += remaining * dec(fallback_rate)
	return round_money(value / total_qty, digits)


@dataclass(frozen=True)
class CostBases:
	"""The five bases of one item (company currency per stock unit); None when unknown."""

	last_purchase_gross: Decimal | None = None
	last_purchase_net: Decimal | None = None
	landed_cost: Decimal | None = None
	cmp: Decimal | None = None
	crp: Decimal | None = None

	def value(self, basis: Basis) -> Decimal | None:
		return {
			Basis.LAST_PURCHASE_GROSS: self.last_purchase_gross,
			Basis.LAST_PURCHASE_NET: self.last_purchase_net,
			Basis.LANDED_COST: self.landed_cost,
			Basis.CMP: self.cmp,
			Basis.CRP: self.crp,
		}[basis]

	def items(self) -> list[tuple[Basis, Decimal | None]]:
		return [(basis, self.value(basis)) for basis in Basis]


@dataclass(frozen=True)
class Card:
	"""The selling side of the card (*Tarif Article*)."""

	basis: Basis
	base_value: Decimal | None
	price_ht: Decimal
	price_ttc: Decimal
	vat_percent: Decimal
	max_discount: Decimal
	net_ht_after_max_discount: Decimal
	markup_on_base: Decimal | None
	markup_on_gross: Decimal | None
	markup_on_net: Decimal | None
	real_markup: Decimal | None  # on the base, after the max discount
	margin_on_price: Decimal | None
	ttc_difference: Decimal = Decimal(0)


def card(
	bases: CostBases,
	basis: Basis,
	vat_percent,
	max_discount,
	digits: int,
	*,
	markup_percent=None,
	price_ht=None,
	price_ttc=None,
) -> Card:
	"""The card from any one of markup %, price HT or price TTC (checked in that order of
	precedence: the one the user typed)."""
	vat = dec(vat_percent)
	base = bases.value(basis)
	difference = Decimal(0)
	if price_ttc is not None:
		found = from_ttc(price_ttc, vat, digits)
		ht, difference = found.price_ht, found.difference
	elif price_ht is not None:
		ht = round_money(price_ht, digits)
	elif markup_percent is not None:
		if base is None:
			raise PricingError(f"no {basis.value} known to apply a markup to")
		ht = price_from_markup(base, markup_percent, digits)
	else:
		raise PricingError("give a markup, a price excl. VAT or a price incl. VAT")
	if ht < 0:
		raise PricingError(f"negative price: {ht}")
	maximum = dec(max_discount)
	net = after_discount(ht, maximum, digits)
	return Card(
		basis=basis,
		base_value=base,
		price_ht=ht,
		price_ttc=with_vat(ht, vat, digits),
		vat_percent=vat,
		max_discount=maximum,
		net_ht_after_max_discount=net,
		markup_on_base=markup_on(ht, base) if base is not None else None,
		markup_on_gross=markup_on(ht, bases.last_purchase_gross)
		if bases.last_purchase_gross is not None
		else None,
		markup_on_net=markup_on(ht, bases.last_purchase_net) if bases.last_purchase_net is not None else None,
		real_markup=markup_on(net, base) if base is not None else None,
		margin_on_price=margin_on_price(ht, base) if base is not None else None,
		ttc_difference=difference,
	)


@dataclass(frozen=True)
class SimulationRow:
	discount: Decimal
	net_ht: Decimal
	net_ttc: Decimal
	#: per basis: (margin amount per unit, markup % on that basis)
	margins: dict[Basis, tuple[Decimal, Decimal | None]] = field(default_factory=dict)


def break_even_discount(price_ht, base) -> Decimal | None:
	"""The discount % at which the net price equals the cost (below 0: sold at a loss already)."""
	price = dec(price_ht)
	if price <= 0 or base is None:
		return None
	return round_percent((1 - dec(base) / price) * HUNDRED)


def discount_steps(max_discount, step) -> list[Decimal]:
	"""0, step, 2 x step ... up to the max discount (included)."""
	maximum, step = dec(max_discount), dec(step)
	if step <= 0:
		raise PricingError("the discount step must be positive")
	steps, current = [], Decimal(0)
	while current < maximum:
		steps.append(current)
		current += step
	steps.append(maximum)
	return steps


def simulate(
	price_ht,
	bases: CostBases,
	vat_percent,
	discounts: Sequence,
	digits: int,
	qty=1,
	cost_shift_percent=0,
) -> list[SimulationRow]:
	"""What a sale of `qty` at each discount would earn on each known basis (costs shifted by
	`cost_shift_percent`, e.g. +5 for "what if costs rise 5 %"). Margin amounts are per `qty`."""
	quantity, shift = dec(qty), dec(cost_shift_percent)
	rows = []
	for discount in discounts:
		net = after_discount(price_ht, discount, digits)
		margins = {}
		for basis, value in bases.items():
			if value is None:
				continue
			cost = round_money(dec(value) * (1 + shift / HUNDRED), digits)
			margins[basis] = (round_money((net - cost) * quantity, digits), markup_on(net, cost))
		rows.append(
			SimulationRow(
				discount=dec(discount),
				net_ht=net,
				net_ttc=with_vat(net, vat_percent, digits),
				margins=margins,
			)
		)
	return rows
