// dux_trace: from a lot, one click to everyone who received it, or to a recall.
frappe.ui.form.on("Batch", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Lot Trace"),
			() => frappe.set_route("query-report", "Lot Trace", { batch_no: frm.doc.name }),
			__("Traceability")
		);
		frm.add_custom_button(__("Mass Balance"), () => dux_show_mass_balance(frm.doc.name), __("Traceability"));
		// GS1 EPCIS 2.0 events and the regulator's sheet of the lot (refused, with the list, while an
		// item lacks a GTIN or a place a GLN)
		const download = (method, args) =>
			window.open(`/api/method/dux_trace.api.epcis.${method}?${new URLSearchParams(args)}`);
		frm.add_custom_button(__("Export EPCIS"), () => download("download", { batch_no: frm.doc.name }), __("Traceability"));
		frm.add_custom_button(
			__("Traceability Sheet"),
			() => download("key_data_elements", { batch_no: frm.doc.name, output: "XLSX" }),
			__("Traceability")
		);
		if (frappe.model.can_create("Dux Traceability Test")) {
			frm.add_custom_button(
				__("Traceability Test"),
				() => frappe.new_doc("Dux Traceability Test", { batch_no: frm.doc.name, item_code: frm.doc.item }),
				__("Traceability")
			);
		}
		if (frappe.model.can_create("Product Recall")) {
			frm.add_custom_button(
				__("Recall this Lot"),
				() =>
					frappe.new_doc("Product Recall", {}, (recall) => {
						const row = frappe.model.add_child(recall, "items");
						row.item_code = frm.doc.item;
						row.batch_no = frm.doc.name;
					}),
				__("Traceability")
			);
		}
	},
});

// received + produced - left - on hand = unexplained difference, line by line
function dux_show_mass_balance(batch_no) {
	frappe.call({
		method: "dux_trace.api.mass_balance.lot_balance",
		args: { batch_no },
		callback({ message: balance }) {
			if (!balance) return;
			const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
			const rows = balance.lines
				.map((line) => {
					const who = line.party_name || line.party || line.detail || "";
					const doc = line.voucher_no ? `${__(line.voucher_type)} ${line.voucher_no}` : "";
					return `<tr><td>${esc(line.label)}</td><td>${esc(who)}</td><td>${esc(doc)}</td>
						<td>${esc(line.warehouse)}</td><td class="text-right">${esc(format_number(line.qty))}</td></tr>`;
				})
				.join("");
			const colour = balance.difference ? "text-danger" : "text-success";
			frappe.msgprint({
				title: __("Mass Balance of Lot {0}", [esc(batch_no)]),
				wide: true,
				message: `<p class="${colour}"><b>${esc(balance.summary)}</b></p>
					<table class="table table-bordered table-condensed"><thead><tr>
					<th>${__("Movement")}</th><th>${__("Party / Detail")}</th><th>${__("Document")}</th>
					<th>${__("Warehouse")}</th><th class="text-right">${__("Quantity")}</th></tr></thead>
					<tbody>${rows}</tbody></table>`,
			});
		},
	});
}
