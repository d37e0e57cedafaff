"""Idempotent factories for dux_trace's integration tests.

Base data (company, fiscal year, warehouses, customer, supplier) is created once per site by
`before_tests` and committed; each test then creates its own items and documents inside the
transaction that FrappeTestCase rolls back.
"""

import frappe
from frappe.utils import getdate, nowdate

COMPANY = "Dux Test Maroc"
ABBR = "DTM"
CURRENCY = "MAD"
STORES = f"Magasin - {ABBR}"
DEPOT = f"Dépôt - {ABBR}"
CUSTOMER = "Épicerie Atlas"
SUPPLIER = "Centrale Laitière Test"


def before_tests():
	"""Hook run by `bench run-tests --app dux_trace` before any test."""
	from dux_trace import compat

	compat.erpnext_before_tests()
	compat.enable_serial_and_batch()
	compat.use_pos_invoices()  # the POS Invoice tests need them
	make_base_data()
	frappe.db.commit()


def make_base_data():
	make_fiscal_year(getdate(nowdate()).year)
	make_company()
	for warehouse in (STORES, DEPOT):
		make_warehouse(warehouse)
	make_customer(CUSTOMER)
	make_supplier(SUPPLIER)
	make_exchange_rate("USD", CURRENCY, 10.0)
	# ERPNext's default price lists: USD on version-15 test data, INR on version-16's
	for price_list in ("Standard Buying", "Standard Selling"):
		currency = frappe.db.get_value("Price List", price_list, "currency")
		if currency and currency != CURRENCY:
			make_exchange_rate(currency, CURRENCY, 10.0)


def make_exchange_rate(from_currency: str, to_currency: str, rate: float):
	"""ERPNext's default price lists are in USD; with no rate API offline, desk forms of the test
	company would ask for a Currency Exchange record."""
	filters = {"from_currency": from_currency, "to_currency": to_currency}
	if not frappe.db.exists("Currency Exchange", filters):
		frappe.get_doc(
			{"doctype": "Currency Exchange", "date": "2020-01-01", "exchange_rate": rate, **filters}
		).insert(ignore_permissions=True)


def make_fiscal_year(year: int):
	name = str(year)
	if frappe.db.exists("Fiscal Year", {"year_start_date": f"{year}-01-01"}):
		return
	frappe.get_doc(
		{
			"doctype": "Fiscal Year",
			"year": name if not frappe.db.exists("Fiscal Year", name) else f"{name}-dux",
			"year_start_date": f"{year}-01-01",
			"year_end_date": f"{year}-12-31",
		}
	).insert(ignore_permissions=True)


def make_company(
	name: str = COMPANY, abbr: str = ABBR, currency: str = CURRENCY, country: str = "Morocco"
) -> str:
	if not frappe.db.exists("Company", name):
		frappe.db.set_value("Currency", currency, "enabled", 1)
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": name,
				"abbr": abbr,
				"default_currency": currency,
				"country": country,
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	return name


def make_warehouse(warehouse_name: str, company: str = COMPANY) -> str:
	if not frappe.db.exists("Warehouse", warehouse_name):
		frappe.get_doc(
			{
				"doctype": "Warehouse",
				"warehouse_name": warehouse_name.rsplit(" - ", 1)[0],
				"company": company,
			}
		).insert(ignore_permissions=True)
	return warehouse_name


def make_customer(name: str, customer_group: str = "Commercial") -> str:
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_group": customer_group
				if frappe.db.exists("Customer Group", customer_group)
				else "All Customer Groups",
				"territory": "All Territories",
			}
		).insert(ignore_permissions=True)
	return name


def make_supplier(name: str) -> str:
	if not frappe.db.exists("Supplier", name):
		frappe.get_doc(
			{"doctype": "Supplier", "supplier_name": name, "supplier_group": "All Supplier Groups"}
		).insert(ignore_permissions=True)
	return name


def make_item(item_code: str, tracking_mode: str = "None", **properties) -> "frappe.Document":
	"""An item in the given tracking mode, created once (later calls return it as it is)."""
	if frappe.db.exists("Item", item_code):
		return frappe.get_doc("Item", item_code)
	item = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": item_code,
			"item_name": properties.pop("item_name", item_code),
			"item_group": "Products" if frappe.db.exists("Item Group", "Products") else "All Item Groups",
			"stock_uom": "Nos",
			"is_stock_item": 1,
			"dux_tracking_mode": tracking_mode,
			**properties,
		}
	)
	item.append("item_defaults", {"company": COMPANY, "default_warehouse": STORES})
	return item.insert(ignore_permissions=True)


def receive(
	item_code: str, qty: float, *, rate: float = 10, warehouse: str = STORES, **row
) -> "frappe.Document":
	"""Submit a Material Receipt of `qty` units; `row` may carry batch_no / serial_no / expiry."""
	from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

	return make_stock_entry(
		item_code=item_code, qty=qty, to_warehouse=warehouse, rate=rate, company=COMPANY, **row
	)


