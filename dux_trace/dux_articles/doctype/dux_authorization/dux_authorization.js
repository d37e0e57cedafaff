// The customer is told by email that the authorization expires (Sales Manager, Sales Master Manager).
frappe.ui.form.on("Dux Authorization", {
	refresh(frm) {
		if (frm.is_new() || !frm.doc.customer) return;
		if (!["Sales Manager", "Sales Master Manager", "System Manager"].some((r) => frappe.user.has_role(r)))
			return;
		frm.add_custom_button(__("Notify Customer of Expiry"), () =>
			frappe
				.call({
					method: "dux_trace.api.authorizations.notify_customer",
					args: { authorization: frm.doc.name },
					freeze: true,
				})
				.then(({ message }) => {
					frappe.show_alert({ message: __("Email queued to {0}", [message]), indicator: "green" });
					frm.reload_doc();
				})
		);
	},
});
