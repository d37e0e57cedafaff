"""Custom Fields dux_trace adds to ERPNext doctypes.

Applied by `dux_trace.install.make_custom_fields` at install and again after every migrate (the
`after_migrate` hook), so editing this file and running `bench migrate` is all it takes.
"""

from dux_trace.stock.documents import SELLING

TRACKING_MODE_FIELD = "dux_tracking_mode"
#: Item: every unit sold must be scanned (set with the Serial tracking mode)
SCAN_AT_SALE_FIELD = "dux_scan_serial_at_sale"

FEFO_OVERRIDE_REASON = {
	"fieldname": "dux_fefo_override_reason",
	"label": "FEFO Override Reason",
	"fieldtype": "Small Text",
	"no_copy": 1,
	# only where a later lot was chosen (the warnings of the last save say so), or once filled in
	"depends_on": "eval:doc.dux_fefo_warnings || doc.dux_fefo_override_reason",
	"description": "Needed only when a later-expiring lot must leave before an earlier one and the FEFO "
	"policy blocks it; recorded in Dux Rule Override.",
}

#: the FEFO warnings of the last save: the form shows them above the document until the next save
FEFO_WARNINGS = {
	"fieldname": "dux_fefo_warnings",
	"label": "FEFO Warnings",
	"fieldtype": "Small Text",
	"read_only": 1,
	"hidden": 1,
	"no_copy": 1,
	"print_hide": 1,
	"report_hide": 1,
}


def receipt_lot_fields(after: str) -> list[dict]:
	"""Supplier lot number and dates typed (or scanned) on a receipt row; dux_trace turns them into
	an ERPNext Batch and fills batch_no. One lot field per row: these show for a lot item until
	its Batch is on the row, then ERPNext's Batch No shows instead (RECEIPT_PROPERTY_SETTERS)."""
	depends_on = "eval:doc.dux_has_batch_no && !doc.batch_no && (doc.t_warehouse || doc.warehouse)"
	return [
		{
			"fieldname": "dux_has_batch_no",
			"label": "Has Batch No",
			"fieldtype": "Check",
			"fetch_from": "item_code.has_batch_no",
			"insert_after": after,
			"hidden": 1,
			"read_only": 1,
			"print_hide": 1,
			"report_hide": 1,
		},
		{
			"fieldname": "dux_lot_no",
			"label": "Lot Number",
			"fieldtype": "Data",
			"insert_after": "dux_has_batch_no",
			"depends_on": depends_on,
			"no_copy": 1,
			"description": "Supplier lot; becomes the Batch of this row.",
		},
		{
			"fieldname": "dux_expiry_date",
			"label": "Lot Expiry Date",
			"fieldtype": "Date",
			"insert_after": "dux_lot_no",
			"depends_on": depends_on,
			"no_copy": 1,
		},
		{
			"fieldname": "dux_manufacturing_date",
			"label": "Lot Manufacturing Date",
			"fieldtype": "Date",
			"insert_after": "dux_expiry_date",
			"depends_on": depends_on,
			"no_copy": 1,
			"description": "With the item's shelf life, gives the expiry date when it is not known.",
		},
	]


SCANNED_SERIALS = {
	"fieldname": "dux_scanned_serials",
	"label": "Scanned Serial Nos",
	"fieldtype": "Small Text",
	"read_only": 1,
	"no_copy": 1,
	"print_hide": 1,
	"depends_on": "eval:doc.dux_scanned_serials",
	"description": "Serials read by the scan dialog; with scanning required, every unit must be here.",
}

#: the article card's five cost bases (values of dux_trace.core.pricing.Basis), for Select fields
MARGIN_BASIS_OPTIONS = (
	"\nLast Purchase Net\nLast Landed Cost\nMoving Average Cost\nReplacement Cost\nLast Purchase Gross"
)

MARGIN_BASIS = {
	"fieldname": "dux_margin_basis",
	"label": "Margin Basis",
	"fieldtype": "Select",
	"options": MARGIN_BASIS_OPTIONS,
	"description": "Which cost selling prices start from. Empty: the item group's, else Dux Trace Settings'.",
}

MIN_MARGIN = {
	"fieldname": "dux_min_margin_percent",
	"label": "Minimum Margin on Cost (%)",
	"fieldtype": "Float",
	"non_negative": 1,
	"description": "A selling price below the margin basis plus this margin is refused without the Discount "
	"Override Role and a reason. Empty: Dux Trace Settings'.",
}

PRICE_OVERRIDE_REASON = {
	"fieldname": "dux_price_override_reason",
	"label": "Price Override Reason",
	"fieldtype": "Small Text",
	"no_copy": 1,
	"description": "Needed only to save a selling price below the item's cost and minimum margin, if your "
	"role may allow it; recorded in the Item Price's timeline.",
}

