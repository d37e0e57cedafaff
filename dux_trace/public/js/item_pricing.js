// The article card on the Item form (tab "Pricing" / "Tarification"): the five cost bases, the
// margins, and the prices HT / TTC kept in step as the user types any one of markup, HT or TTC.
frappe.ui.form.on("Item", {
	refresh(frm) {
		if (frm.is_new() || !frm.fields_dict.dux_card_html) return;
		dux_trace_card.load(frm);
		frm.add_custom_button(__("Sales Simulation"), () => dux_trace_card.simulate(frm), __("View"));
	},
	dux_margin_basis(frm) {
		dux_trace_card.load(frm, { markup: frm.doc.dux_markup_percent });
	},
	max_discount(frm) {
		dux_trace_card.load(frm, { price_ht: frm.doc.dux_selling_price });
	},
	dux_markup_percent(frm) {
		if (!dux_trace_card.busy && frm.doc.dux_markup_percent != null)
			dux_trace_card.load(frm, { markup: frm.doc.dux_markup_percent });
	},
	dux_selling_price(frm) {
		if (!dux_trace_card.busy) dux_trace_card.load(frm, { price_ht: frm.doc.dux_selling_price });
	},
	dux_price_incl_tax(frm) {
		if (!dux_trace_card.busy) dux_trace_card.load(frm, { price_ttc: frm.doc.dux_price_incl_tax });
	},
});

