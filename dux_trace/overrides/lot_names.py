"""Batch and Serial No saved or renamed (desk, import, API): names with quotes, `<`, `>` or
control characters refused (stock.names; receipts check their rows in their own handlers)."""

from dux_trace.stock.names import refuse

# doc_events ----------------------------------------------------------------------------------------


def validate_batch(doc, method=None):
	refuse("Batch", {doc.name, doc.get("batch_id")})


def validate_serial_no(doc, method=None):
	refuse("Serial No", {doc.name, doc.get("serial_no")})


def before_rename_batch(doc, method=None, old=None, new=None, merge=False):
	refuse("Batch", [new])


def before_rename_serial_no(doc, method=None, old=None, new=None, merge=False):
	refuse("Serial No", [new])
