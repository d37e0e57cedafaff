// Serial scan dialog on receipts (Purchase Receipt, Purchase Invoice, Stock Entry) and sales
// (Delivery Note, Sales Invoice, POS Invoice): one serial per scan (text + Enter), each checked by
// the server at once, the running count against the row quantity; "Done" fills the row's serial
// numbers, which ERPNext turns into the row's Serial and Batch Bundle.

frappe.provide("dux_trace");

// which documents are sales and receipts: dux_trace.stock.documents, through the boot
dux_trace.documents = () =>
	frappe.boot.dux_trace || {
		sales: ["Delivery Note", "Sales Invoice", "POS Invoice"],
		receipts: ["Purchase Receipt", "Purchase Invoice", "Stock Entry"],
	};

// a short tone: counters hear a refused scan without looking (low and long) or a good one (high)
dux_trace.beep = function (ok) {
	try {
		const Context = window.AudioContext || window.webkitAudioContext;
		if (!Context) return;
		dux_trace.audio = dux_trace.audio || new Context();
		const audio = dux_trace.audio;
		const oscillator = audio.createOscillator();
		const gain = audio.createGain();
		oscillator.type = ok ? "sine" : "square";
		oscillator.frequency.value = ok ? 1320 : 220;
		gain.gain.value = 0.1;
		oscillator.connect(gain).connect(audio.destination);
		oscillator.start();
		oscillator.stop(audio.currentTime + (ok ? 0.08 : 0.35));
	} catch (e) {
		// no sound on this browser: the message in the dialog says it all
	}
};

dux_trace.serial_row_warehouse = function (frm, row) {
	if (frm.doctype === "Stock Entry") {
		return row.s_warehouse ? null : row.t_warehouse; // receipts into a warehouse only
	}
	return row.warehouse;
};

dux_trace.serialized_rows = async function (frm) {
	const rows = (frm.doc.items || []).filter(
		(row) => row.item_code && dux_trace.serial_row_warehouse(frm, row)
	);
	if (!rows.length) return [];
	const items = await frappe.db.get_list("Item", {
		filters: { name: ["in", [...new Set(rows.map((row) => row.item_code))]], has_serial_no: 1 },
		fields: ["name"],
		limit: 0,
	});
	const serialized = new Set(items.map((item) => item.name));
	return rows.filter((row) => serialized.has(row.item_code));
};

dux_trace.split_serials = function (text) {
	return (text || "")
		.split(/[\n,]/)
		.map((serial) => serial.trim())
		.filter(Boolean);
};

