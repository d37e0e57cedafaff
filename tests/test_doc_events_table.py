"""The README's table of what runs on which document is hooks.doc_events as Frappe resolves it
(each event's handlers in order): a handler added, removed or moved without the table fails here,
and the message gives the table to paste."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- doc_events: start -->", "<!-- doc_events: end -->"


def resolved_doc_events() -> dict:
	spec = importlib.util.spec_from_file_location("dux_hooks", ROOT / "dux_trace" / "hooks.py")
	hooks = importlib.util.module_from_spec(spec)
	spec.loader.exec_module(hooks)  # hooks.py imports nothing of Frappe
	return hooks.doc_events


def table() -> str:
	lines = ["| document | event | handlers, in order |", "| --- | --- | --- |"]
	for doctype, events in sorted(resolved_doc_events().items()):
		for event, handlers in events.items():
			handlers = [handlers] if isinstance(handlers, str) else handlers
			names = ", ".join(f"`{h.removeprefix('dux_trace.')}`" for h in handlers)
			lines.append(f"| {doctype} | {event} | {names} |")
	return "\n".join(lines)


def test_the_readme_table_is_the_hooks():
	readme = (ROOT / "README.md").read_text()
	assert START in readme and END in readme, f"README.md lacks {START} ... {END}"
	written = readme.split(START, 1)[1].split(END, 1)[0].strip()
	assert written == table(), "README.md's doc_events table differs; it should read:\n" + table()
