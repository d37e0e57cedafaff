"""What the desk's scripts need at start: the document lists of dux_trace.stock.documents."""

from dux_trace.stock import documents


def boot_session(bootinfo):
	bootinfo.dux_trace = documents.boot()
