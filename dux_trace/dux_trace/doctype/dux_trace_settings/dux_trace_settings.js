// Copyright (c) 2026, dux_trace developers
// For license information, please see license.txt

frappe.ui.form.on("Dux Trace Settings", {
	refresh(frm) {
		frm.set_query("override_role", () => ({ filters: { disabled: 0 } }));
	},
});
