"""Calling the site over HTTP from an integration test, as a given user.

Each request goes through Frappe's own WSGI application (`frappe.app.application`, what gunicorn
serves) with werkzeug's test client: routing, authentication, CSRF, `@frappe.whitelist` method and
guest checks, permission errors turned into status codes — all of it Frappe's. The request runs in
a thread of its own (as Frappe's own API tests do), so it opens its own site context and database
connection and sees only what the test has committed. Users sign in with a password, as a clerk
does (`/api/method/login`, then the session cookie: the session carries the user's language, which
an API-key request would not), Guest with nothing.
"""

import json
import threading
from dataclasses import dataclass

import frappe
from werkzeug.test import Client


@dataclass
class Answer:
	status: int
	body: dict | None
	raw: bytes

	@property
	def exc_type(self) -> str | None:
		return (self.body or {}).get("exc_type")

	@property
	def messages(self) -> list[str]:
		"""The user-facing messages of the answer (`_server_messages`, `message` when a string)."""
		found = []
		for message in json.loads((self.body or {}).get("_server_messages") or "[]"):
			message = json.loads(message) if isinstance(message, str) else message
			found.append(message.get("message", "") if isinstance(message, dict) else str(message))
		if isinstance((self.body or {}).get("message"), str):
			found.append(self.body["message"])
		return found

	@property
	def text(self) -> str:
		return self.raw.decode("utf-8", "replace")


PASSWORD = "Dux-Trace-Test-2026!"


def ensure_password(user: str):
	"""The test users sign in like a clerk, with a password (set once and committed)."""
	key = "dux_trace:test_password_set"
	if frappe.cache.sismember(key, user):
		return
	from frappe.utils.password import update_password

	update_password(user, PASSWORD)
	frappe.db.commit()
	frappe.cache.sadd(key, user)


class Site:
	"""The test's site over HTTP, as one user."""

	def __init__(self, user: str = "Guest"):
		self.user = user
		self.site = frappe.local.site
		self.client = None
		if user != "Guest":
			ensure_password(user)
			answer = self.call("POST", "/api/method/login", {"usr": user, "pwd": PASSWORD})
			if answer.status != 200:
				raise AssertionError(f"{user} could not sign in: {answer.status} {answer.text[:300]}")

	def call(self, http_method: str, path: str, data: dict | None = None) -> Answer:
		headers = {"X-Frappe-Site-Name": self.site, "Accept": "application/json"}
		kwargs = {"headers": headers}
		if data is not None:
			if http_method == "GET":
				kwargs["query_string"] = {
					k: v if isinstance(v, str) else frappe.as_json(v)
					for k, v in data.items()
					if v is not None
				}
			else:
				kwargs["data"] = frappe.as_json(data)
				kwargs["content_type"] = "application/json"
		result = {}

		def run():
			from frappe.app import application

			if self.client is None:
				self.client = Client(application, use_cookies=True)
			try:
				# buffered: the response is read and closed here, in the request's thread, which runs
				# Frappe's after-response work (version-16 closes the request's database connection
				# there; an unclosed response leaked one connection per request)
				result["answer"] = self.client.open(
					f"http://{self.site}{path}", method=http_method, buffered=True, **kwargs
				)
			except BaseException as error:
				result["error"] = error

		thread = threading.Thread(target=run)
		thread.start()
		thread.join()
		if "error" in result:
			raise result["error"]
		response = result["answer"]
		raw = response.get_data()
		try:
			body = json.loads(raw) if raw[:1] in (b"{", b"[") else None
		except ValueError:
			body = None
		return Answer(response.status_code, body if isinstance(body, dict) else None, raw)

	def method(self, http_method: str, dotted: str, data: dict | None = None) -> Answer:
		return self.call(http_method, f"/api/method/{dotted}", data)

	def get(self, dotted: str, **data) -> Answer:
		return self.method("GET", dotted, data)

	def post(self, dotted: str, **data) -> Answer:
		return self.method("POST", dotted, data)
