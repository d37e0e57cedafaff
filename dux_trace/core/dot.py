"""Tyre DOT date codes (*Stock Par Variant DOT*), without Frappe.

The last four digits of a tyre's DOT code give its week and year of manufacture: "2423" = week 24
of 2023. The manufacturing date is the Monday of that ISO week. A code with week 00, a week the
year does not have (53 only in long ISO years) or a date in the future is impossible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

DOT_PATTERN = re.compile(r"(\d{4})\s*$")


class DotError(ValueError):
	def __init__(self, code: str, reason: str):
		super().__init__(f"{code!r}: {reason}")
		self.code, self.reason = code, reason


@dataclass(frozen=True)
class Dot:
	week: int
	year: int

	@property
	def code(self) -> str:
		return f"{self.week:02d}{self.year % 100:02d}"

	@property
	def manufacturing_date(self) -> date:
		return date.fromisocalendar(self.year, self.week, 1)

	def age_months(self, on: date) -> int:
		made = self.manufacturing_date
		return (on.year - made.year) * 12 + (on.month - made.month) - (1 if on.day < made.day else 0)


def weeks_in(year: int) -> int:
	return date(year, 12, 28).isocalendar()[1]


def parse_dot(text: str, today: date) -> Dot:
	"""The DOT of a code (the full DOT string or just its last 4 digits); raises DotError."""
	cleaned = (text or "").strip().upper()
	match = DOT_PATTERN.search(cleaned)
	if not match:
		raise DotError(text, "no week and year (4 digits) at the end")
	digits = match.group(1)
	week, short_year = int(digits[:2]), int(digits[2:])
	year = 2000 + short_year
	if year > today.year:
		year -= 100  # "2499" read in 2026 is 1999: then too old for a 4-digit code anyway
	if year < 2000:
		raise DotError(text, "4-digit DOT codes start in 2000")
	if week < 1 or week > weeks_in(year):
		raise DotError(text, f"week {week:02d} does not exist in {year}")
	dot = Dot(week, year)
	if dot.manufacturing_date > today:
		raise DotError(text, "date in the future")
	return dot


def from_date(day: date) -> Dot:
	year, week, _weekday = day.isocalendar()
	return Dot(week, year)
