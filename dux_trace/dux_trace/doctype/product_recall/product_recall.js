// Copyright (c) 2026, dux_trace developers
// For license information, please see license.txt

frappe.ui.form.on("Product Recall", {
	refresh(frm) {
		if (frm.doc.docstatus === 1 && frm.doc.status === "Open") {
			frm.add_custom_button(__("Close Recall"), () =>
				frm.call("close").then(() => frm.reload_doc())
			);
		}
		const lots = (frm.doc.items || []).map((row) => row.batch_no).filter(Boolean);
		if (lots.length) {
			frm.add_custom_button(__("Lot Trace"), () =>
				frappe.set_route("query-report", "Lot Trace", { batch_no: lots.join(",") })
			);
		}
	},
});

frappe.ui.form.on("Product Recall", {
	refresh(frm) {
		if (frm.doc.docstatus === 1 && frm.doc.status === "Open") {
			frm.add_custom_button(__("Notify Customers"), () => {
				frappe.prompt(
					[
						{ fieldname: "sms", label: __("SMS"), fieldtype: "Check", default: 1 },
						{ fieldname: "email", label: __("Email"), fieldtype: "Check", default: 1 },
					],
					(values) => frm.call("notify_customers", values).then(() => frm.reload_doc()),
					__("Notify Customers")
				);
			});
		}
	},
});
