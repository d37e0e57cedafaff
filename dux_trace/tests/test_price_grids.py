"""Price grids on a real site, as a Sales Manager who may write prices (Sales Master Manager):
a sale then gets the grid's rates from ERPNext's own pricing engine."""

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.compat import TestCase
from dux_trace.pricing.grids.validation import GridOverlapError
from dux_trace.tests.test_article_card import make_price_list, purchase_receipt
from dux_trace.tests.utils import COMPANY, CURRENCY, make_customer, make_item, make_user

MANAGER = "chef.tarifs@dux-trace.test"
SELLER = "vendeur.grille@dux-trace.test"
GROUP = "_DUX Yaourts"


def make_item_group(name: str) -> str:
	if not frappe.db.exists("Item Group", name):
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": name, "parent_item_group": "All Item Groups"}
		).insert(ignore_permissions=True)
	return name


def make_customer_group(name: str, price_list: str) -> str:
	if not frappe.db.exists("Customer Group", name):
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": name,
				"parent_customer_group": "All Customer Groups",
				"default_price_list": price_list,
			}
		).insert(ignore_permissions=True)
	return name


def grid(name, **fields):
	doc = frappe.get_doc(
		{
			"doctype": "Dux Price Grid",
			"grid_name": name,
			"company": COMPANY,
			"valid_from": nowdate(),
			**fields,
		}
	)
	return doc.insert()


