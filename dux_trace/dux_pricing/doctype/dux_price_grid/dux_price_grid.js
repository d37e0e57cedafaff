// The lines' Markup column for a margin grid, Discount for a discount grid: the lines' depends_on
// (parent.method) hides a field in a row's form, not the grid's column, which is set here.
function dux_trace_grid_columns(frm) {
	const grid = frm.fields_dict.lines && frm.fields_dict.lines.grid;
	if (!grid) return;
	const margin = frm.doc.method !== "Discount";
	grid.update_docfield_property("markup_percent", "hidden", margin ? 0 : 1);
	grid.update_docfield_property("discount_percent", "hidden", margin ? 1 : 0);
	grid.reset_grid();
}

frappe.ui.form.on("Dux Price Grid", {
	method(frm) {
		dux_trace_grid_columns(frm);
	},
	refresh(frm) {
		dux_trace_grid_columns(frm);
		if (frm.is_new()) return;
		frm.add_custom_button(__("Preview"), () =>
			frappe.set_route("query-report", "Dux Price Grid Preview", { grid: frm.doc.name })
		);
		frm.add_custom_button(__("Apply"), () =>
			frappe.confirm(__("Write the grid's prices (Item Prices and Pricing Rules)?"), () =>
				frappe.call({
					method: "dux_trace.api.grids.apply_grid",
					args: { grid: frm.doc.name },
					freeze: true,
					callback: ({ message: r }) => {
						if (!r) return;
						frappe.show_alert({
							message: r.queued
								? __("{0} prices are being written in the background.", [r.rows])
								: r.history
								? r.message
								: __("The prices are already the grid's."),
							indicator: "green",
						});
						frm.reload_doc();
					},
				})
			)
		);
		frm.add_custom_button(__("Edit Lines in Bulk"), () => {
			const field = frm.doc.method === "Margin" ? __("Markup (%)") : __("Discount (%)");
			new frappe.ui.Dialog({
				title: __("Edit Lines in Bulk"),
				fields: [
					{ fieldname: "item_group", label: __("Item Group"), fieldtype: "Link", options: "Item Group" },
					{ fieldname: "brand", label: __("Brand"), fieldtype: "Link", options: "Brand" },
					{ fieldname: "supplier", label: __("Supplier"), fieldtype: "Link", options: "Supplier" },
					{ fieldname: "col", fieldtype: "Column Break" },
					{ fieldname: "by_percent", label: __("Change {0} by (%)", [field]), fieldtype: "Float" },
					{ fieldname: "to_value", label: __("Set {0} to", [field]), fieldtype: "Float" },
				],
				primary_action_label: __("Change"),
				primary_action(values) {
					frappe
						.call({ method: "dux_trace.api.grids.bulk_edit", args: { grid: frm.doc.name, ...values } })
						.then(({ message }) => {
							this.hide();
							frappe.show_alert({ message: __("{0} lines changed", [message]), indicator: "green" });
							frm.reload_doc();
						});
				},
			}).show();
		});
		frm.add_custom_button(__("History"), () =>
			frappe.set_route("List", "Dux Price Grid Apply", { grid: frm.doc.name })
		);
	},
});
