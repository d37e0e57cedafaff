"""Hostile scans: what a broken scanner, a prankster or an attacker may send to a scan field.

A seeded generator (the same scans on every run, so a failure can be replayed by its index), used by
the pure suite (every scan through the GS1 reader) and by the integration suite (scans through each
scan entry point over HTTP). No frappe import.
"""

import random
import string

GS = "\x1d"
VALID_GTIN = "09506000134352"

FRAGMENTS = (
	"' OR 1=1 --",
	'"; DROP TABLE `tabBatch`; --',
	"%",
	"_",
	"%_%",
	"\\",
	"<script>alert(1)</script>",
	'<img src=x onerror="alert(1)">',
	"{{ frappe.session.user }}",
	"{% for x in range(9) %}",
	"${7*7}",
	"\x00",
	"\u202e",
	"\u200b",
	"🙂📦",
	"ﷺ",
	"Ａ",
	"\r\n",
	"\t",
	"../../etc/passwd",
	"javascript:alert(1)",
)

AIS = ("00", "01", "02", "10", "11", "17", "21", "30", "37", "23", "99", "7003", "8200", "9", "422")


def gtin_with_wrong_check_digit(rng: random.Random) -> str:
	body = "".join(rng.choice(string.digits) for _ in range(12))
	check = (10 - sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body))) % 10) % 10
	return body + str((check + rng.randint(1, 9)) % 10)


def random_text(rng: random.Random, size: int) -> str:
	return "".join(chr(rng.choice((rng.randint(0, 0x7F), rng.randint(0x80, 0x2FFF)))) for _ in range(size))


def element_string(rng: random.Random) -> str:
	parts = []
	for _ in range(rng.randint(1, 6)):
		ai = rng.choice(AIS)
		value = rng.choice(
			(
				VALID_GTIN,
				gtin_with_wrong_check_digit(rng),
				"991399",
				"000000",
				"".join(rng.choice(string.digits) for _ in range(rng.randint(0, 30))),
				rng.choice(FRAGMENTS),
				random_text(rng, rng.randint(0, 25)),
			)
		)
		parts.append(ai + value + rng.choice(("", GS, GS + GS, "(", ")")))
	return "".join(parts)


def digital_link(rng: random.Random) -> str:
	query = "&".join(
		rng.choice(("17=991399", "10=", "=", "&&", "%00", "%ZZ", "21=" + rng.choice(FRAGMENTS), "x" * 50))
		for _ in range(rng.randint(0, 5))
	)
	path = rng.choice(
		(
			f"/01/{VALID_GTIN}",
			f"/01/{gtin_with_wrong_check_digit(rng)}",
			f"/01/{VALID_GTIN}/10/{rng.choice(FRAGMENTS)}",
			"/01/",
			"//",
			"/21/x/01/1",
		)
	)
	return rng.choice(("https://id.gs1.org", "http://example.com", "https://", "HTTPS://a.b")) + (
		path + ("?" + query if query else "")
	)


def hostile_scan(rng: random.Random) -> str:
	kind = rng.randrange(12)
	if kind == 0:
		return bytes(rng.randrange(256) for _ in range(rng.randint(0, 64))).decode("latin-1")
	if kind == 1:
		return random_text(rng, rng.randint(0, 80))
	if kind == 2:
		return rng.choice(("]C1", "]d2", "]Q3", "]e0", "", GS)) + element_string(rng)
	if kind == 3:
		return gtin_with_wrong_check_digit(rng)
	if kind == 4:
		return f"01{VALID_GTIN}17{rng.choice(('991399', '250231', '24', 'ABCDEF'))}10{rng.choice(FRAGMENTS)}"
	if kind == 5:
		return GS.join(rng.choice(("", GS, "01" + VALID_GTIN, "10AB")) for _ in range(rng.randint(2, 8)))
	if kind == 6:
		return digital_link(rng)
	if kind == 7:
		return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 4)))
	if kind == 8:
		return (
			"(" + ")(".join(rng.choice(AIS) for _ in range(rng.randint(1, 4))) + ")" + rng.choice(FRAGMENTS)
		)
	if kind == 9:
		return rng.choice(("", " ", "\t\r\n", "\x00", GS))
	if kind == 10:
		return rng.choice(string.ascii_letters) * rng.randint(2000, 5000)
	return rng.choice(FRAGMENTS) + "".join(rng.choice(string.digits) for _ in range(rng.randint(0, 20)))


def hostile_scans(count: int, seed: int = 20261202) -> list[str]:
	rng = random.Random(seed)
	return [hostile_scan(rng) for _ in range(count)]


#: one scan of a megabyte: refused whole, without being parsed or looked up
MEGABYTE_SCAN = "0" * (1024 * 1024)
