// Recall in one second: typing a lot or serial number in the awesome bar offers its Lot Trace
// (customers who received it, where it came from, what is left in stock).

frappe.provide("frappe.search.utils");

$(document).on("app_ready", () => {
	const utils = frappe.search.utils;
	if (!utils || utils.dux_trace_wrapped) return;
	utils.dux_trace_wrapped = true;
	const get_executables = utils.get_executables;
	utils.get_executables = function (keywords) {
		const results = get_executables.apply(this, arguments);
		const code = (keywords || "").trim();
		// a lot or serial is one word of letters, digits and - _ / .
		// offered to whoever may open the report (Stock / Sales users and managers)
		const allowed = (frappe.boot.user.all_reports || {})["Lot Trace"];
		if (code.length >= 2 && /^[\w\-/.]+$/.test(code) && allowed) {
			results.push({
				type: "Executable",
				value: __("Lot Trace of {0}", [`<b>${frappe.utils.escape_html(code)}</b>`]),
				index: 5,
				match: code,
				// the lot, or the serial, that the code is (both filters only when it is neither)
				onclick: () =>
					frappe
						.xcall("dux_trace.api.trace.lot_or_serial", { code })
						.then((filters) => frappe.set_route("query-report", "Lot Trace", filters)),
			});
		}
		return results;
	};
});
