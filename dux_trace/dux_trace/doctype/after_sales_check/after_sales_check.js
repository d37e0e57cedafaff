// Copyright (c) 2026, dux_trace developers
// For license information, please see license.txt

frappe.ui.form.on("After-Sales Check", {
	refresh(frm) {
		frm.add_custom_button(__("New Check"), () => frappe.set_route("after-sales-counter"));
		const colour = frm.doc.refused ? "red" : "green";
		frm.dashboard.set_headline_alert(
			`<span class="indicator ${colour}">${frappe.utils.escape_html(__(frm.doc.verdict))}</span>`
		);
	},
});
