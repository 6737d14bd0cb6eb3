"""A local HTTP receiver for the webhook alert tests.

Records every POST body as <outdir>/request-<n>.json (with its path and Content-Type) and answers
200, or the status named in the path (`/status/404/...`). Prints "READY <port>" once listening.
Exits when its stdin closes, so a crashed test leaves no server behind.
"""
import http.server
import json
import os
import sys
import threading

outdir = sys.argv[1]
count = 0
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with lock:
            n = count
            count += 1
        record = {"path": self.path, "contentType": self.headers.get("Content-Type", ""),
                  "body": body.decode("utf-8", "replace")}
        tmp = os.path.join(outdir, f".request-{n}.tmp")
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(outdir, f"request-{n}.json"))
        status = 200
        parts = self.path.split("/")
        if len(parts) > 2 and parts[1] == "status" and parts[2].isdigit():
            status = int(parts[2])
        reply = b"ok" if status < 300 else b"invalid_token"
        self.send_response(status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"READY {server.server_address[1]}", flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()  # returns at EOF: the test finished or died
os._exit(0)
