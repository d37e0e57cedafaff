"""The article card on a real site, as the people who price items: an Item Manager who also manages
stock (sees costs) and a Sales User (sells, sees no costs).

Receipts, a Landed Cost Voucher and a stock issue are ERPNext's own documents; the five cost bases
are then checked against figures computed by hand below."""

import frappe
from frappe.utils import add_days, nowdate

from dux_trace.companies import currency_digits
from dux_trace.compat import TestCase, change_settings
from dux_trace.pricing.discounts import MaxDiscountExceededError
from dux_trace.tests.utils import (
	COMPANY,
	CURRENCY,
	CUSTOMER,
	STORES,
	SUPPLIER,
	make_company,
	make_item,
	make_user,
	make_warehouse,
)

PRICER = "tarifs@dux-trace.test"
SELLER = "vendeur.tarif@dux-trace.test"
MANAGER = "chef.ventes@dux-trace.test"
PRICE_LIST = "Tarif Public MAD"


def make_price_list(name: str = PRICE_LIST, currency: str = CURRENCY) -> str:
	if not frappe.db.exists("Price List", name):
		frappe.get_doc(
			{"doctype": "Price List", "price_list_name": name, "currency": currency, "selling": 1}
		).insert(ignore_permissions=True)
	return name


def purchase_receipt(
	item_code,
	qty,
	price,
	*,
	discount=0,
	currency=CURRENCY,
	rate=1,
	company=COMPANY,
	warehouse=STORES,
	doctype="Purchase Receipt",
	**fields,
):
	"""A submitted Purchase Receipt at a supplier price (before discount) in the supplier's currency;
	with doctype "Purchase Invoice", an invoice that receives the goods itself (update_stock).
	`fields` go on the document (e.g. set_posting_time and posting_date)."""
	if doctype == "Purchase Invoice":
		fields = {"update_stock": 1, "posting_date": nowdate(), "due_date": add_days(nowdate(), 30), **fields}
	doc = frappe.get_doc(
		{
			"doctype": doctype,
			**fields,
			"company": company,
			"supplier": SUPPLIER,
			"currency": currency,
			"conversion_rate": rate,
			"buying_price_list": "",
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"price_list_rate": price,
					"discount_percentage": discount,
					"warehouse": warehouse,
					"uom": "Nos",
					"conversion_factor": 1,
				}
			],
		}
	)
	doc.insert()
	doc.submit()
	return doc


def landed_cost(receipt, amount):
	account = (
		frappe.get_cached_value("Company", receipt.company, "expenses_included_in_valuation")
		or frappe.db.get_value(  # version-16 companies may leave the field empty
			"Account",
			{"company": receipt.company, "account_type": "Expenses Included In Valuation", "is_group": 0},
		)
		or frappe.get_cached_value("Company", receipt.company, "stock_adjustment_account")
	)
	voucher = frappe.get_doc(
		{
			"doctype": "Landed Cost Voucher",
			"company": receipt.company,
			"distribute_charges_based_on": "Amount",
			"purchase_receipts": [
				{
					"receipt_document_type": "Purchase Receipt",
					"receipt_document": receipt.name,
					"supplier": receipt.supplier,
					"posting_date": receipt.posting_date,
					"grand_total": receipt.base_grand_total,
				}
			],
			"taxes": [{"expense_account": account, "description": "Transport et douane", "amount": amount}],
		}
	)
	voucher.get_items_from_purchase_receipts()
	voucher.insert()
	voucher.submit()
	return voucher


