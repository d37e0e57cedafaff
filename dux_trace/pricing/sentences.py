"""Numbers in sentences, written as the user's number format writes them (French: "10", "12,5"),
not as Python prints a float ("10.0")."""

from frappe.utils import flt, fmt_money


def number_text(value, precision: int = 2) -> str:
	"""A number in the user's number format, without decimals when it is whole: 10 -> "10",
	12.5 -> "12,50" (French), 1234 -> "1 234"."""
	value = flt(value, precision)
	return fmt_money(value, precision=0 if value == int(value) else precision)


def percent_text(value) -> str:
	"""A percentage in a sentence: "10 %", "12,50 %"."""
	return f"{number_text(value)} %"
