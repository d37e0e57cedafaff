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
	onload(report) {
		// the customer list for the SMS / phone campaign, one click
		report.page.add_inner_button(__("Export Customer List"), () => {
			const customers = (frappe.query_report.data || []).filter((row) => row.is_customer);
			if (!customers.length) {
				frappe.msgprint(__("No customer received these lots or serials."));
				return;
			}
			const header = [__("Customer"), __("Contact"), __("Mobile No"), __("Email"), __("Quantity")];
			const rows = customers.map((row) => [
				row.label,
				row.contact || "",
				row.mobile_no || "",
				row.email_id || "",
				row.qty,
			]);
			// names, contacts and emails are other people's text: a cell starting with = + - @ would
			// run as a formula in the spreadsheet (export_cells.js; phone numbers stay as typed)
			frappe.require("/assets/dux_trace/js/export_cells.js", () => {
				frappe.tools.downloadify(dux_trace.safe_rows([header, ...rows]), null, __("Recall Customers"));
			});
		});
	},
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (data && data.is_section && column.fieldname === "label") {
			value = `<b>${value}</b>`;
		}
		return value;
	},
};
