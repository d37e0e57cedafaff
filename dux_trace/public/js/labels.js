// "Print Labels" on receipts: one label per unit received (per serial, N per lot line), as a PDF
// sheet or roll laid out by a Label Template, or as ZPL for a thermal printer.

frappe.provide("dux_trace");

dux_trace.print_labels = function (frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Print Labels"),
		fields: [
			{
				fieldname: "template",
				fieldtype: "Link",
				options: "Dux Label Template",
				label: __("Label Template"),
				reqd: 1,
			},
			{
				fieldname: "output",
				fieldtype: "Select",
				label: __("Output"),
				options: [
					{ value: "PDF", label: __("PDF") },
					{ value: "ZPL", label: __("ZPL (thermal printer)") },
				],
				default: "PDF",
			},
		],
		primary_action_label: __("Print"),
		primary_action(values) {
			const query = new URLSearchParams({
				doctype: frm.doctype,
				name: frm.doc.name,
				template: values.template,
				output: values.output,
			});
			window.open(`/api/method/dux_trace.api.labels.download_labels?${query}`);
			dialog.hide();
		},
	});
	dialog.show();
};

if (!dux_trace.labels_registered) {
	dux_trace.labels_registered = true;
	(frappe.boot.dux_trace?.receipts || ["Purchase Receipt", "Purchase Invoice", "Stock Entry"]).forEach((doctype) => {
		frappe.ui.form.on(doctype, {
			refresh(frm) {
				if (frm.is_new() || frm.doc.docstatus === 2) return;
				frm.add_custom_button(__("Print Labels"), () => dux_trace.print_labels(frm), __("Create"));
			},
		});
	});
}
