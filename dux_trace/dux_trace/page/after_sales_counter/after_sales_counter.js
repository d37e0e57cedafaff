// Copyright (c) 2026, dux_trace developers
// For license information, please see license.txt

// "Contrôle SAV": the clerk scans the returned device (and, if known, picks the customer
// presenting it); the verdict shows at once and the check is recorded in After-Sales Check.

frappe.pages["after-sales-counter"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("After-Sales Check"),
		single_column: true,
	});
	wrapper.counter = new dux_trace_after_sales.Counter(page);
};

frappe.pages["after-sales-counter"].on_page_show = function (wrapper) {
	// opened from a Serial No form: the serial is filled in, the clerk confirms with Enter
	const serial_no = frappe.route_options && frappe.route_options.serial_no;
	if (serial_no && wrapper.counter) {
		frappe.route_options = null;
		wrapper.counter.scan.set_value(serial_no);
		wrapper.counter.scan.$input.focus();
	}
};

frappe.provide("dux_trace_after_sales");

dux_trace_after_sales.Counter = class Counter {
	constructor(page) {
		this.page = page;
		this.customer = page.add_field({
			fieldname: "customer",
			label: __("Customer Presenting the Device"),
			fieldtype: "Link",
			options: "Customer",
		});
		this.scan = page.add_field({
			fieldname: "serial_no",
			label: __("Scan the Serial No"),
			fieldtype: "Data",
		});
		this.scan.$input.attr("autocomplete", "off").attr("data-dux-after-sales", "1");
		this.scan.$input.on("keydown", (event) => {
			if (event.key === "Enter") {
				event.preventDefault();
				this.check(this.scan.get_value());
			}
		});
		page.set_primary_action(__("Check"), () => this.check(this.scan.get_value()), "search");
		page.add_inner_button(__("Refused Checks"), () =>
			frappe.set_route("query-report", "Refused After-Sales Checks")
		);
		this.$result = $('<div class="dux-after-sales-result" style="margin-top: 20px"></div>').appendTo(
			page.main
		);
		setTimeout(() => this.scan.$input.focus(), 300);
	}

	async check(text) {
		if (!(text || "").trim()) return;
		this.scan.set_value("");
		const { message } = await frappe.call({
			method: "dux_trace.api.after_sales.check_serial",
			args: { serial_no: text, customer: this.customer.get_value() || null },
			freeze: true,
		});
		this.show(message);
		this.scan.$input.focus();
	}

	show(result) {
		const colour = result.refused ? "red" : "green";
		const link = (doctype, name) =>
			name ? `<a href="/app/${frappe.router.slug(doctype)}/${encodeURIComponent(name)}">${frappe.utils.escape_html(name)}</a>` : "";
		const warranty =
			result.warranty_end === null || result.warranty_end === undefined
				? ""
				: `<div class="indicator-pill ${result.under_warranty ? "green" : "orange"}">
					${result.under_warranty ? __("Under Warranty") : __("Warranty Ended")}
				</div>`;
		this.$result.html(`
			<div class="frappe-card" data-verdict="${frappe.utils.escape_html(result.verdict)}">
				<h2 class="dux-verdict text-${result.refused ? "danger" : "success"}">
					<span class="indicator ${colour}"></span>${frappe.utils.escape_html(result.verdict_label)}
				</h2>
				<p class="dux-message" style="font-size: 1.1em">${result.message}</p>
				${warranty}
				<table class="table table-condensed" style="margin-top: 12px; max-width: 640px">
					<tr><td>${__("Serial No")}</td><td><b>${frappe.utils.escape_html(result.serial_no)}</b></td></tr>
					${result.item_code ? `<tr><td>${__("Item")}</td><td>${link("Item", result.item_code)} ${frappe.utils.escape_html(result.item_name || "")}</td></tr>` : ""}
					${result.sold_to ? `<tr><td>${__("Sold To")}</td><td>${link("Customer", result.sold_to)}</td></tr>` : ""}
					${result.sales_document ? `<tr><td>${__("Sales Document")}</td><td>${link(result.sales_document_type, result.sales_document)}</td></tr>` : ""}
					${result.sale_date ? `<tr><td>${__("Sale Date")}</td><td>${frappe.datetime.str_to_user(result.sale_date)}</td></tr>` : ""}
					<tr><td>${__("Recorded As")}</td><td>${link("After-Sales Check", result.name)}</td></tr>
				</table>
			</div>`);
	}
};