PRICING_FIELDS = [
	{
		"fieldname": "dux_pricing_tab",
		"label": "Pricing",
		"fieldtype": "Tab Break",
		"insert_after": "customer_items",
	},
	{
		"fieldname": "dux_purchase_section",
		"label": "Purchase Price",
		"fieldtype": "Section Break",
		"insert_after": "dux_pricing_tab",
	},
	{**MARGIN_BASIS, "insert_after": "dux_purchase_section"},
	{
		"fieldname": "dux_cost_html",
		"label": "Cost Bases",
		"fieldtype": "HTML",
		"insert_after": "dux_margin_basis",
	},
	{
		"fieldname": "dux_selling_section",
		"label": "Item Price",
		"fieldtype": "Section Break",
		"insert_after": "dux_cost_html",
	},
	{
		"fieldname": "dux_markup_percent",
		"label": "Markup on Basis (%)",
		"fieldtype": "Float",
		"precision": "2",
		"insert_after": "dux_selling_section",
		"no_copy": 1,
		"description": "Margin on cost, as the Dux card counts it: bought 100, margin 30 % → sold 130.",
	},
	{
		"fieldname": "dux_selling_price",
		"label": "Selling Price excl. VAT",
		"fieldtype": "Currency",
		"insert_after": "dux_markup_percent",
		"no_copy": 1,
		"non_negative": 1,
		"description": "Saved as the Item Price of the card's price list, valid from today.",
	},
	{
		"fieldname": "dux_selling_column",
		"fieldtype": "Column Break",
		"insert_after": "dux_selling_price",
	},
	{
		"fieldname": "dux_price_incl_tax",
		"label": "Public Price incl. VAT",
		"fieldtype": "Currency",
		"insert_after": "dux_selling_column",
		"no_copy": 1,
		"non_negative": 1,
		"description": "VAT from the item's Item Tax Template; typing it gives the price excl. VAT.",
	},
	{
		**PRICE_OVERRIDE_REASON,
		"insert_after": "dux_price_incl_tax",
		"description": "Needed only to save a price below the item's cost and minimum margin, if your role "
		"may allow it; recorded in the Item Price's timeline.",
	},
	{
		"fieldname": "dux_card_html",
		"label": "Margins",
		"fieldtype": "HTML",
		"insert_after": "dux_price_override_reason",
	},
	{
		"fieldname": "dux_stored_costs_section",
		"label": "Stored Costs",
		"fieldtype": "Section Break",
		"insert_after": "dux_card_html",
		"collapsible": 1,
		"description": "The cost bases as the last Dux Recalculation stored them (default company), for lists and price grids.",
		# costs: only to who may read the stock ledger (dux_trace.permissions)
		"permlevel": 1,
	},
	*(
		{
			"fieldname": fieldname,
			"label": label,
			"fieldtype": "Currency",
			"read_only": 1,
			"no_copy": 1,
			"insert_after": after,
			"permlevel": 1,
		}
		for fieldname, label, after in (
			("dux_cost_last_purchase_gross", "Last Purchase Gross", "dux_stored_costs_section"),
			("dux_cost_last_purchase_net", "Last Purchase Net", "dux_cost_last_purchase_gross"),
			("dux_cost_landed", "Last Landed Cost", "dux_cost_last_purchase_net"),
			("dux_cost_cmp", "Moving Average Cost", "dux_cost_landed"),
			("dux_cost_crp", "Replacement Cost", "dux_cost_cmp"),
		)
	),
	{
		"fieldname": "dux_costs_updated_on",
		"label": "Costs Updated On",
		"fieldtype": "Datetime",
		"read_only": 1,
		"no_copy": 1,
		"permlevel": 1,
		"insert_after": "dux_cost_crp",
	},
]

DISCOUNT_OVERRIDE_REASON = {
	"fieldname": "dux_discount_override_reason",
	"label": "Discount Override Reason",
	"fieldtype": "Small Text",
	"no_copy": 1,
	"depends_on": "eval:doc.dux_discount_override_reason || (doc.docstatus == 0 && (doc.additional_discount_percentage || doc.discount_amount || (doc.items || []).some(r => r.discount_percentage || r.discount_amount)))",
	"description": "Needed only when a discount goes above an item's maximum and your role may allow it; "
	"recorded in the document's timeline.",
}

AUTHORIZATION_OVERRIDE_REASON = {
	"fieldname": "dux_authorization_override_reason",
	"label": "Authorization Override Reason",
	"fieldtype": "Small Text",
	"no_copy": 1,
	"depends_on": "eval:doc.dux_authorization_override_reason || (doc.docstatus == 0 && (doc.items || []).some(r => r.dux_needs_authorization))",
	"description": "Needed only to sell an item without the authorization it requires, if your role allows it; recorded in Dux Rule Override.",
}

