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

// Notify Customers: first who will be reached on which channel and who cannot (and why), then the
// job's progress, then the outcome per customer (the Notifications table, reloaded).
frappe.ui.form.on("Product Recall", {
	refresh(frm) {
		if (frm.doc.docstatus === 1 && frm.doc.status === "Open") {
			frm.add_custom_button(__("Notify Customers"), () => dux_trace.recall_notify_dialog(frm));
		}
		if (!frm.dux_notified_listener) {
			frm.dux_notified_listener = true;
			frappe.realtime.on("dux_recall_notified", (data) => {
				if (frm.doc.name !== cur_frm?.doc?.name) return;
				frappe.hide_progress();
				if (data.refused) {
					// the job checks the sender's rights again when it runs
					frappe.msgprint({ title: __("Notify Customers"), indicator: "red", message: data.refused });
					return;
				}
				frm.reload_doc().then(() => {
					frappe.msgprint({
						title: __("Notify Customers"),
						indicator: data.failed ? "orange" : "green",
						message: __("{0} messages sent or queued, {1} failed: see the Notifications table.", [
							data.sent,
							data.failed,
						]),
					});
					frm.scroll_to_field("notifications");
				});
			});
		}
	},
});

frappe.provide("dux_trace");

dux_trace.recall_notify_dialog = async function (frm) {
	const { message: preview } = await frm.call("notification_preview");
	const esc = frappe.utils.escape_html;
	const cell = (value, problem) =>
		value
			? `<span class="indicator-pill green">${esc(value)}</span>`
			: `<span class="indicator-pill red">${esc(problem || "")}</span>`;
	const rows = preview.customers
		.map(
			(c) => `<tr data-customer="${esc(c.customer)}"><td>${esc(c.customer_name)}</td>
				<td>${cell(c.sms, c.sms_problem)}</td><td>${cell(c.email, c.email_problem)}</td></tr>`
		)
		.join("");
	const reachable = (channel) => preview.customers.filter((c) => c[channel]).length;
	const dialog = new frappe.ui.Dialog({
		title: __("Notify Customers"),
		size: "large",
		fields: [
			{
				fieldname: "problems",
				fieldtype: "HTML",
				options: preview.problems.length
					? `<div class="alert alert-warning dux-notify-problems">${preview.problems
							.map(esc)
							.join("<br>")}</div>`
					: "",
			},
			{
				fieldname: "sms",
				label: __("SMS ({0} of {1} customers reachable)", [reachable("sms"), preview.customers.length]),
				fieldtype: "Check",
				default: preview.sms ? 1 : 0,
			},
			{
				fieldname: "email",
				label: __("Email ({0} of {1} customers reachable)", [
					reachable("email"),
					preview.customers.length,
				]),
				fieldtype: "Check",
				default: preview.email ? 1 : 0,
			},
			{
				fieldname: "who",
				fieldtype: "HTML",
				options: `<table class="table table-bordered dux-notify-preview"><thead><tr>
					<th>${__("Customer")}</th><th>${__("SMS")}</th><th>${__("Email")}</th></tr></thead>
					<tbody>${rows}</tbody></table>`,
			},
		],
		primary_action_label: __("Send"),
		primary_action: (values) => {
			dialog.hide();
			frappe.show_progress(__("Notifying customers"), 0, 100, __("Waiting for a background worker"));
			frm.call("notify_customers", values);
		},
	});
	dialog.show();
};
