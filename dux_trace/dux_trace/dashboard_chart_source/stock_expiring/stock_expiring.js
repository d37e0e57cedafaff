frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Stock Expiring"] = {
	method: "dux_trace.dux_trace.dashboard_chart_source.stock_expiring.stock_expiring.get",
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
	],
};