SELLING_ROW_FIELDS = [
	{
		"fieldname": "dux_needs_authorization",
		"fieldtype": "Check",
		"hidden": 1,
		"read_only": 1,
		"fetch_from": "item_code.dux_requires_authorization",
		"insert_after": "item_name",
	},
	{
		"fieldname": "dux_document_reference",
		"label": "Prescription / Document Reference",
		"fieldtype": "Data",
		"insert_after": "dux_needs_authorization",
		"depends_on": "eval:doc.dux_needs_authorization",
		"description": "The reference an authorization of the item asks for (e.g. the prescription number), typed or scanned.",
	},
]

ITEM_AUTHORIZATION_FIELDS = [
	{
		"fieldname": "dux_required_authorizations",
		"label": "Required Authorizations",
		"fieldtype": "Table MultiSelect",
		"options": "Dux Required Authorization",
		"insert_after": "max_discount",
		"description": "Sold only when these are held (by the customer, the seller, the document or the item); the item group's apply too.",
	},
	{
		"fieldname": "dux_negative_stock",
		"label": "Negative Stock",
		"fieldtype": "Select",
		"options": "\nForbidden\nAllowed",
		"insert_after": "allow_negative_stock",
		"depends_on": "eval:doc.is_stock_item",
		"description": "Forbidden: never below zero, even when Stock Settings allow negative stock. Allowed: ERPNext's Allow Negative Stock. Empty: as Stock Settings say.",
	},
	{
		"fieldname": "dux_requires_authorization",
		"fieldtype": "Check",
		"hidden": 1,
		"read_only": 1,
		"insert_after": "dux_required_authorizations",
	},
]


SERIAL_ROW_DOCTYPES = (
	"Purchase Receipt Item",
	"Purchase Invoice Item",
	"Stock Entry Detail",
	"Delivery Note Item",
	"Sales Invoice Item",
	"POS Invoice Item",
)

CUSTOM_FIELDS = {
	"Item": [
		{
			"fieldname": TRACKING_MODE_FIELD,
			"label": "Tracking Mode",
			"fieldtype": "Select",
			"options": "None\nMoving Average\nSerial\nLot",
			"default": "None",
			"insert_after": "is_stock_item",
			"depends_on": "eval:doc.is_stock_item",
			"in_standard_filter": 1,
			"translatable": 0,
			"description": "How units of this item are followed in stock. Serial and Lot switch on "
			"ERPNext's serial numbers or batches (with expiry); Moving Average sets the valuation method.",
		},
		{
			"fieldname": "dux_dot_tracked",
			"label": "DOT Date Code (Tyres)",
			"fieldtype": "Check",
			"insert_after": TRACKING_MODE_FIELD,
			"depends_on": "eval:doc.has_batch_no",
			"description": "Each lot is a DOT code (week and year of manufacture, e.g. 2423), typed or scanned at receipt; the oldest DOT leaves first.",
		},
		{
			"fieldname": "dux_serial_pattern",
			"label": "Serial No Format",
			"fieldtype": "Data",
			"insert_after": "serial_no_series",
			"depends_on": "eval:doc.has_serial_no",
			"translatable": 0,
			"description": "Regular expression every scanned serial must match, e.g. \\d{15} for an IMEI.",
		},
		{
			"fieldname": SCAN_AT_SALE_FIELD,
			"label": "Scan Each Unit Sold",
			"fieldtype": "Check",
			"insert_after": "dux_serial_pattern",
			"depends_on": "eval:doc.has_serial_no",
			"description": "A sale is submitted only when the serial of each unit sold was scanned "
			'("Which one are you selling?"). Ticked when the tracking mode is set to Serial.',
		},
		{
			"fieldname": "dux_is_medicine",
			"label": "Medicine (GS1 DataMatrix Labels)",
			"fieldtype": "Check",
			"insert_after": "dux_dot_tracked",
			"description": "Its labels carry a GS1 DataMatrix (GTIN, expiry, lot, serial), as the EU Falsified Medicines Directive asks, when the Label Template's barcode is Auto.",
		},
		{
			"fieldname": "dux_short_name",
			"label": "Short Name",
			"fieldtype": "Data",
			"length": 40,
			"insert_after": "item_name",
			"description": "A short name for labels and the till (40 characters at most).",
		},
		{
			"fieldname": "dux_warranty_months",
			"label": "Warranty (Months)",
			"fieldtype": "Int",
			"non_negative": 1,
			"insert_after": "warranty_period",
			"description": "Each unit sold is under warranty for this many months from the sale date.",
		},
	],
	"Item Group": [
		{**MARGIN_BASIS, "insert_after": "item_group_name"},
		{**MIN_MARGIN, "insert_after": "dux_margin_basis"},
	],
	"Item Price": [{**PRICE_OVERRIDE_REASON, "insert_after": "price_list_rate"}],
	"Batch": [
		{
			"fieldname": "dux_dot_code",
			"label": "DOT Code",
			"fieldtype": "Data",
			"insert_after": "manufacturing_date",
			"read_only": 1,
			"in_standard_filter": 1,
			"in_list_view": 1,
			"search_index": 1,
			"description": "Week and year of manufacture of a tyre lot (e.g. 2423 = week 24 of 2023).",
		}
	],
	"Purchase Receipt Item": receipt_lot_fields("batch_no"),
	"Purchase Invoice Item": receipt_lot_fields("batch_no"),
	"Stock Entry Detail": receipt_lot_fields("batch_no"),
	"Delivery Note Item": [],
	"Sales Invoice Item": [],
	"POS Invoice Item": [],
	"Customer": [
		{
			"fieldname": "dux_traceability_section",
			"label": "Traceability",
			"fieldtype": "Section Break",
			"insert_after": "default_sales_partner",
			"collapsible": 1,
		},
		{
			"fieldname": "dux_min_shelf_life_days",
			"label": "Minimum Remaining Shelf Life (Days)",
			"fieldtype": "Int",
			"non_negative": 1,
			"insert_after": "dux_traceability_section",
			"description": "Lots with fewer days left before expiry are never delivered to this customer.",
		},
		{
			"fieldname": "dux_min_shelf_life_percent",
			"label": "Minimum Remaining Shelf Life (%)",
			"fieldtype": "Percent",
			"insert_after": "dux_min_shelf_life_days",
			"description": "Share of the lot's total shelf life (manufacturing to expiry) that must remain.",
		},
	],
	**{
		doctype: [{**FEFO_OVERRIDE_REASON, "insert_after": after}, {**FEFO_WARNINGS, "insert_after": after}]
		for doctype, after in (
			("Delivery Note", "items"),
			("Sales Invoice", "items"),
			("POS Invoice", "items"),
			("Stock Entry", "items"),
			("Pick List", "locations"),
		)
	},
}

