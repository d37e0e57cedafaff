// Copyright (c) 2026, dux_trace developers
// For license information, please see license.txt

frappe.query_reports["Lot Mass Balance"] = {
	filters: [
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{ fieldname: "item_group", label: __("Item Group"), fieldtype: "Link", options: "Item Group" },
		{ fieldname: "batch_no", label: __("Lot"), fieldtype: "Data" },
		{ fieldname: "from_date", label: __("Lots Created From"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "difference" && data && data.difference) {
			value = `<span style="color: var(--red-600); font-weight: bold">${value}</span>`;
		}
		return value;
	},
};
