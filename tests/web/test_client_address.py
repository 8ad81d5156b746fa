"""The web front tells the APIs whose request it is, so each applicant has her own rate-limit
count, in a way only the web front can (services.shared.clients)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from services.shared.clients import HEADER, vouched_address
from services.web.app import create_app
from services.web.settings import web_settings


def test_the_web_front_vouches_for_the_applicants_address_to_intake():
    seen = []

    class Intake(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            seen.append(dict(self.headers))
            body = json.dumps({"message": "on their way"}).encode()
            self.send_response(202)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Intake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        settings = web_settings(**{f"{name}_url": url for name in ("intake", "matching", "scheduling", "notify")},
                                secret="test-secret", client_key="shared-with-the-apis")
        app = create_app(settings)
        app.config["WTF_CSRF_ENABLED"] = False
        page = app.test_client().post("/links", data={"email": "amira@example.se"},
                                      environ_base={"REMOTE_ADDR": "203.0.113.7"})
        assert page.status_code == 200
    finally:
        server.shutdown()
    (request,) = seen
    assert vouched_address("shared-with-the-apis", request[HEADER]) == "203.0.113.7"
    assert vouched_address("another-key", request[HEADER]) is None
