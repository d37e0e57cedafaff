frappe.query_reports["Authorization Refusals and Overrides"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -1),
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{
			fieldname: "authorization_type",
			label: __("Authorization"),
			fieldtype: "Link",
			options: "Dux Authorization Type",
		},
		{
			fieldname: "kind",
			label: __("Kind"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Refused", label: __("Refused") },
				{ value: "Overridden", label: __("Overridden") },
			],
		},
	],
};
