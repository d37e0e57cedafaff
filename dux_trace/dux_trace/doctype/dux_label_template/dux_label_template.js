// Copyright (c) 2026, dux_trace developers
// For license information, please see license.txt

// The template's editor: what the label shows, its type size, barcode type and height, with a live
// preview of one label at real size (the unsaved values, drawn by the server as it will print).

const DUX_PREVIEW_FIELDS = [
	"barcode", "label_width_mm", "label_height_mm", "barcode_height_mm", "font_size_percent",
	"show_item_name", "show_short_name", "show_item_code", "show_price", "show_lot", "show_expiry",
	"show_serial", "show_dot", "show_barcode", "preview_item",
];

frappe.ui.form.on("Dux Label Template", {
	refresh(frm) {
		frm.events.preview(frm);
	},
	page(frm) {
		if (frm.doc.page === "Roll") {
			frm.set_value({ rows: 1, columns: 1 });
		}
		frm.events.preview(frm);
	},
	preview(frm) {
		clearTimeout(frm.dux_preview_timer);
		frm.dux_preview_timer = setTimeout(() => {
			const wrapper = frm.get_field("preview_html").$wrapper;
			const editable = frappe.model.can_write("Dux Label Template");
			if (!editable && frm.is_new()) return;
			frappe
				.call({
					method: "dux_trace.api.labels.preview_label",
					args: { template: editable ? JSON.stringify(frm.doc) : frm.doc.name },
					error_msg: false,
				})
				.then((r) => {
					dux_trace.show_label_preview(wrapper, r.message);
				})
				.catch(() => {});
		}, 300);
	},
	...Object.fromEntries(DUX_PREVIEW_FIELDS.map((field) => [field, (frm) => frm.events.preview(frm)])),
});
