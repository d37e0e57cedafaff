// dux_trace: from a serial number, one click to where it went.
frappe.ui.form.on("Serial No", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Lot Trace"),
			() => frappe.set_route("query-report", "Lot Trace", { serial_no: frm.doc.name }),
			__("Traceability")
		);
		frm.add_custom_button(
			__("After-Sales Check"),
			() => frappe.set_route("after-sales-counter", { serial_no: frm.doc.name }),
			__("Traceability")
		);
	},
});
