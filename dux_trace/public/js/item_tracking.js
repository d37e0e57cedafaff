// Tracking mode on Item: its effect shows at once (serial numbers, lots with expiry, valuation),
// as the server applies it on save (dux_trace.core.tracking.item_values_for_mode; the naming series
// are filled there).

frappe.ui.form.on("Item", {
	dux_tracking_mode(frm) {
		const mode = frm.doc.dux_tracking_mode;
		const values = { has_serial_no: mode === "Serial" ? 1 : 0, has_batch_no: mode === "Lot" ? 1 : 0 };
		if (mode === "Lot") Object.assign(values, { has_expiry_date: 1, create_new_batch: 1 });
		else values.has_expiry_date = 0;
		if (mode === "Serial") values.dux_scan_serial_at_sale = 1;
		if (mode === "Moving Average") values.valuation_method = "Moving Average";
		else if (frm.doc.valuation_method === "Moving Average") values.valuation_method = "";
		frm.set_value(values);
	},
});
