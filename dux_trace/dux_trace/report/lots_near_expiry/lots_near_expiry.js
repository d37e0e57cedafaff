// Copyright (c) 2026, dux_trace developers
// For license information, please see license.txt

frappe.query_reports["Lots Near Expiry"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
		{ fieldname: "warehouse", label: __("Warehouse"), fieldtype: "Link", options: "Warehouse" },
		{ fieldname: "item_group", label: __("Item Group"), fieldtype: "Link", options: "Item Group" },
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{
			fieldname: "horizon",
			label: __("Horizon (Days)"),
			fieldtype: "Int",
			description: __("Empty: the horizon of Dux Trace Settings"),
		},
		{ fieldname: "include_expired", label: __("Include Expired Lots"), fieldtype: "Check" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "days_left" && data && data.days_left !== undefined) {
			const color = data.days_left < 0 ? "red" : data.days_left <= 7 ? "orange" : "blue";
			value = `<span class="indicator-pill ${color}">${value}</span>`;
		}
		return value;
	},
};
