frappe.query_reports["Stock per Variant"] = {
	filters: [
		{ fieldname: "item", label: __("Template Item"), fieldtype: "Link", options: "Item", reqd: 1, get_query: () => ({ filters: { has_variants: 1 } }) },
		{ fieldname: "row_attribute", label: __("Rows"), fieldtype: "Link", options: "Item Attribute", reqd: 1 },
		{ fieldname: "column_attribute", label: __("Columns"), fieldtype: "Link", options: "Item Attribute", reqd: 1 },
		{ fieldname: "warehouse", label: __("Warehouse"), fieldtype: "Link", options: "Warehouse" },
	],
	onload(report) {
		// a cell opens the stock ledger of its variant
		report.page.wrapper.on("dblclick", ".dt-cell__content", (event) => {
			const cell = $(event.currentTarget).closest(".dt-cell");
			const row = report.data[cell.attr("data-row-index")];
			const field = report.columns[cell.attr("data-col-index") - 1]?.fieldname;
			const items = row && field && row[`${field}_items`];
			if (items && items.length)
				frappe.set_route("query-report", "Stock Ledger", { item_code: items[0], company: frappe.defaults.get_default("company") });
		});
	},
};
