frappe.query_reports["Inactive Catalogue"] = {
	filters: [
		{ fieldname: "item_group", label: __("Item Group"), fieldtype: "Link", options: "Item Group" },
		{ fieldname: "with_stock_only", label: __("Only With Stock Left"), fieldtype: "Check" },
	],
	get_datatable_options(options) {
		return Object.assign(options, { checkboxColumn: true });
	},
	onload(report) {
		report.page.add_inner_button(__("Reactivate"), () => {
			const rows = report.datatable.rowmanager.getCheckedRows().map((i) => report.data[i]);
			const items = rows.map((row) => row.item_code).filter(Boolean);
			if (!items.length) {
				frappe.msgprint(__("Tick the items to reactivate."));
				return;
			}
			frappe.confirm(__("Reactivate {0} items?", [items.length]), () =>
				frappe
					.call({ method: "dux_trace.api.catalogue.reactivate", args: { items } })
					.then(({ message }) => {
						frappe.show_alert({ message: __("{0} items reactivated", [message]), indicator: "green" });
						report.refresh();
					})
			);
		});
	},
};
