frappe.ui.form.on("Dux Price Grid Apply", {
	refresh(frm) {
		// a price the apply created had no old price: "—", not 0.00
		frm.fields_dict.changes.grid.update_docfield_property("old_rate", "formatter", (value, df, options, doc) =>
			doc && doc.action === "Created" ? "—" : frappe.form.get_formatter("Currency")(value, df, options, doc)
		);
		if (frm.doc.status !== "Applied") return;
		frm.add_custom_button(__("Undo"), () =>
			frappe.confirm(__("Restore the prices this apply replaced?"), () =>
				frappe.call({ method: "dux_trace.api.grids.undo_apply", args: { history: frm.doc.name } }).then(({ message: r }) => {
					if (r) frappe.show_alert({ message: r.message, indicator: "green" });
					frm.reload_doc();
				})
			)
		);
	},
});
