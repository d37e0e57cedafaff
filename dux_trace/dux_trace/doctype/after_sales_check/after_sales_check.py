# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

from frappe.model.document import Document

from dux_trace.stock.after_sales import sale_shown_to_reader


class AfterSalesCheck(Document):
	"""Written by `dux_trace.api.after_sales.check_serial` only: an audit record, never edited."""

	def onload(self):
		# the buyer and the sale (fields of permission level 1) for a reader who may open the sale
		self.set_onload("sale", sale_shown_to_reader(self))