def make_lot(item_code: str, batch_id: str, expiry_date, manufacturing_date=None) -> str:
	"""An ERPNext Batch with the given lot number and expiry (created once)."""
	if not frappe.db.exists("Batch", batch_id):
		frappe.get_doc(
			{
				"doctype": "Batch",
				"batch_id": batch_id,
				"item": item_code,
				"expiry_date": expiry_date,
				"manufacturing_date": manufacturing_date,
			}
		).insert(ignore_permissions=True)
	return batch_id


def make_user(email: str, roles: list[str]) -> str:
	"""A desk user holding (at least) these roles."""
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	if missing := set(roles) - {row.role for row in user.roles}:
		user.add_roles(*missing)
	return email


def role_user(*roles: str) -> str:
	"""A French desk user holding exactly these roles: the clerk a shop would create."""
	email = (
		"dux-"
		+ ("-".join(role.lower().replace(" ", "-") for role in roles) or "sans-role")
		+ "@dux-trace.test"
	)
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": " ".join(roles) or "Sans rôle",
				"language": "fr",
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	if {row.role for row in user.roles} != set(roles):
		user.set("roles", [])
		user.add_roles(*roles)
	frappe.defaults.set_user_default("company", COMPANY, email)
	return email


class acting_as:
	"""`with acting_as("Stock User"):` runs the block as a user with exactly these roles (French),
	then returns to Administrator and English, as the test framework left them."""

	def __init__(self, *roles: str):
		self.roles = roles

	def __enter__(self) -> str:
		self.user = role_user(*self.roles)
		frappe.set_user(self.user)
		frappe.local.lang = "fr"
		frappe.local.lang_full_dict = None
		return self.user

	def __exit__(self, *exc):
		frappe.set_user("Administrator")
		frappe.local.lang = "en"
		frappe.local.lang_full_dict = None


def make_outgoing(
	doctype: str,
	item_code: str,
	qty: float,
	*,
	batch_no: str | None = None,
	submit=False,
	do_not_insert=False,
	**fields,
):
	"""A draft Delivery Note, Sales Invoice (update stock), POS Invoice or Stock Entry (Material
	Issue) of one row from the Stores warehouse of the test company (not inserted with
	do_not_insert)."""
	# a lot chosen by hand goes through the batch_no field, as in the desk form
	row = {
		"item_code": item_code,
		"qty": qty,
		"batch_no": batch_no,
		"use_serial_batch_fields": 1 if batch_no else 0,
	}
	if doctype == "POS Invoice":
		doc = frappe.get_doc(
			{
				"doctype": doctype,
				"company": COMPANY,
				"pos_profile": open_pos(make_pos_profile(), frappe.session.user) and make_pos_profile(),
				"customer": fields.pop("customer", CUSTOMER),
				"currency": CURRENCY,
				"items": [{**row, "rate": 25, "warehouse": STORES}],
				**fields,
			}
		)
		# POS validation fills the rest (no taxes in the test company: paid = qty x rate)
		doc.append("payments", {"mode_of_payment": "Cash", "amount": qty * 25})
		if do_not_insert:
			return doc
		doc.insert()
		if submit:
			doc.submit()
		return doc
	if doctype == "Stock Entry":
		doc = frappe.get_doc(
			{
				"doctype": doctype,
				"stock_entry_type": "Material Issue",
				"company": COMPANY,
				"items": [{**row, "s_warehouse": STORES, "uom": "Nos", "conversion_factor": 1}],
				**fields,
			}
		)
	else:
		doc = frappe.get_doc(
			{
				"doctype": doctype,
				"company": COMPANY,
				"customer": fields.pop("customer", CUSTOMER),
				"currency": CURRENCY,
				"selling_price_list": "Standard Selling",
				"items": [{**row, "rate": 25, "warehouse": STORES}],
				**({"update_stock": 1} if doctype == "Sales Invoice" else {}),
				**fields,
			}
		)
		doc.set_missing_values()
	if do_not_insert:
		return doc
	doc.insert()
	if submit:
		doc.submit()
	return doc


def make_pos_profile(name: str = "Dux Comptoir") -> str:
	"""A POS Profile of the test company, paid in cash."""
	if frappe.db.exists("POS Profile", name):
		return name
	cash_account = frappe.db.get_value("Account", {"company": COMPANY, "account_type": "Cash", "is_group": 0})
	mode = frappe.get_doc("Mode of Payment", "Cash")
	if not any(row.company == COMPANY for row in mode.accounts):
		mode.append("accounts", {"company": COMPANY, "default_account": cash_account})
		mode.save(ignore_permissions=True)
	company = frappe.get_cached_doc("Company", COMPANY)
	frappe.get_doc(
		{
			"doctype": "POS Profile",
			"name": name,
			"__newname": name,
			"company": COMPANY,
			"warehouse": STORES,
			"currency": CURRENCY,
			"selling_price_list": "Standard Selling",
			"customer": CUSTOMER,
			"write_off_account": company.write_off_account or cash_account,
			"write_off_cost_center": company.cost_center,
			"cost_center": company.cost_center,
			"payments": [{"mode_of_payment": "Cash", "default": 1}],
		}
	).insert(ignore_permissions=True)
	return name