CUSTOM_FIELDS["Item"].extend(PRICING_FIELDS)
CUSTOM_FIELDS["Item"].extend(ITEM_AUTHORIZATION_FIELDS)
CUSTOM_FIELDS["Item Group"].append(
	{
		**ITEM_AUTHORIZATION_FIELDS[0],
		"insert_after": "dux_min_margin_percent",
		"description": "Every item of the group (and its sub-groups) requires these.",
	}
)
for _doctype in SELLING:
	CUSTOM_FIELDS.setdefault(f"{_doctype} Item", []).extend(SELLING_ROW_FIELDS)
for _doctype in SELLING:
	after = "dux_fefo_override_reason" if _doctype in CUSTOM_FIELDS else "items"
	CUSTOM_FIELDS.setdefault(_doctype, []).append({**DISCOUNT_OVERRIDE_REASON, "insert_after": after})
	CUSTOM_FIELDS[_doctype].append(
		{**AUTHORIZATION_OVERRIDE_REASON, "insert_after": "dux_discount_override_reason"}
	)

for _doctype in SERIAL_ROW_DOCTYPES:
	CUSTOM_FIELDS[_doctype].append({**SCANNED_SERIALS, "insert_after": "serial_no"})

#: the GS1 Global Location Number of a place or party, for the EPCIS events (stock.epcis)
GLN = {
	"fieldname": "dux_gln",
	"label": "GLN",
	"fieldtype": "Data",
	"length": 13,
	"translatable": 0,
	"description": "GS1 Global Location Number: 13 digits, the last one the check digit. "
	"Used in the EPCIS export and the traceability sheet.",
}
for _doctype, _after in (
	("Company", "tax_id"),
	("Warehouse", "company"),
	("Supplier", "tax_id"),
	("Customer", "tax_id"),
):
	CUSTOM_FIELDS.setdefault(_doctype, []).append({**GLN, "insert_after": _after})

#: receipts: ERPNext's Batch No shows once the row has its Batch, or for rows the app leaves alone
#: (not a lot item); while a lot item has none yet, the app's Lot Number and dates show instead
RECEIPT_PROPERTY_SETTERS = [
	{
		"doctype": doctype,
		"fieldname": "batch_no",
		"property": "depends_on",
		"value": "eval:!doc.dux_has_batch_no || doc.batch_no || doc.docstatus > 0",
		"property_type": "Code",
	}
	for doctype in ("Purchase Receipt Item", "Purchase Invoice Item", "Stock Entry Detail")
]
