"""A local HTTP SMS gateway for tests: the only stub in the suite, at the HTTP boundary, so that
Frappe's own SMS Settings / send_sms code runs for real. Listens on 127.0.0.1 only."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class SmsGatewayStub:
	def __init__(self):
		self.received: list[str] = []
		self.failing: set[str] = set()
		stub = self

		class Handler(BaseHTTPRequestHandler):
			def do_GET(self):
				params = parse_qs(urlparse(self.path).query)
				number = params.get("to", [""])[0]
				stub.received.append(number)
				self.send_response(500 if number in stub.failing else 200)
				self.end_headers()
				self.wfile.write(b"ok")

			def log_message(self, *args):
				pass

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.url = f"http://127.0.0.1:{self.server.server_port}/send"
		self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

	def __enter__(self):
		self.thread.start()
		return self

	def __exit__(self, *exc):
		self.server.shutdown()
		self.server.server_close()
