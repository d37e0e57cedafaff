// A long traceability export (EPCIS, traceability sheet) runs in the background: when it ends, the
// user who asked is told, on whatever desk page they are, with the file or what kept it from being made.
$(document).on("app_ready", () => {
	frappe.realtime.on("dux_trace_export_ready", (data) => {
		if (!data) return;
		if (data.error) {
			frappe.msgprint({ title: __("Traceability export"), message: data.error, indicator: "red" });
			return;
		}
		const name = frappe.utils.escape_html(data.file_name || "");
		const url = encodeURI(data.file_url || "");
		frappe.msgprint({
			title: __("Traceability export"),
			message: `${__("The file is ready:")} <a href="${url}" target="_blank" rel="noopener">${name}</a>`,
			indicator: "green",
		});
	});
});
