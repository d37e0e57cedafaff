// dux_trace: from a lot, one click to everyone who received it, or to a recall.
frappe.ui.form.on("Batch", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Lot Trace"),
			() => frappe.set_route("query-report", "Lot Trace", { batch_no: frm.doc.name }),
			__("Traceability")
		);
		if (frappe.model.can_create("Product Recall")) {
			frm.add_custom_button(
				__("Recall this Lot"),
				() =>
					frappe.new_doc("Product Recall", {}, (recall) => {
						const row = frappe.model.add_child(recall, "items");
						row.item_code = frm.doc.item;
						row.batch_no = frm.doc.name;
					}),
				__("Traceability")
			);
		}
	},
});
