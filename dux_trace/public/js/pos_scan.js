// Point of Sale (ERPNext's page "point-of-sale", hooks.py page_js, after serial_scan.js): which unit
// of a serialized item is sold is asked at the till, as on the desk's sales forms.
//
// ERPNext's item search adds what the clerk scans (typed + Enter, a click on the item, or by itself
// with the POS Profile's "Auto Add Item to Cart") through Controller.on_cart_update. Wrapped here:
// - an item code / barcode of a serialized item opens "Which one are you selling?": each serial
//   scanned there is checked by the server (dux_trace.api.serials.check_scan, the rules of the desk's
//   dialog: known, this item's, in the till's warehouse, not sold, not on another open sale, not
//   twice); a refusal is said in the dialog and nothing is added, an accepted serial is added by
//   ERPNext's own on_cart_update with the serial (and its lot), as when the search finds a serial;
// - a serial number, or a GS1 code with (01) + (21) (ERPNext's search, through
//   overrides.barcode_scan, finds its serial and lot), is checked the same way and added in one scan;
//   refused, the dialog opens with the reason so the clerk can scan the right unit;
// - anything else (items without serial numbers, cart edits, returns) goes to ERPNext unchanged.
// The serials added are recorded as scanned on the row (dux_scanned_serials, as the desk's dialog
// does) and shown under the item in the cart. Works on the POS Invoice or Sales Invoice the site's
// POS Settings make (version-16's invoice_type): the checks are asked for the till's own doctype.

frappe.provide("dux_trace.pos");

dux_trace.pos.serialized = {}; // item_code -> has serial numbers (read once per page)

dux_trace.pos.is_serialized = async function (item_code) {
	if (!(item_code in dux_trace.pos.serialized)) {
		const { message } = await frappe.db.get_value("Item", item_code, "has_serial_no");
		dux_trace.pos.serialized[item_code] = Boolean(cint(message && message.has_serial_no));
	}
	return dux_trace.pos.serialized[item_code];
};

dux_trace.pos.cart_serials = function (frm, item_code) {
	return (frm.doc.items || [])
		.filter((row) => row.item_code === item_code)
		.flatMap((row) => dux_trace.split_serials(row.serial_no));
};

// {ok, serial_no, batch_no, message}: the desk dialog's check, for the till's invoice
dux_trace.pos.check = async function (pos, item_code, scan) {
	const { message } = await frappe.call({
		method: "dux_trace.api.serials.check_scan",
		args: {
			doctype: pos.frm.doctype,
			item_code,
			warehouse: pos.frm.doc.set_warehouse || pos.settings.warehouse,
			scan,
			scanned: dux_trace.pos.cart_serials(pos.frm, item_code),
			docname: pos.frm.is_new() ? null : pos.frm.doc.name,
		},
	});
	return message;
};

// an item chosen in ERPNext's item search (not a cart edit), that ERPNext would add
dux_trace.pos.wants_serial = async function (pos, args) {
	const item = (args && args.item) || {};
	if (args.field !== "qty" || args.value !== "+1" || !item.item_code || item.name) return false;
	// no customer, no price, a return: ERPNext's own answers
	if (!pos.frm.doc.customer || !flt(item.rate) || pos.frm.doc.is_return) return false;
	return dux_trace.pos.is_serialized(item.item_code);
};

dux_trace.pos.sell = async function (pos, args, on_cart_update) {
	const item = args.item;
	// the unit accepted, with its own lot (not the one the search found with a refused serial)
	const add = async (answer) => {
		const row = await on_cart_update.call(pos, {
			...args,
			item: { ...item, serial_no: answer.serial_no, batch_no: answer.batch_no || undefined },
		});
		const added = (pos.frm.doc.items || []).find((line) => row && line.name === row.name);
		if (added && dux_trace.split_serials(added.serial_no).includes(answer.serial_no)) {
			const scanned = dux_trace.split_serials(added.dux_scanned_serials);
			if (!scanned.includes(answer.serial_no)) scanned.push(answer.serial_no);
			await frappe.model.set_value(added.doctype, added.name, "dux_scanned_serials", scanned.join("\n"));
			dux_trace.beep(true);
		}
		return row;
	};
	if (item.serial_no) {
		// a serial (or a GS1 code with one) found by the search: added in one scan once checked
		const answer = await dux_trace.pos.check(pos, item.item_code, item.serial_no);
		if (answer.ok) return add(answer);
		new dux_trace.pos.SerialDialog(pos, item, add, answer.message);
		return;
	}
	new dux_trace.pos.SerialDialog(pos, item, add);
};