const dux_trace_card = {
	busy: false,

	load(frm, typed = {}) {
		frappe.call({
			method: "dux_trace.api.pricing.get_card",
			args: {
				item_code: frm.doc.name,
				margin_basis: frm.doc.dux_margin_basis || "",
				max_discount: frm.doc.max_discount || 0,
				...typed,
			},
			callback: ({ message: card }) => {
				if (!card) return;
				this.render(frm, card);
				if (card.price_ht == null || !Object.keys(typed).length) return;
				this.busy = true;
				const values = { dux_selling_price: card.price_ht, dux_price_incl_tax: card.price_ttc };
				if (card.markup_on_base != null) values.dux_markup_percent = card.markup_on_base;
				frm.set_value(values).then(() => (this.busy = false));
			},
		});
	},

	money(card, value) {
		return value == null ? "—" : format_currency(value, card.currency, card.precision);
	},

	// "10 %", "12,50 %": whole numbers without decimals, in the user's number format
	percent(value) {
		if (value == null) return "—";
		return `${format_number(value, null, Number.isInteger(flt(value, 2)) ? 0 : 2)} %`;
	},

	render(frm, card) {
		const esc = frappe.utils.escape_html;
		const p = card.last_purchase;
		const costs = card.costs_visible
			? `<table class="table table-bordered table-sm" style="max-width: 640px">
				<tbody>
				${card.bases
					.map(
						(b) => `<tr${b.basis === card.basis ? ' class="font-weight-bold"' : ""}>
						<td>${esc(b.label)}${b.basis === card.basis ? ` (${__("margin basis")})` : ""}</td>
						<td class="text-right">${this.money(card, b.value)}</td></tr>`
					)
					.join("")}
				</tbody></table>
				${
					p
						? `<p class="text-muted small">${__("Last purchase: {0} of {1} from {2}: {3} {4}, supplier discount {5} ({6}).", [
								esc(__(p.doctype)),
								frappe.datetime.str_to_user(p.posting_date),
								esc(p.supplier),
								format_number(p.price_in_currency, null, card.precision),
								esc(p.currency),
								this.percent(p.discount_percent),
								this.money(card, p.discount_amount),
						  ])}</p>`
						: `<p class="text-muted small">${__("No purchase received yet.")}</p>`
				}`
			: `<p class="text-muted small">${__("Costs are shown to the roles that may read the stock ledger.")}</p>`;
		frm.fields_dict.dux_cost_html.$wrapper.html(costs);

		const rows = [
			[__("Basis value"), this.money(card, card.base_value)],
			[__("Markup on gross purchase price"), this.percent(card.markup_on_gross)],
			[__("Markup on net purchase price"), this.percent(card.markup_on_net)],
			[__("Markup on basis"), this.percent(card.markup_on_base)],
			[__("Margin on selling price"), this.percent(card.margin_on_price)],
			[__("Max Discount (%)"), this.percent(card.max_discount)],
			[__("Net price excl. VAT after max discount"), this.money(card, card.net_ht_after_max_discount)],
			[__("Real markup after max discount"), this.percent(card.real_markup)],
			[__("VAT rate"), this.percent(card.vat_percent)],
		];
		let html = `<table class="table table-bordered table-sm" style="max-width: 640px"><tbody>
			${rows.map(([l, v]) => `<tr><td>${l}</td><td class="text-right">${v}</td></tr>`).join("")}
			</tbody></table>`;
		if (card.costs_visible && card.minimum_price != null)
			html = html.replace(
				"</tbody></table>",
				`<tr class="${card.below_minimum ? "text-danger font-weight-bold" : ""}"><td>${__("Minimum price excl. VAT ({0} + {1})", [
					esc(card.basis_label),
					this.percent(card.min_margin_percent),
				])}</td><td class="text-right">${this.money(card, card.minimum_price)}</td></tr></tbody></table>`
			);
		// a price under the item's floor: in red, with the cost only for who may see it
		if (card.below_minimum)
			html += `<p class="text-danger font-weight-bold dux-below-minimum">${esc(card.below_minimum_message)}</p>`;
		if (card.ttc_difference)
			html += `<p class="text-warning small">${__("No price excl. VAT gives exactly the price typed incl. VAT: {0} differs by {1}.", [
				this.money(card, card.price_ttc),
				this.money(card, card.ttc_difference),
			])}</p>`;
		frm.fields_dict.dux_card_html.$wrapper.html(html);
	},

	simulate(frm) {
		const dialog = new frappe.ui.Dialog({
			title: __("Sales Simulation"),
			size: "extra-large",
			fields: [
				{ fieldname: "qty", label: __("Quantity"), fieldtype: "Float", default: 1 },
				{ fieldname: "customer_group", label: __("Customer Group"), fieldtype: "Link", options: "Customer Group" },
				{ fieldname: "col", fieldtype: "Column Break" },
				{ fieldname: "price_list", label: __("Price List"), fieldtype: "Link", options: "Price List", filters: { selling: 1 } },
				{ fieldname: "discount_step", label: __("Discount Step (%)"), fieldtype: "Float", default: 5 },
				{ fieldname: "cost_shift", label: __("Cost Change (%)"), fieldtype: "Float", default: 0 },
				{ fieldname: "result_section", fieldtype: "Section Break" },
				{ fieldname: "result", fieldtype: "HTML" },
				{ fieldname: "chart", fieldtype: "HTML" },
			],
			primary_action_label: __("Simulate"),
			primary_action: (values) => {
				frappe.call({
					method: "dux_trace.api.pricing.simulate_sale",
					args: { item_code: frm.doc.name, ...values },
					callback: ({ message: r }) => r && this.show_simulation(dialog, r),
				});
			},
		});
		dialog.show();
		dialog.get_primary_btn().trigger("click");
	},

	show_simulation(dialog, r) {
		const money = (v) => this.money(r, v);
		const bases = r.bases;
		const head = `<tr><th>${__("Discount")}</th><th>${__("Net excl. VAT")}</th><th>${__("Net incl. VAT")}</th>
			${bases.map((b) => `<th>${frappe.utils.escape_html(b.label)}</th>`).join("")}</tr>`;
		const body = r.rows
			.map(
				(row) => `<tr><td>${this.percent(row.discount)}</td><td>${money(row.net_ht)}</td><td>${money(row.net_ttc)}</td>
				${bases
					.map((b) => {
						const [amount, pct] = row.margins[b.basis] || [null, null];
						return `<td class="${amount < 0 ? "text-danger" : ""}">${money(amount)} (${this.percent(pct)})</td>`;
					})
					.join("")}</tr>`
			)
			.join("");
		const breakeven = bases
			.map((b) => `${frappe.utils.escape_html(b.label)}: ${this.percent(r.break_even_discount[b.basis])}`)
			.join(" · ");
		dialog.fields_dict.result.$wrapper.html(
			`<p>${__("List price {0} excl. VAT, VAT {1}, ERPNext's price for this sale {2}.", [
				money(r.price_list_rate),
				this.percent(r.vat_percent),
				money(r.erpnext_rate),
			])}</p>
			<table class="table table-bordered table-sm">${head}${body}</table>
			${
				r.costs_visible
					? `<p>${__("Break-even discount: {0}", [breakeven || "—"])}</p>`
					: `<p class="text-muted">${__("Costs are shown to the roles that may read the stock ledger.")}</p>`
			}`
		);
		const wrapper = dialog.fields_dict.chart.$wrapper.empty();
		if (!bases.length) return;
		new frappe.Chart(wrapper[0], {
			title: __("Margin by discount"),
			type: "line",
			height: 240,
			data: {
				labels: r.rows.map((row) => this.percent(row.discount)),
				datasets: bases.map((b) => ({ name: b.label, values: r.rows.map((row) => (row.margins[b.basis] || [0])[0]) })),
			},
		});
	},
};
