frappe.ui.form.on("Dux Price Grid Apply", {
	refresh(frm) {
		if (frm.doc.status !== "Applied") return;
		frm.add_custom_button(__("Undo"), () =>
			frappe.confirm(__("Restore the prices this apply replaced?"), () =>
				frappe.call({ method: "dux_trace.api.grids.undo_apply", args: { history: frm.doc.name } }).then(() => frm.reload_doc())
			)
		);
	},
});
