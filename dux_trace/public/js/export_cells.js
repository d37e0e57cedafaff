// Cells of a CSV or XLSX export that a spreadsheet will not run as a formula: the rule of
// dux_trace/core/export_cells.py (documented there; the pure suite checks that both agree).
// A cell beginning with = + - @ (or their full-width forms), a tab, CR or LF, after any leading
// spaces, gets a leading single quote; numbers and phone numbers ("+212 6 12 34 56 78": a sign,
// then only digits, spaces, dots, hyphens and parentheses) are written as they are.

(function () {
	const FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20"];
	const NUMBER_OR_PHONE = /^[+-]?[0-9][0-9 .()-]*$/;

	function safe_cell(value) {
		if (typeof value !== "string") return value;
		const start = value.replace(/^ +/, "");
		if (!FORMULA_STARTS.some((prefix) => start.startsWith(prefix))) return value;
		if (value === start && NUMBER_OR_PHONE.test(value)) return value;
		return "'" + value;
	}

	function safe_rows(rows) {
		return rows.map((row) => row.map(safe_cell));
	}

	const api = { safe_cell, safe_rows };
	if (typeof module !== "undefined" && module.exports) module.exports = api;
	if (typeof frappe !== "undefined") {
		frappe.provide("dux_trace");
		Object.assign(dux_trace, api);
	}
})();
