// Copyright (c) 2026, dux_trace developers
// For license information, please see license.txt

frappe.ui.form.on("After-Sales Check", {
	refresh(frm) {
		frm.add_custom_button(__("New Check"), () => frappe.set_route("after-sales-counter"));
		const colour = frm.doc.refused ? "red" : "green";
		const esc = frappe.utils.escape_html;
		// the buyer and the sale, sent by the server only to a reader who may open the sale
		const sale = frm.doc.__onload && frm.doc.__onload.sale;
		const sold = sale
			? " " +
			  esc(
					__("Sold to {0} ({1} {2})", [
						sale.sold_to || "?",
						__(sale.sales_document_type),
						sale.sales_document,
					])
			  )
			: "";
		frm.dashboard.set_headline_alert(
			`<span class="indicator ${colour}">${esc(__(frm.doc.verdict))}</span>${sold}`
		);
	},
});
