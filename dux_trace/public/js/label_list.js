// Item, Batch and Serial No lists: select rows → Actions → "Print Labels" (a number of labels per
// row, a Label Template, a preview at real size). ERPNext's own list settings are kept.

frappe.provide("dux_trace");

["Item", "Batch", "Serial No"].forEach((doctype) => {
	const settings = (frappe.listview_settings[doctype] = frappe.listview_settings[doctype] || {});
	if (settings.dux_labels) return;
	settings.dux_labels = true;
	const onload = settings.onload;
	settings.onload = function (listview) {
		if (onload) onload.apply(this, arguments);
		listview.page.add_actions_menu_item(__("Print Labels"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) {
				frappe.msgprint(__("Select the rows to print labels for."));
				return;
			}
			const open = () => dux_trace.print_labels({ rows: names.map((name) => ({ doctype, name, qty: 1 })) });
			if (dux_trace.print_labels) open();
			else frappe.require("/assets/dux_trace/js/labels.js", open);
		});
	};
});