def open_pos(pos_profile: str, user: str) -> str:
	"""An open POS Opening Entry (cash drawer) for the user on that profile."""
	filters = {"pos_profile": pos_profile, "user": user, "status": "Open", "docstatus": 1}
	if name := frappe.db.get_value("POS Opening Entry", filters):
		return name
	# version-16 allows one open entry per profile (and its POS Invoices check none); version-15's
	# POS Invoices ask for an open entry of the profile, whoever opened it
	filters.pop("user")
	if name := frappe.db.get_value("POS Opening Entry", filters):
		return name
	entry = frappe.get_doc(
		{
			"doctype": "POS Opening Entry",
			"pos_profile": pos_profile,
			"user": user,
			"company": COMPANY,
			"period_start_date": frappe.utils.now_datetime(),
			"posting_date": nowdate(),
			"balance_details": [{"mode_of_payment": "Cash", "opening_amount": 0}],
		}
	).insert(ignore_permissions=True)
	entry.submit()
	return entry.name


def make_outgoing_email_account(email: str = "rappels@dux-trace.test") -> str:
	"""A default outgoing Email Account, so that frappe.sendmail queues mails (tests never send)."""
	name = frappe.db.get_value("Email Account", {"email_id": email})
	if name:
		return name
	return (
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "Dux Rappels",
				"email_id": email,
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "127.0.0.1",
				"smtp_port": 2525,
				"no_smtp_authentication": 1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_repack_scenario(tag: str) -> "frappe._dict":
	"""The traceability issue's scenario: lot L of a yoghurt (100) received from SUPPLIER on a
	Purchase Receipt, 40 repacked into lot R of a pack, 30 of L delivered to a shop and 25 of R to
	a café, 5 returned by the shop, 2 of L scrapped (a Material Issue). `tag` names the two
	customers ("Épicerie Atlas {tag}", "Café Rabat {tag}"); the lots are new each call."""
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
	from frappe.utils import add_days

	run = frappe.generate_hash(length=5).upper()
	s = frappe._dict(
		yoghurt=make_item("_DUX Yaourt nature", "Lot", shelf_life_in_days=30).name,
		pack=make_item("_DUX Yaourt pack de 4", "Lot", shelf_life_in_days=30).name,
		lot_l=f"_DUX-L-{tag}-{run}",
		lot_r=f"_DUX-R-{tag}-{run}",
		shop=make_customer(f"Épicerie Atlas {tag}"),
		cafe=make_customer(f"Café Rabat {tag}"),
	)
	expiry = add_days(nowdate(), 25)
	lot_row = {"dux_lot_no": s.lot_l, "dux_expiry_date": expiry}
	receipt = frappe.new_doc("Purchase Receipt")
	receipt.update({"company": COMPANY, "supplier": SUPPLIER, "currency": CURRENCY})
	receipt.append("items", {"item_code": s.yoghurt, "qty": 100, "rate": 3, "warehouse": STORES, **lot_row})
	receipt.set_missing_values()
	s.receipt = receipt.insert().submit() or receipt
	make_lot(s.pack, s.lot_r, expiry)
	lots = {"use_serial_batch_fields": 1}
	s.repack = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Repack",
			"company": COMPANY,
			"items": [
				{"item_code": s.yoghurt, "qty": 40, "s_warehouse": STORES, "batch_no": s.lot_l, **lots},
				{
					"item_code": s.pack,
					"qty": 40,
					"t_warehouse": STORES,
					"batch_no": s.lot_r,
					"is_finished_item": 1,
					**lots,
				},
			],
		}
	).insert()
	s.repack.submit()
	s.to_shop = make_outgoing("Delivery Note", s.yoghurt, 30, batch_no=s.lot_l, customer=s.shop, submit=True)
	s.to_cafe = make_outgoing("Delivery Note", s.pack, 25, batch_no=s.lot_r, customer=s.cafe, submit=True)
	back = make_sales_return(s.to_shop.name)
	back.items[0].update({"qty": -5, "serial_and_batch_bundle": None, "batch_no": s.lot_l, **lots})
	s.customer_return = back.insert().submit() or back
	s.scrap = make_outgoing("Stock Entry", s.yoghurt, 2, batch_no=s.lot_l, submit=True)
	return s
