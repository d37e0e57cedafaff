// Copyright (c) 2026, dux_trace developers
// For license information, please see license.txt

frappe.ui.form.on("Dux Label Template", {
	page(frm) {
		if (frm.doc.page === "Roll") {
			frm.set_value({ rows: 1, columns: 1 });
		}
	},
});
