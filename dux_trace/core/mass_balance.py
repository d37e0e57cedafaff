"""Mass balance of a lot: where every unit that came in went.

The rule, in the lot's stock unit:

    received + produced - left - on hand = unexplained difference

- **received**: receipts from outside (a purchase receipt or invoice, with its supplier; a material
  receipt), one line per receipt;
- **produced**: the lot made by a manufacture or a repack, one line per production entry;
- **left**, net: delivered (one line per customer), consumed in production (per entry, with the lots
  it made), returned to suppliers (per supplier), issued (material issues: scrap, samples... one
  line per purpose), minus what customers returned (per customer), minus or plus the stock
  reconciliations (per reconciliation: a count above the books adds, below takes away); a transfer
  between warehouses moves the lot without changing it (its legs cancel; a leg to or from a
  warehouse the reader may not see counts as in or out, as any other movement);
- **on hand**: per warehouse, the units under an open recall (quarantine) apart.

Each movement comes signed: + into the lot's stock, - out of it. The difference is the sum of the
movements minus the stock on hand: zero when the books are right, whatever the order or number of
movements; a movement missing from the ledger while the stock still reflects it shows as a
difference of its quantity (the unit went and nobody says where, or came and nobody says whence).
In % it is the difference over received + produced (None when nothing was received or produced
and there is a difference; 0 when there is none).

Frappe-free: the caller reads the movements (`dux_trace.stock.mass_balance`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

RECEIVED = "received"
PRODUCED = "produced"
DELIVERED = "delivered"
CONSUMED = "consumed"
CUSTOMER_RETURN = "customer_return"
SUPPLIER_RETURN = "supplier_return"
ISSUED = "issued"
ADJUSTED = "adjusted"
TRANSFER = "transfer"
OTHER = "other"

#: the kinds, in the order the balance shows them
KINDS = (
	RECEIVED,
	PRODUCED,
	DELIVERED,
	CONSUMED,
	CUSTOMER_RETURN,
	SUPPLIER_RETURN,
	ISSUED,
	ADJUSTED,
	TRANSFER,
	OTHER,
)
#: what came into the lot's existence (the rest is what left, net)
ENTERED = (RECEIVED, PRODUCED)

#: how the lines of each kind are grouped: per document, per party or per purpose
_GROUP_BY = {
	RECEIVED: "voucher",
	PRODUCED: "voucher",
	DELIVERED: "party",
	CONSUMED: "voucher",
	CUSTOMER_RETURN: "party",
	SUPPLIER_RETURN: "party",
	ISSUED: "detail",
	ADJUSTED: "voucher",
	TRANSFER: "voucher",
	OTHER: "voucher",
}

#: quantities are compared at this many decimals (the ledger keeps 9; units are never finer)
PRECISION = 6


@dataclass(frozen=True)
class Movement:
	"""One movement of the lot: `qty` signed (+ in, - out), in the stock unit."""

	kind: str
	qty: float
	warehouse: str | None = None
	party: str | None = None
	voucher_type: str | None = None
	voucher_no: str | None = None
	#: a receipt's supplier lot, a consumption's output lots, an issue's purpose
	detail: str | None = None
	party_name: str | None = None


@dataclass(frozen=True)
class OnHand:
	warehouse: str | None
	qty: float
	quarantined: bool = False


@dataclass
class BalanceLine:
	kind: str
	qty: float
	party: str | None = None
	party_name: str | None = None
	voucher_type: str | None = None
	voucher_no: str | None = None
	detail: str | None = None
	warehouse: str | None = None
	vouchers: list[tuple[str | None, str | None]] = field(default_factory=list)


@dataclass
class Balance:
	lines: list[BalanceLine]
	on_hand: list[OnHand]
	totals: dict[str, float]
	received: float
	produced: float
	left: float
	stock: float
	quarantined: float
	difference: float
	difference_pct: float | None

	@property
	def is_exact(self) -> bool:
		return self.difference == 0


def _round(value: float) -> float:
	return round(value, PRECISION) + 0.0  # no -0.0


def balance(movements: Iterable[Movement], on_hand: Iterable[OnHand]) -> Balance:
	"""The lot's balance: its lines per kind (grouped as `_GROUP_BY` says, empty groups left out),
	the totals per kind (signed), and the unexplained difference."""
	movements = list(movements)
	on_hand = [row for row in on_hand if _round(row.qty) != 0]
	totals = dict.fromkeys(KINDS, 0.0)
	groups: dict[tuple, BalanceLine] = {}
	for m in movements:
		kind = m.kind if m.kind in totals else OTHER
		totals[kind] += m.qty
		by = _GROUP_BY[kind]
		key = (
			kind,
			(m.voucher_type, m.voucher_no) if by == "voucher" else m.party if by == "party" else m.detail,
		)
		line = groups.get(key)
		if line is None:
			line = groups[key] = BalanceLine(
				kind=kind,
				qty=0.0,
				party=m.party,
				party_name=m.party_name,
				voucher_type=m.voucher_type if by == "voucher" else None,
				voucher_no=m.voucher_no if by == "voucher" else None,
				detail=m.detail,
				warehouse=m.warehouse,
			)
		line.qty += m.qty
		if (m.voucher_type, m.voucher_no) not in line.vouchers:
			line.vouchers.append((m.voucher_type, m.voucher_no))
		if line.warehouse != m.warehouse:
			line.warehouse = None  # several warehouses
	lines = [line for line in groups.values() if _round(line.qty) != 0]
	for line in lines:
		line.qty = _round(line.qty)
	lines.sort(key=lambda line: KINDS.index(line.kind))
	totals = {kind: _round(qty) for kind, qty in totals.items()}
	stock = _round(sum(row.qty for row in on_hand))
	quarantined = _round(sum(row.qty for row in on_hand if row.quarantined))
	received, produced = totals[RECEIVED], totals[PRODUCED]
	difference = _round(sum(m.qty for m in movements) - stock)
	left = _round(received + produced - stock - difference)
	entered = received + produced
	if difference == 0:
		pct = 0.0
	elif _round(entered) == 0:
		pct = None
	else:
		pct = _round(100 * difference / entered)
	return Balance(
		lines=lines,
		on_hand=on_hand,
		totals=totals,
		received=received,
		produced=produced,
		left=left,
		stock=stock,
		quarantined=quarantined,
		difference=difference,
		difference_pct=pct,
	)
