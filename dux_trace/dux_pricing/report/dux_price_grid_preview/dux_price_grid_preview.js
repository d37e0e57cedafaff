frappe.query_reports["Dux Price Grid Preview"] = {
	filters: [
		{ fieldname: "grid", label: __("Price Grid"), fieldtype: "Link", options: "Dux Price Grid", reqd: 1 },
		{ fieldname: "only_flagged", label: __("Only Flagged"), fieldtype: "Check" },
	],
	onload(report) {
		report.page.add_inner_button(__("Apply"), () => {
			const grid = report.get_filter_value("grid");
			if (!grid) return;
			frappe.confirm(__("Write these prices (Item Prices and Pricing Rules) for {0}?", [grid.bold()]), () =>
				dux_trace_apply_grid(grid)
			);
		});
	},
};

window.dux_trace_apply_grid = function (grid) {
	frappe.call({
		method: "dux_trace.api.grids.apply_grid",
		args: { grid },
		freeze: true,
		freeze_message: __("Applying..."),
		callback: ({ message: r }) => {
			if (!r) return;
			if (r.queued) {
				frappe.show_alert({ message: __("{0} prices are being written in the background.", [r.rows]), indicator: "blue" });
			} else if (r.history) {
				frappe.msgprint({
					title: __("Prices Written"),
					indicator: "green",
					message: `${frappe.utils.escape_html(r.message)} (<a href="/app/dux-price-grid-apply/${encodeURIComponent(r.history)}">${__("History")}</a>)`,
				});
			} else {
				frappe.msgprint({ title: __("Nothing to Change"), message: __("The prices are already the grid's."), indicator: "blue" });
			}
		},
	});
};