class TestArticleCard(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(PRICER, ["Item Manager", "Stock Manager", "Stock User", "Sales Master Manager"])
		make_user(SELLER, ["Sales User", "Accounts User"])  # ERPNext: invoices are the Accounts User's
		make_user(MANAGER, ["Sales User", "Sales Manager", "Accounts User"])
		frappe.db.set_value("Currency", "EUR", "enabled", 1)
		make_price_list()
		frappe.db.set_single_value("Dux Trace Settings", "card_price_list", PRICE_LIST)
		frappe.db.set_single_value("Dux Trace Settings", "discount_override_role", "Sales Manager")
		frappe.db.set_single_value("Global Defaults", "default_company", COMPANY)
		frappe.defaults.set_global_default("company", COMPANY)
		cls.item = make_item("_DUX Écran 24 pouces", "Moving Average", max_discount=10).name
		# 100 at 10 MAD, then 200 at 1.50 EUR less 10 % (1 EUR = 10.80 MAD) with 243 MAD of transport
		purchase_receipt(cls.item, 100, 10)
		cls.second = purchase_receipt(cls.item, 200, 1.5, discount=10, currency="EUR", rate=10.8)
		landed_cost(cls.second, 243)
		# 50 leave: 250 on hand
		from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

		make_stock_entry(item_code=cls.item, qty=50, from_warehouse=STORES, company=COMPANY)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_the_five_bases_as_computed_by_hand(self):
		from dux_trace.api.pricing import get_card

		frappe.set_user(PRICER)
		card = get_card(self.item)
		bases = {row["basis"]: row["value"] for row in card["bases"]}
		# gross 1.50 EUR x 10.80 = 16.20; net 1.35 EUR = 14.58; landed 14.58 + 243 / 200 = 15.795
		# CMP (moving average): (100 x 10 + 200 x 15.795) / 300 = 13.8633, unchanged by the issue
		# CRP: the 250 on hand at the latest receipts: (200 x 15.795 + 50 x 10) / 250 = 14.636
		self.assertEqual(
			bases,
			{
				"Last Purchase Gross": 16.20,
				"Last Purchase Net": 14.58,
				"Last Landed Cost": 15.80,
				"Moving Average Cost": 13.86,
				"Replacement Cost": 14.64,
			},
		)
		purchase = card["last_purchase"]
		self.assertEqual(
			(
				purchase["currency"],
				purchase["price_in_currency"],
				purchase["discount_percent"],
				purchase["discount_amount"],
			),
			("EUR", 1.5, 10.0, 1.62),
		)

	def test_a_markup_gives_ht_ttc_and_the_margins(self):
		from dux_trace.api.pricing import get_card

		frappe.set_user(PRICER)
		card = get_card(self.item, markup=30, margin_basis="Moving Average Cost")
		# 13.86 x 1.30 = 18.018 -> 18.02; no VAT template: TTC = HT; 10 % max: 16.22 net, 17.03 % over the CMP
		self.assertEqual(
			(card["price_ht"], card["price_ttc"], card["net_ht_after_max_discount"], card["real_markup"]),
			(18.02, 18.02, 16.22, 17.03),
		)

	def test_a_ttc_typed_gives_the_ht_that_rebuilds_it_with_vat(self):
		from dux_trace.api.pricing import get_card

		template = make_vat_template("TVA 20 % Dux", 20)
		item = frappe.get_doc("Item", self.item)
		item.append("taxes", {"item_tax_template": template})
		item.save()
		frappe.set_user(PRICER)
		card = get_card(self.item, price_ttc="10.01")
		self.assertEqual(
			(card["vat_percent"], card["price_ht"], card["price_ttc"], card["ttc_difference"]),
			(20.0, 8.34, 10.01, 0.0),
		)

	def test_saving_the_card_writes_the_price_a_sale_then_uses(self):
		frappe.set_user(PRICER)
		item = frappe.get_doc("Item", self.item)
		item.dux_margin_basis = "Last Purchase Net"
		item.dux_markup_percent = 40
		item.save()
		self.assertEqual(item.dux_selling_price, 20.41)  # 14.58 x 1.40 = 20.412
		price = frappe.db.get_value(
			"Item Price",
			{"item_code": self.item, "price_list": PRICE_LIST},
			["price_list_rate", "valid_from", "currency"],
			as_dict=True,
		)
		self.assertEqual(
			(price.price_list_rate, str(price.valid_from), price.currency), (20.41, nowdate(), CURRENCY)
		)

		# saving again without a change writes nothing; a new price the next day keeps the old one's history
		item.save()
		self.assertEqual(frappe.db.count("Item Price", {"item_code": self.item, "price_list": PRICE_LIST}), 1)

		frappe.set_user(SELLER)
		invoice = sales_invoice(self.item, 2)
		self.assertEqual((invoice.items[0].price_list_rate, invoice.items[0].rate), (20.41, 20.41))

	def test_a_seller_sees_no_costs(self):
		from dux_trace.api.pricing import get_card

		frappe.set_user(SELLER)
		card = get_card(self.item)
		self.assertFalse(card["costs_visible"])
		self.assertEqual({row["value"] for row in card["bases"]}, {None})
		self.assertIsNone(card["last_purchase"])

	def test_a_header_discount_over_the_maximum_is_refused_and_the_override_recorded(self):
		frappe.set_user("Administrator")
		set_price(self.item, 20)
		frappe.set_user(SELLER)
		invoice = sales_invoice(self.item, 1, do_not_insert=True)
		invoice.items[0].discount_percentage = 5  # within the item's 10 %
		invoice.additional_discount_percentage = 10  # ... but 14.5 % in all
		invoice.apply_discount_on = "Net Total"
		with self.assertRaises(MaxDiscountExceededError) as refused:
			invoice.insert()
		self.assertIn("10", str(refused.exception))
		self.assertIn("14.5", str(refused.exception))

		manager = MANAGER
		frappe.set_user(manager)
		invoice.dux_discount_override_reason = "Client grossiste, accord du directeur"
		invoice.insert()
		invoice.submit()
		comment = frappe.db.get_value(
			"Comment",
			{"reference_doctype": "Sales Invoice", "reference_name": invoice.name, "comment_type": "Info"},
			"content",
		)
		self.assertIn("accord du directeur", comment)
		self.assertIn(manager, comment)

	def test_the_simulation_table(self):
		from dux_trace.api.pricing import simulate_sale

		frappe.set_user("Administrator")
		set_price(self.item, 20)
		frappe.set_user(PRICER)
		result = simulate_sale(self.item, qty=3, price_list=PRICE_LIST, discount_step=5)
		self.assertEqual([row["discount"] for row in result["rows"]], [0, 5, 10])
		self.assertEqual([row["net_ht"] for row in result["rows"]], [20.0, 19.0, 18.0])
		# at 10 % off, on the CMP 13.86: (18 - 13.86) x 3 = 12.42, markup 29.87 %
		self.assertEqual(result["rows"][2]["margins"]["Moving Average Cost"], [12.42, 29.87])
		self.assertEqual(result["break_even_discount"]["Moving Average Cost"], 30.7)
		self.assertEqual(
			frappe.db.count("Sales Invoice", {"customer": CUSTOMER, "docstatus": 0, "owner": PRICER}), 0
		)
		with self.assertRaises(frappe.ValidationError):
			simulate_sale(self.item, qty=-1)


class TestArticleCardInTunisianDinars(TestCase):
	"""TND has 3 decimals: the card rounds to the millime."""

	def test_prices_round_to_the_millime(self):
		from dux_trace.pricing.card import compute

		company = make_company("Dux Test Tunisie", "DTT", currency="TND", country="Tunisia")
		warehouse = make_warehouse("Magasin - DTT", company)
		self.assertEqual(currency_digits("TND"), 3)
		with change_settings("System Settings", {"currency_precision": "3", "float_precision": "3"}):
			item = make_item("_DUX Harissa 380 g", "Moving Average")
			item.append("item_defaults", {"company": company, "default_warehouse": warehouse})
			item.save()
			purchase_receipt(item.name, 12, 1.125, currency="TND", company=company, warehouse=warehouse)
			card = compute(item, company, markup=33)
		self.assertEqual(card["currency"], "TND")
		# 1.125 x 1.33 = 1.49625 -> 1.496
		self.assertEqual((card["base_value"], card["price_ht"]), (1.125, 1.496))


def make_vat_template(title: str, rate: float) -> str:
	name = frappe.db.get_value("Item Tax Template", {"title": title, "company": COMPANY})
	if name:
		return name
	account = frappe.db.get_value("Account", {"company": COMPANY, "account_type": "Tax", "is_group": 0})
	if not account:
		parent = frappe.db.get_value("Account", {"company": COMPANY, "root_type": "Liability", "is_group": 1})
		account = (
			frappe.get_doc(
				{
					"doctype": "Account",
					"account_name": "TVA facturée",
					"company": COMPANY,
					"parent_account": parent,
					"account_type": "Tax",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	return (
		frappe.get_doc(
			{
				"doctype": "Item Tax Template",
				"title": title,
				"company": COMPANY,
				"taxes": [{"tax_type": account, "tax_rate": rate}],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def set_price(item_code: str, rate: float):
	item = frappe.get_doc("Item", item_code)
	item.dux_selling_price = rate
	item.save()


def sales_invoice(item_code, qty, do_not_insert=False):
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"company": COMPANY,
			"customer": CUSTOMER,
			"currency": CURRENCY,
			"selling_price_list": PRICE_LIST,
			"posting_date": nowdate(),
			"due_date": add_days(nowdate(), 30),
			"items": [{"item_code": item_code, "qty": qty}],
		}
	)
	doc.set_missing_values()  # ERPNext fills each row's price from the price list, as the desk does
	if do_not_insert:
		return doc
	return doc.insert()


class TestRecalculation(TestCase):
	"""Recalculate CMP/CRP and global stock, as a Stock Manager."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(PRICER, ["Item Manager", "Stock Manager", "Stock User", "Sales Master Manager"])
		cls.item = make_item("_DUX Pneu 205/55 R16", "Moving Average").name
		purchase_receipt(cls.item, 8, 400)
		purchase_receipt(cls.item, 4, 430)

	def tearDown(self):
		frappe.set_user("Administrator")

	def recalculate(self, kind: str):
		from dux_trace.pricing.recalculation import run

		frappe.set_user(PRICER)
		doc = frappe.get_doc(
			{"doctype": "Dux Recalculation", "kind": kind, "company": COMPANY, "item_code": self.item}
		).insert()
		run(doc.name)  # the background job, run here in the test's transaction
		return frappe.get_doc("Dux Recalculation", doc.name)

	def test_costs_are_stored_once_and_a_second_run_changes_nothing(self):
		first = self.recalculate("Cost Bases")
		self.assertEqual(first.status, "Completed")
		changed = {row.figure: (row.old_value, row.new_value) for row in first.results}
		# CMP (8 x 400 + 4 x 430) / 12 = 410; CRP the same stock at its receipts = 410
		self.assertEqual(changed["Moving Average Cost"], (0.0, 410.0))
		self.assertEqual(changed["Last Purchase Net"], (0.0, 430.0))
		self.assertEqual(frappe.db.get_value("Item", self.item, "dux_cost_cmp"), 410.0)
		second = self.recalculate("Cost Bases")
		self.assertEqual((second.changes, len(second.results)), (0, 0))

	def test_a_wrong_bin_is_found_and_rebuilt_from_the_ledger(self):
		frappe.db.set_value(
			"Bin", {"item_code": self.item, "warehouse": STORES}, "actual_qty", 99
		)  # the damage
		first = self.recalculate("Stock Quantities")
		self.assertEqual(
			[(row.warehouse, row.old_value, row.new_value) for row in first.results], [(STORES, 99.0, 12.0)]
		)
		self.assertEqual(
			frappe.db.get_value("Bin", {"item_code": self.item, "warehouse": STORES}, "actual_qty"), 12
		)
		self.assertEqual(self.recalculate("Stock Quantities").changes, 0)

	def test_a_sales_user_cannot_start_one(self):
		frappe.set_user(make_user("vendeur.recalc@dux-trace.test", ["Sales User"]))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(
				{"doctype": "Dux Recalculation", "kind": "Cost Bases", "company": COMPANY}
			).insert()
