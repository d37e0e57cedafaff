"""Custom Fields dux_trace adds to ERPNext doctypes.

Applied by `dux_trace.install.make_custom_fields` at install and re-applied by the `execute:`
line of patches.txt on every migrate, so editing this file and running `bench migrate` is all it
takes to change them.
"""

TRACKING_MODE_FIELD = "dux_tracking_mode"

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
	],
}
