# Copyright (c) 2026, dux_trace developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from dux_trace.core.label_templates import LabelLayoutError
from dux_trace.stock.labels import template_layout


class DuxLabelTemplate(Document):
	def validate(self):
		try:
			self.layout().validate()
		except LabelLayoutError as error:
			frappe.throw(_("These labels do not fit: {0}").format(str(error)), title=_("Label Layout"))

	def layout(self):
		"""The frappe-free template of `dux_trace.core.label_templates`."""
		return template_layout(self)
