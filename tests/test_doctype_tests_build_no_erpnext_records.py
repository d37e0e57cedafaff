"""Each test module beside a doctype tells Frappe not to build ERPNext's test records for the
doctypes it links to (its IGNORE_TEST_RECORD_DEPENDENCIES / test_ignore), so that a link added to
the doctype later cannot make `run-tests --app dux_trace` build them (minutes, and the payments
app ERPNext's records need: a site without it failed in the runner's set-up)."""

import ast
import json
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "dux_trace"


def links(json_path: Path) -> set[str]:
	found = set()
	for field in json.loads(json_path.read_text())["fields"]:
		if field["fieldtype"] == "Link":
			found.add(field["options"])
		elif field["fieldtype"] in ("Table", "Table MultiSelect"):
			child = field["options"].lower().replace(" ", "_").replace("-", "_")
			found |= {link for path in APP.glob(f"*/doctype/{child}/{child}.json") for link in links(path)}
	return found


def ignored(test_path: Path) -> set[str]:
	for node in ast.parse(test_path.read_text()).body:
		if isinstance(node, ast.Assign) and "test_ignore" in {
			target.id for target in node.targets if isinstance(target, ast.Name)
		}:
			names = {target.id for target in node.targets if isinstance(target, ast.Name)}
			assert "IGNORE_TEST_RECORD_DEPENDENCIES" in names, test_path
			return set(ast.literal_eval(node.value))
	return set()


def test_every_doctype_test_ignores_what_its_doctype_links_to():
	tests = sorted(APP.glob("*/doctype/*/test_*.py"))
	assert tests
	for test_path in tests:
		folder = test_path.parent
		own = json.loads((folder / f"{folder.name}.json").read_text())["name"]
		missing = links(folder / f"{folder.name}.json") - {own} - ignored(test_path)
		assert not missing, f"{test_path.relative_to(APP)}: add {sorted(missing)} to test_ignore"