dux_trace.pos.SerialDialog = class SerialDialog {
	constructor(pos, item, add, refusal) {
		this.pos = pos;
		this.item = item;
		this.add = add;
		this.dialog = new frappe.ui.Dialog({
			title: __("Which one are you selling?"),
			fields: [
				{ fieldname: "item", fieldtype: "HTML" },
				{
					fieldname: "scan",
					fieldtype: "Data",
					label: __("Serial No"),
					description: __("Scan the serial number of the unit sold (or type it and press Enter)."),
				},
				{ fieldname: "status", fieldtype: "HTML" },
			],
			primary_action_label: __("Add"),
			primary_action: () => this.scan(this.$input.val()),
		});
		this.dialog.$wrapper.addClass("dux-pos-serial-scan");
		this.dialog.fields_dict.item.$wrapper.html(
			`<div class="dux-pos-item text-muted">${frappe.utils.escape_html(item.item_code)}</div>`
		);
		this.$input = this.dialog.fields_dict.scan.$input;
		this.$input.attr("autocomplete", "off").attr("data-dux-pos-scan", "1");
		// the keys stay in the dialog: ERPNext's Enter (adds the searched item) and its scanner
		// detection (puts a scan in the item search) listen on the whole page; Escape closes it
		this.$input.on("keydown", (event) => {
			event.stopPropagation();
			if (event.key === "Escape") {
				event.preventDefault();
				this.close();
			} else if (event.key === "Enter") {
				event.preventDefault();
				this.scan(this.$input.val());
			}
		});
		// the scanner types where the focus is: in the scan field once the dialog is shown (Bootstrap
		// focuses the dialog itself at the end of its animation)
		this.dialog.$wrapper.on("shown.bs.modal", () => this.$input.focus());
		// Escape closes it wherever the focus is in the dialog (not only in the scan field)
		this.dialog.$wrapper.on("keydown", (event) => {
			if (event.key === "Escape") {
				event.preventDefault();
				event.stopPropagation();
				this.close();
			}
		});
		this.closing = false;
		this.dialog.show();
		if (refusal) this.refuse(refusal);
		setTimeout(() => this.$input.focus(), 300);
	}

	close() {
		// Bootstrap ignores a hide while the dialog is still fading in: hide it once it is shown
		this.closing = true;
		this.dialog.hide();
		this.dialog.$wrapper.one("shown.bs.modal", () => this.closing && this.dialog.hide());
	}

	async scan(text) {
		this.$input.val("");
		if (!(text || "").trim() || this.busy) return;
		this.busy = true;
		try {
			const answer = await dux_trace.pos.check(this.pos, this.item.item_code, text);
			if (!answer.ok) {
				this.refuse(answer.message); // the server escapes what was scanned
				return;
			}
			this.close();
			await this.add(answer);
		} finally {
			this.busy = false;
			this.$input.focus();
		}
	}

	refuse(message) {
		dux_trace.beep(false);
		this.dialog.fields_dict.status.$wrapper.html(
			`<div class="dux-scan-message text-danger" role="alert">${message}</div>`
		);
	}
};

// ERPNext's classes are patched as its bundle defines them (version-16 loads a bundle through a
// <script> tag: a second frappe.require of it would run it twice and define unpatched classes)
dux_trace.pos.patch_controller = function (Controller) {
	if (Controller.prototype.dux_serial_scan) return;
	Controller.prototype.dux_serial_scan = true;
	const on_cart_update = Controller.prototype.on_cart_update;
	Controller.prototype.on_cart_update = async function (args) {
		if (!(await dux_trace.pos.wants_serial(this, args))) return on_cart_update.call(this, args);
		return dux_trace.pos.sell(this, args, on_cart_update);
	};
};

// the cart shows which units are sold
dux_trace.pos.patch_cart = function (ItemCart) {
	if (ItemCart.prototype.dux_serials_shown) return;
	ItemCart.prototype.dux_serials_shown = true;
	const render_cart_item = ItemCart.prototype.render_cart_item;
	ItemCart.prototype.render_cart_item = function (item_data, $item_to_update) {
		const result = render_cart_item.call(this, item_data, $item_to_update);
		const serials = dux_trace.split_serials(item_data.serial_no);
		const $item = this.get_cart_item(item_data);
		$item.find(".dux-cart-serials").remove();
		if (serials.length) {
			$item
				.find(".item-name-desc")
				.append(
					`<div class="dux-cart-serials item-desc">${__("Serial No: {0}", [
						serials.map((serial) => frappe.utils.escape_html(serial)).join(", "),
					])}</div>`
				);
		}
		return result;
	};
};

dux_trace.pos.when_defined = function (name, patch) {
	const namespace = erpnext.PointOfSale;
	let value = namespace[name];
	if (value) patch(value);
	Object.defineProperty(namespace, name, {
		configurable: true,
		enumerable: true,
		get: () => value,
		set: (defined) => {
			value = defined;
			if (defined) patch(defined);
		},
	});
};

frappe.provide("erpnext.PointOfSale");
dux_trace.pos.when_defined("Controller", dux_trace.pos.patch_controller);
dux_trace.pos.when_defined("ItemCart", dux_trace.pos.patch_cart);
