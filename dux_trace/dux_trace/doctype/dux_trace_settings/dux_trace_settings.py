# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

from frappe.model.document import Document


class DuxTraceSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		fefo_policy: DF.Literal["Off", "Warn", "Block"]
		near_expiry_days: DF.Int
		override_role: DF.Link | None
		require_serial_scan_at_receipt: DF.Check
		require_serial_scan_at_sale: DF.Check
		warranty_claim_policy: DF.Literal["Warn", "Block"]
	# end: auto-generated types

	pass


# the settings are read through dux_trace.settings
