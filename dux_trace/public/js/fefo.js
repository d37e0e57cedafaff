// FEFO warnings on outgoing documents, before submit: kept above the form (not a toast) from the
// last save (dux_fefo_warnings), and checked again as soon as a lot is chosen on a row.

frappe.provide("dux_trace");

dux_trace.show_fefo_warnings = function (frm, messages) {
	if (frm.doc.docstatus !== 0 || !messages || !messages.length) {
		frm.set_intro();
		return;
	}
	frm.set_intro(
		`<div class="dux-fefo-warnings"><b>${__("FEFO")}</b><br>${messages.join("<br>")}</div>`,
		"orange"
	);
};

dux_trace.check_fefo = frappe.utils.debounce(async function (frm) {
	if (frm.doc.docstatus !== 0) return;
	const { message } = await frappe.call({
		method: "dux_trace.api.fefo.check_lots",
		args: { doc: frm.doc },
	});
	dux_trace.show_fefo_warnings(frm, message);
}, 300);

if (!dux_trace.fefo_registered) {
	dux_trace.fefo_registered = true;
	const rows = {
		"Delivery Note": "Delivery Note Item",
		"Sales Invoice": "Sales Invoice Item",
		"POS Invoice": "POS Invoice Item",
		"Stock Entry": "Stock Entry Detail",
		"Pick List": "Pick List Item",
	};
	Object.entries(rows).forEach(([doctype, child]) => {
		frappe.ui.form.on(doctype, {
			refresh(frm) {
				const text = frm.doc.dux_fefo_warnings;
				dux_trace.show_fefo_warnings(frm, text ? text.split("<br>") : []);
			},
		});
		frappe.ui.form.on(child, {
			batch_no(frm, cdt, cdn) {
				if (locals[cdt][cdn].batch_no) dux_trace.check_fefo(frm);
			},
		});
	});
}