dux_trace.SerialScanDialog = class SerialScanDialog {
	constructor(frm, row) {
		this.frm = frm;
		this.row = row;
		this.qty = Math.round(flt(row.stock_qty || row.transfer_qty || row.qty));
		this.warehouse = dux_trace.serial_row_warehouse(frm, row);
		this.serials = dux_trace.split_serials(row.dux_scanned_serials);
		this.is_sale = dux_trace.documents().sales.includes(frm.doctype);
		this.make();
	}

	make() {
		this.dialog = new frappe.ui.Dialog({
			title: this.is_sale
				? __("Which ones are you selling? {0}", [this.row.item_code])
				: __("Scan the units received: {0}", [this.row.item_code]),
			fields: [
				{
					fieldname: "scan",
					fieldtype: "Data",
					label: __("Scan"),
					description: __("Scan each serial number (or type it and press Enter)."),
				},
				{ fieldname: "status", fieldtype: "HTML" },
				{ fieldname: "list", fieldtype: "HTML" },
			],
			primary_action_label: __("Done"),
			primary_action: () => this.done(),
		});
		this.dialog.$wrapper.addClass("dux-serial-scan");
		const $input = this.dialog.fields_dict.scan.$input;
		$input.attr("autocomplete", "off").attr("data-dux-scan", "1");
		$input.on("keydown", (event) => {
			if (event.key === "Enter") {
				event.preventDefault();
				event.stopPropagation();
				this.scan($input.val());
			}
		});
		this.dialog.fields_dict.list.$wrapper.on("click", "[data-remove]", (event) => {
			const serial = $(event.currentTarget).attr("data-remove");
			this.serials = this.serials.filter((s) => s !== serial);
			this.render();
		});
		this.dialog.show();
		this.render();
		setTimeout(() => $input.focus(), 300);
	}

	async scan(text) {
		const $input = this.dialog.fields_dict.scan.$input;
		$input.val("");
		if (!(text || "").trim()) return;
		if (this.serials.length >= this.qty) {
			this.refuse(
				__("{0} refused: all {1} units of the row are already scanned.", [
					`<b>${frappe.utils.escape_html(text.trim())}</b>`,
					this.qty,
				])
			);
			return;
		}
		const { message } = await frappe.call({
			method: "dux_trace.api.serials.check_scan",
			args: {
				doctype: this.frm.doctype,
				item_code: this.row.item_code,
				warehouse: this.warehouse,
				scan: text,
				scanned: this.serials,
				docname: this.frm.is_new() ? null : this.frm.doc.name,
			},
		});
		if (message.ok) {
			this.serials.push(message.serial_no);
			dux_trace.beep(true);
			this.say(__("{0} scanned.", [`<b>${frappe.utils.escape_html(message.serial_no)}</b>`]), "green");
			this.render();
		} else {
			this.refuse(message.message); // the server escapes what was scanned
		}
		$input.focus();
	}

	refuse(message) {
		dux_trace.beep(false);
		this.say(message, "red");
		this.render();
		this.dialog.fields_dict.status.$wrapper.find(".dux-scan-message").attr("role", "alert");
	}

	say(message, colour) {
		this.message = message;
		this.colour = colour;
	}

	render() {
		const done = this.serials.length;
		const colour = done === this.qty ? "green" : "orange";
		this.dialog.fields_dict.status.$wrapper.html(`
			<div class="dux-scan-count indicator-pill ${colour}">
				${__("{0} of {1} scanned", [done, this.qty])}
			</div>
			${
				this.message
					? `<div class="dux-scan-message text-${
							this.colour === "red" ? "danger" : this.colour === "green" ? "success" : "warning"
					  }" style="margin-top: 8px">${this.message}</div>`
					: ""
			}`);
		this.dialog.fields_dict.list.$wrapper.html(
			`<ol class="dux-scan-list">${this.serials
				.map(
					(serial) => `<li><code>${frappe.utils.escape_html(serial)}</code>
						<a class="text-muted small" data-remove="${frappe.utils.escape_html(serial)}">
							${__("Remove")}</a></li>`
				)
				.join("")}</ol>`
		);
	}

	done() {
		const serial_text = this.serials.join("\n");
		frappe.model.set_value(this.row.doctype, this.row.name, {
			use_serial_batch_fields: 1,
			serial_and_batch_bundle: null,
			serial_no: serial_text,
			dux_scanned_serials: serial_text,
		});
		this.frm.refresh_field("items");
		this.dialog.hide();
		if (this.serials.length < this.qty) {
			frappe.show_alert({
				message: __("{0} of {1} units scanned.", [this.serials.length, this.qty]),
				indicator: "orange",
			});
		}
	}
};

dux_trace.open_serial_scan = async function (frm) {
	const rows = await dux_trace.serialized_rows(frm);
	if (!rows.length) {
		frappe.msgprint(__("No row of a serialized item to scan."));
		return;
	}
	const pending = rows.find(
		(row) =>
			dux_trace.split_serials(row.dux_scanned_serials).length <
			Math.round(flt(row.stock_qty || row.transfer_qty || row.qty))
	);
	if (rows.length === 1 || !pending) {
		new dux_trace.SerialScanDialog(frm, pending || rows[0]);
		return;
	}
	new dux_trace.SerialScanDialog(frm, pending);
};

// loaded with each of the six forms (hooks.py doctype_js): register once
if (!dux_trace.serial_scan_registered) {
	dux_trace.serial_scan_registered = true;
	[...dux_trace.documents().receipts, ...dux_trace.documents().sales].forEach((doctype) => {
		frappe.ui.form.on(doctype, {
			refresh(frm) {
				if (frm.doc.docstatus !== 0 || frm.doc.is_return) return;
				if (["Sales Invoice", "Purchase Invoice"].includes(frm.doctype) && !frm.doc.update_stock) {
					return;
				}
				frm.add_custom_button(__("Scan Serial Nos"), () => dux_trace.open_serial_scan(frm));
			},
		});
	});
}
