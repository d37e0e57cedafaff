"""Company, Warehouse, Supplier and Customer: the GLN typed is a GLN (stock.epcis)."""

from dux_trace.stock.epcis import validate_gln


def validate(doc, method=None):
	validate_gln(doc)
