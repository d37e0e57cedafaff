frappe.query_reports["Stock per Variant DOT"] = {
	filters: [
		{ fieldname: "item", label: __("Item or Template"), fieldtype: "Link", options: "Item" },
		{ fieldname: "warehouse", label: __("Warehouse"), fieldtype: "Link", options: "Warehouse" },
		{ fieldname: "max_age_years", label: __("Too Old After (Years)"), fieldtype: "Int" },
	],
};
