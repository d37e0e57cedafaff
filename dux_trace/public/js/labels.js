// "Print Labels": on receipts and delivery notes (one label per unit received or leaving), and on
// Item, Batch and Serial No forms and lists (N labels per selected record). A Label Template lays
// them out (PDF sheet or roll, or ZPL for a thermal printer); one label is previewed at real size.

frappe.provide("dux_trace");

dux_trace.LABEL_TEMPLATE_KEY = "dux_trace:label_template";

// options: {doctype, name} of a document, or {rows: [{doctype, name, qty}]} of records
dux_trace.print_labels = function (options) {
	const records = options.rows || null;
	const fields = [
		{
			fieldname: "template",
			fieldtype: "Link",
			options: "Dux Label Template",
			label: __("Label Template"),
			reqd: 1,
			default: localStorage.getItem(dux_trace.LABEL_TEMPLATE_KEY) || "",
			onchange: () => show_preview(),
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
	];
	if (records) {
		fields.push({
			fieldname: "rows",
			fieldtype: "Table",
			label: __("Labels"),
			cannot_add_rows: true,
			in_place_edit: true,
			data: records.map((row) => ({ record: row.name, qty: row.qty || 1, doctype_name: row.doctype })),
			fields: [
				{ fieldname: "record", fieldtype: "Data", label: __(records[0].doctype), read_only: 1, in_list_view: 1, columns: 7 },
				{ fieldname: "qty", fieldtype: "Int", label: __("Number of Labels"), in_list_view: 1, columns: 3, non_negative: 1 },
				{ fieldname: "doctype_name", fieldtype: "Data", hidden: 1 },
			],
		});
	}
	fields.push({ fieldname: "preview_section", fieldtype: "Section Break", label: __("Preview (real size)") });
	fields.push({ fieldname: "preview", fieldtype: "HTML" });

	const dialog = new frappe.ui.Dialog({
		title: __("Print Labels"),
		size: records ? "large" : "small",
		fields,
		primary_action_label: __("Print"),
		primary_action(values) {
			localStorage.setItem(dux_trace.LABEL_TEMPLATE_KEY, values.template);
			if (records) {
				const rows = selected_rows();
				if (!rows.length) {
					frappe.msgprint(__("Give at least one label to print."));
					return;
				}
				open_url_post(
					"/api/method/dux_trace.api.labels.print_labels",
					{ rows: JSON.stringify(rows), template: values.template, output: values.output },
					true
				);
			} else {
				const query = new URLSearchParams({
					doctype: options.doctype,
					name: options.name,
					template: values.template,
					output: values.output,
				});
				window.open(`/api/method/dux_trace.api.labels.download_labels?${query}`);
			}
			dialog.hide();
		},
	});

	function selected_rows() {
		return (dialog.get_value("rows") || [])
			.filter((row) => cint(row.qty) > 0)
			.map((row) => ({ doctype: row.doctype_name, name: row.record, qty: cint(row.qty) }));
	}

	function show_preview() {
		const template = dialog.get_value("template");
		const wrapper = dialog.get_field("preview").$wrapper;
		if (!template) {
			wrapper.empty();
			return;
		}
		const args = { template };
		if (records) args.rows = JSON.stringify(selected_rows().slice(0, 1));
		else args.rows = undefined;
		frappe
			.call({ method: "dux_trace.api.labels.preview_label", args })
			.then((r) => dux_trace.show_label_preview(wrapper, r.message));
	}

	dialog.show();
	dux_trace.label_dialog = dialog;
	if (dialog.get_value("template")) {
		show_preview();
	} else {
		// nothing chosen yet on this browser: the first template
		frappe.db
			.get_list("Dux Label Template", { fields: ["name"], limit: 1, order_by: "name asc" })
			.then((templates) => templates.length && dialog.set_value("template", templates[0].name));
	}
	return dialog;
};

// the preview's HTML page (its own styles) in a frame, at real size. The frame is sandboxed: no
// script runs in it, whatever the label's text (the server escapes it too); allow-same-origin alone
// lets this page read the drawn size, and without allow-scripts it gives the frame nothing to run.
dux_trace.show_label_preview = function (wrapper, html) {
	wrapper.empty();
	const frame = $(
		`<iframe class="dux-label-preview" sandbox="allow-same-origin" style="border: 1px dashed var(--border-color); background: white;"></iframe>`
	);
	wrapper.append(frame);
	frame.attr("srcdoc", html || "");
	frame.on("load", () => {
		const page = frame[0].contentDocument?.querySelector(".dux-page");
		if (page) {
			frame.css({ width: page.offsetWidth + 2 + "px", height: page.offsetHeight + 2 + "px" });
		}
	});
};

dux_trace.label_records = function (doctype, names) {
	return names.map((name) => ({ doctype, name, qty: 1 }));
};

if (!dux_trace.labels_registered) {
	dux_trace.labels_registered = true;
	const documents = [...(frappe.boot.dux_trace?.receipts || ["Purchase Receipt", "Purchase Invoice", "Stock Entry"]), "Delivery Note"];
	documents.forEach((doctype) => {
		frappe.ui.form.on(doctype, {
			refresh(frm) {
				if (frm.is_new() || frm.doc.docstatus === 2) return;
				frm.add_custom_button(
					__("Print Labels"),
					() => dux_trace.print_labels({ doctype: frm.doctype, name: frm.doc.name }),
					__("Create")
				);
			},
		});
	});
	["Item", "Batch", "Serial No"].forEach((doctype) => {
		frappe.ui.form.on(doctype, {
			refresh(frm) {
				if (frm.is_new()) return;
				frm.add_custom_button(__("Print Labels"), () =>
					dux_trace.print_labels({ rows: dux_trace.label_records(doctype, [frm.doc.name]) })
				);
			},
		});
	});
}