class TestPriceGrids(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(MANAGER, ["Sales Manager", "Sales Master Manager", "Sales User", "Stock User"])
		make_user(SELLER, ["Sales User", "Accounts User"])
		make_item_group(GROUP)
		cls.fraise = make_item("_DUX Yaourt fraise", "Moving Average", item_group=GROUP).name
		cls.nature = make_item("_DUX Yaourt nature", "Moving Average", item_group=GROUP).name
		purchase_receipt(cls.fraise, 100, 8.40)
		purchase_receipt(cls.nature, 100, 5.00)
		cls.public = make_price_list("Tarif Public MAD")
		cls.wholesale_list = make_price_list("Tarif Grossistes MAD")
		cls.retail_list = make_price_list("Tarif Détaillants MAD")
		for item in (cls.fraise, cls.nature):
			if not frappe.db.exists("Item Price", {"item_code": item, "price_list": cls.public}):
				frappe.get_doc(
					{
						"doctype": "Item Price",
						"item_code": item,
						"price_list": cls.public,
						"price_list_rate": 20,
					}
				).insert()
		make_customer_group("Grossistes", cls.wholesale_list)
		make_customer_group("Détaillants", cls.retail_list)
		cls.wholesaler = make_customer("Grossiste Souss", customer_group="Grossistes")

	def tearDown(self):
		frappe.set_user("Administrator")

	def prices(self, price_list):
		return dict(
			frappe.get_all(
				"Item Price",
				filters={"price_list": price_list, "item_code": ("in", [self.fraise, self.nature])},
				fields=["item_code", "price_list_rate"],
				as_list=True,
			)
		)

	def test_by_margin_on_cmp_rounded_to_90_apply_reapply_undo(self):
		from dux_trace.api.grids import apply_grid, undo_apply

		frappe.set_user(MANAGER)
		price_list = make_price_list("Tarif Marge MAD")
		doc = grid(
			"Marge yaourts",
			applies_to="Price List",
			price_list=price_list,
			method="Margin",
			cost_basis="Moving Average Cost",
			rounding="Ending .90",
			lines=[{"item_group": GROUP, "min_qty": 1, "markup_percent": 30}],
		)
		result = apply_grid(doc.name)
		# 8.40 x 1.30 = 10.92 -> 11.90; 5.00 x 1.30 = 6.50 -> 6.90
		self.assertEqual(self.prices(price_list), {self.fraise: 11.90, self.nature: 6.90})
		history = frappe.get_doc("Dux Price Grid Apply", result["history"])
		self.assertEqual((history.applied_by, len(history.changes)), (MANAGER, 2))
		self.assertIsNone(apply_grid(doc.name)["history"])  # applying again changes nothing
		undo_apply(history.name)
		self.assertEqual(self.prices(price_list), {})

	def test_prices_written_together_are_erpnext_item_prices_and_a_new_markup_updates_them(self):
		"""The apply writes its Item Prices by batches (not one document save each): they must be
		what ERPNext's own Item Price would be, found by ERPNext's price lookup, updated in place
		by the next apply and restored by Undo."""
		from erpnext.stock.get_item_details import get_price_list_rate_for

		from dux_trace.api.grids import apply_grid, undo_apply

		frappe.set_user(MANAGER)
		price_list = make_price_list("Tarif Lot MAD")
		doc = grid(
			"Marge en lot",
			applies_to="Price List",
			price_list=price_list,
			method="Margin",
			cost_basis="Moving Average Cost",
			rounding="Currency Fraction",
			lines=[{"item_group": GROUP, "min_qty": 1, "markup_percent": 50}],
		)
		apply_grid(doc.name)
		name = frappe.db.get_value("Item Price", {"price_list": price_list, "item_code": self.fraise})
		price = frappe.get_doc("Item Price", name)
		item = frappe.get_doc("Item", self.fraise)
		self.assertEqual(
			(price.item_name, price.item_description, price.currency, price.selling, price.buying),
			(item.item_name, item.description, "MAD", 1, 0),
		)
		self.assertEqual((price.uom, price.owner, price.price_list_rate), (item.stock_uom, MANAGER, 12.6))
		price.validate()  # ERPNext's own checks hold on it: item, unit, price list, no duplicate
		lookup = frappe._dict(price_list=price_list, uom=item.stock_uom, transaction_date=nowdate(), qty=1)
		self.assertEqual(get_price_list_rate_for(lookup, self.fraise), 12.6)  # 8.40 x 1.50

		doc.reload()
		doc.lines[0].markup_percent = 60
		doc.save()
		second = apply_grid(doc.name)["history"]
		history = frappe.get_doc("Dux Price Grid Apply", second)
		self.assertEqual(
			[
				(c.record_name, c.action, c.old_rate, c.new_rate)
				for c in history.changes
				if c.item_code == self.fraise
			],
			[(name, "Updated", 12.6, 13.44)],
		)
		self.assertEqual(frappe.db.get_value("Item Price", name, "price_list_rate"), 13.44)
		self.assertEqual(frappe.db.count("Item Price", {"price_list": price_list}), 2)
		undo_apply(second)
		self.assertEqual(frappe.db.get_value("Item Price", name, "price_list_rate"), 12.6)

	def test_a_line_below_its_floor_is_flagged_and_not_written(self):
		from dux_trace.api.grids import apply_grid, preview

		frappe.set_user(MANAGER)
		price_list = make_price_list("Tarif Plancher MAD")
		doc = grid(
			"Plancher yaourts",
			applies_to="Price List",
			price_list=price_list,
			method="Discount",
			reference_price_list=self.public,
			rounding="Currency Fraction",
			min_margin_percent=100,
			lines=[{"item_group": GROUP, "min_qty": 1, "discount_percent": 10}],
		)
		rows = {row["item_code"]: row for row in preview(doc.name)}
		# 20 - 10 % = 18.00: under 8.40 x 2 = 16.80? no; nature 5.00 x 2 = 10 fine; fraise fine too
		self.assertEqual(rows[self.fraise]["flags"], "")
		doc.min_margin_percent = 120  # floor 8.40 x 2.2 = 18.48 > 18: fraise flagged
		doc.save()
		rows = {row["item_code"]: row for row in preview(doc.name)}
		self.assertEqual(rows[self.fraise]["flags"], "Below floor")
		apply_grid(doc.name)
		self.assertEqual(self.prices(price_list), {self.nature: 18.0})

	def test_by_discount_for_wholesalers_with_quantity_breaks_and_a_period(self):
		from dux_trace.api.grids import apply_grid, undo_apply

		frappe.set_user(MANAGER)
		lines = [
			{"item_group": GROUP, "min_qty": 1, "discount_percent": 10},
			{"item_group": GROUP, "min_qty": 10, "discount_percent": 15},
			{"item_group": GROUP, "min_qty": 50, "discount_percent": 20},
		]
		common = {
			"method": "Discount",
			"reference_price_list": self.public,
			"rounding": "Currency Fraction",
			"valid_upto": add_days(nowdate(), 2),
		}
		doc = grid(
			"Grossistes yaourts",
			applies_to="Customer Group",
			customer_group="Grossistes",
			lines=lines,
			**common,
		)
		apply_grid(doc.name)
		# a second grid for another group over the same items and period: no Pricing Rule conflict
		other = grid(
			"Détaillants yaourts",
			applies_to="Customer Group",
			customer_group="Détaillants",
			lines=lines,
			**common,
		)
		apply_grid(other.name)

		frappe.set_user(SELLER)
		for qty, rate in ((1, 18.0), (10, 17.0), (50, 16.0)):
			with self.subTest(qty=qty):
				invoice = sale(self.wholesaler, self.fraise, qty)
				self.assertEqual(
					(invoice.selling_price_list, invoice.items[0].rate), (self.wholesale_list, rate)
				)
		after = sale(self.wholesaler, self.fraise, 50, on=add_days(nowdate(), 3))
		self.assertNotIn(after.items[0].rate, (16.0, 17.0, 18.0))
		self.assertFalse(after.items[0].pricing_rules)

		frappe.set_user(MANAGER)
		with self.assertRaises(GridOverlapError) as refused:
			grid(
				"Grossistes bis",
				applies_to="Customer Group",
				customer_group="Grossistes",
				lines=lines[:1],
				**common,
			)
		self.assertIn("Grossistes yaourts", str(refused.exception))

		# the breaks are ERPNext Pricing Rules (written together, not one save each): named by
		# ERPNext's series, valid by its own checks; Undo takes them away with their item rows
		rules = frappe.get_all("Pricing Rule", filters={"title": ("like", f"{doc.name}: %")}, pluck="name")
		self.assertEqual(len(rules), 4)  # two items x the breaks 10 and 50
		rule = frappe.get_doc("Pricing Rule", rules[0])
		self.assertTrue(rule.name.startswith("PRLE-"), rule.name)
		self.assertEqual(rule.owner, MANAGER)
		self.assertIn(rule.items[0].item_code, (self.fraise, self.nature))
		rule.validate()
		undo_apply(frappe.db.get_value("Dux Price Grid Apply", {"grid": doc.name, "status": "Applied"}))
		self.assertEqual(frappe.get_all("Pricing Rule", filters={"name": ("in", rules)}), [])
		self.assertEqual(frappe.get_all("Pricing Rule Item Code", filters={"parent": ("in", rules)}), [])
		invoice = sale(self.wholesaler, self.fraise, 50)
		self.assertFalse(invoice.items[0].pricing_rules)

	def test_bulk_edit_then_reapply(self):
		from dux_trace.api.grids import apply_grid, bulk_edit

		frappe.set_user(MANAGER)
		price_list = make_price_list("Tarif Révision MAD")
		doc = grid(
			"Révision yaourts",
			applies_to="Price List",
			price_list=price_list,
			method="Margin",
			cost_basis="Moving Average Cost",
			rounding="Currency Fraction",
			lines=[
				{"item_code": self.fraise, "markup_percent": 50},
				{"item_code": self.nature, "markup_percent": 50},
			],
		)
		apply_grid(doc.name)
		self.assertEqual(bulk_edit(doc.name, item_group=GROUP, by_percent=-20), 2)  # 50 % -> 40 %
		result = apply_grid(doc.name)
		self.assertEqual(self.prices(price_list), {self.fraise: 11.76, self.nature: 7.0})
		changes = frappe.get_doc("Dux Price Grid Apply", result["history"]).changes
		self.assertEqual(sorted((c.old_rate, c.new_rate) for c in changes), [(7.5, 7.0), (12.6, 11.76)])

	def test_a_new_grid_starts_today_and_its_blank_last_row_is_dropped(self):
		"""The form leaves an empty row at the end of the lines (its From Quantity is 1): the save
		drops it instead of refusing "give an item or an item group"."""
		frappe.set_user(MANAGER)
		self.assertEqual(str(frappe.new_doc("Dux Price Grid").valid_from), nowdate())
		doc = frappe.get_doc(
			{
				"doctype": "Dux Price Grid",
				"grid_name": "Grille ligne vide",
				"company": COMPANY,
				"applies_to": "Price List",
				"price_list": make_price_list("Tarif Ligne Vide MAD"),
				"method": "Margin",
				"lines": [
					{"item_group": GROUP, "min_qty": 1, "markup_percent": 30},
					{"min_qty": 1},
				],
			}
		).insert()
		self.assertEqual(str(doc.valid_from), nowdate())
		self.assertEqual([(line.idx, line.item_group) for line in doc.lines], [(1, GROUP)])
		doc.append("lines", {"min_qty": 1, "markup_percent": 0})
		doc.save()
		self.assertEqual(len(doc.lines), 1)

	def test_apply_and_undo_say_what_they_did_in_french_and_the_history_reads(self):
		from frappe.translate import print_language

		from dux_trace.api.grids import apply_grid, undo_apply

		frappe.set_user(MANAGER)
		price_list = make_price_list("Tarif Comptes MAD")
		doc = grid(
			"Grille comptée",
			applies_to="Price List",
			price_list=price_list,
			method="Margin",
			cost_basis="Moving Average Cost",
			rounding="Currency Fraction",
			lines=[
				{"item_group": GROUP, "min_qty": 1, "markup_percent": 30},
				{"item_group": GROUP, "min_qty": 10, "markup_percent": 25},
			],
		)
		with print_language("fr"):
			result = apply_grid(doc.name)
		self.assertEqual((result["prices"], result["rules"]), (2, 2))
		self.assertEqual(result["message"], "2 prix écrits, 2 règles de quantité")
		history = frappe.get_doc("Dux Price Grid Apply", result["history"])
		self.assertRegex(history.title, r"^Grille comptée — \d\d/\d\d/\d{4} \d\d:\d\d$")
		self.assertEqual(frappe.get_meta("Dux Price Grid Apply").title_field, "title")
		# created records had no old price: 0 is stored, the form shows "—" for Created
		self.assertEqual({(c.action, c.old_rate) for c in history.changes}, {("Created", 0)})
		with print_language("fr"):
			undone = undo_apply(history.name)
		self.assertEqual(undone["message"], "2 prix rétablis, 2 règles de quantité rétablies")
		self.assertEqual(self.prices(price_list), {})

	def test_a_seller_cannot_apply(self):
		from dux_trace.api.grids import apply_grid

		frappe.set_user(MANAGER)
		doc = grid(
			"Vendeur yaourts",
			applies_to="Price List",
			price_list=make_price_list("Tarif Vendeur MAD"),
			method="Margin",
			rounding="Currency Fraction",
			lines=[{"item_group": GROUP, "markup_percent": 10}],
		)
		frappe.set_user(SELLER)
		with self.assertRaises(frappe.PermissionError):
			apply_grid(doc.name)


def sale(customer, item_code, qty, on=None):
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"company": COMPANY,
			"customer": customer,
			"currency": CURRENCY,
			"posting_date": on or nowdate(),
			"set_posting_time": 1,
			"due_date": on or nowdate(),
			"items": [{"item_code": item_code, "qty": qty}],
		}
	)
	doc.set_missing_values()  # ERPNext's price list and pricing rules, as the desk fills them
	doc.calculate_taxes_and_totals()
	return doc
