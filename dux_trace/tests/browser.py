"""Headless Chromium (Debian's) driven by Playwright against this site served by Frappe's own web
server: the plumbing shared by the browser tests.

Needs Chromium (`/usr/bin/chromium`, or DUX_TRACE_CHROMIUM) and the `playwright` package: a machine
without them fails these tests rather than skipping them, unless DUX_TRACE_SKIP_BROWSER=1 is set.
The web server reads what is committed: a test class commits its data in setUpClass and removes
it in tearDownClass.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import unittest

import frappe

from dux_trace.compat import TestCase

CHROMIUM_FLAGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--disable-dev-shm-usage",
]

skip_without_browser = unittest.skipIf(
	os.environ.get("DUX_TRACE_SKIP_BROWSER") == "1", "DUX_TRACE_SKIP_BROWSER=1"
)


def free_port() -> int:
	with socket.socket() as sock:
		sock.bind(("127.0.0.1", 0))
		return sock.getsockname()[1]


def print_console_error(message):
	"""A console error of the page (not the socket.io reconnects of a server without realtime)."""
	text = message.text
	if message.type == "error" and "socket.io" not in text and "Failed to load resource" not in text:
		print(f"[browser] console: {text[:300]}")


class BrowserTestCase(TestCase):
	"""Starts `bench serve` for the site on a free port (start_server) and opens logged-in pages.

	The browser and Playwright are looked for first, before a test class changes anything (its
	setUpClass calls this one first): a machine without them fails these classes and nothing
	else."""

	@classmethod
	def setUpClass(cls):
		cls.chromium = os.environ.get("DUX_TRACE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
		if not os.path.exists(cls.chromium):
			raise RuntimeError(
				f"Chromium not found at {cls.chromium}: install Debian's chromium or set DUX_TRACE_CHROMIUM"
			)
		import playwright.sync_api  # noqa: F401  (fails here, not after the class's set-up)

		super().setUpClass()

	@classmethod
	def start_server(cls):
		cls.port = free_port()
		cls.server = subprocess.Popen(
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"--site",
				frappe.local.site,
				"serve",
				"--port",
				str(cls.port),
				"--noreload",
				"--nothreading",
			],
			cwd=os.getcwd(),
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
		)
		deadline = time.monotonic() + 60
		while time.monotonic() < deadline:
			try:
				socket.create_connection(("127.0.0.1", cls.port), timeout=1).close()
				return
			except OSError:
				time.sleep(0.3)
		raise RuntimeError("the Frappe web server did not start")

	@classmethod
	def stop_server(cls):
		cls.server.terminate()
		cls.server.wait(timeout=30)

	def open_browser(self, playwright, user: str, password: str):
		"""(browser, page) logged in as the user."""
		browser = playwright.chromium.launch(executable_path=self.chromium, args=CHROMIUM_FLAGS)
		context = browser.new_context(
			base_url=f"http://127.0.0.1:{self.port}", viewport={"width": 1400, "height": 1000}
		)
		response = context.request.post("/api/method/login", form={"usr": user, "pwd": password})
		self.assertTrue(response.ok, response.text())
		page = context.new_page()
		page.set_default_timeout(30_000)
		# what goes wrong in the page is printed with the test's output
		page.on("pageerror", lambda error: print(f"[browser] page error: {error}"))
		page.on("console", print_console_error)
		return browser, page
