// Copyright (c) 2026, dux_trace developers
// For license information, please see license.txt

// The trace is built when the test is saved the first time; "Build the Trace" reads the ledger
// again (a draft). "Turn into a Product Recall" makes the real recall, which quarantines the lots.
frappe.ui.form.on("Dux Traceability Test", {
	refresh(frm) {
		frm.set_indicator_formatter("customers", (row) => (row.reached_at ? "green" : "orange"));
		if (frm.doc.elapsed_minutes != null && frm.doc.finished_at) {
			frm.dashboard.set_headline_alert(
				frm.doc.within_target
					? __("Done in {0} minutes, within the {1}-minute target.", [
							frm.doc.elapsed_minutes,
							frm.doc.target_minutes,
					  ])
					: __("Done in {0} minutes, beyond the {1}-minute target.", [
							frm.doc.elapsed_minutes,
							frm.doc.target_minutes,
					  ]),
				frm.doc.within_target ? "green" : "red"
			);
		}
		if (frm.is_new()) return;
		if (frm.doc.docstatus === 0) {
			frm.add_custom_button(__("Build the Trace"), () =>
				frm.call("build_trace").then(() => frm.reload_doc())
			);
		}
		if (frm.doc.product_recall) {
			frm.add_custom_button(__("Product Recall"), () =>
				frappe.set_route("Form", "Product Recall", frm.doc.product_recall)
			);
		} else if ((frm.doc.lots || []).length && frm.doc.docstatus < 2) {
			frm.add_custom_button(__("Turn into a Product Recall"), () =>
				frappe.confirm(
					__(
						"A Product Recall of the {0} lots of this test will be submitted: they will be quarantined until it is closed. Continue?",
						[frm.doc.lots.length]
					),
					() =>
						frm.call("make_recall").then((r) => {
							frm.reload_doc();
							if (r.message) frappe.set_route("Form", "Product Recall", r.message);
						})
				)
			);
		}
		frm.add_custom_button(__("Lot Trace"), () =>
			frappe.set_route("query-report", "Lot Trace", { batch_no: frm.doc.batch_no })
		);
	},
});
