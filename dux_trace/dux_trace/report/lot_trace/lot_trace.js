// Copyright (c) 2026, dux_trace developers
// For license information, please see license.txt

frappe.query_reports["Lot Trace"] = {
	filters: [
		{
			fieldname: "batch_no",
			label: __("Lots"),
			fieldtype: "Data",
			description: __("One or more lots, separated by commas"),
		},
		{ fieldname: "serial_no", label: __("Serial Nos"), fieldtype: "Data" },
	],
	tree: true,
	name_field: "id",
	parent_field: "parent_id",
	initial_depth: 2,
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (data && data.is_section && column.fieldname === "label") {
			value = `<b>${value}</b>`;
		}
		return value;
	},
};
