"""A real local SMTP server (aiosmtpd) for the e-mail alert tests.

Writes each received message to <outdir>/message-<n>.json: envelope sender, recipients, and the
raw message text. With `--auth USER:PASSWORD` it advertises AUTH and refuses mail from clients
that did not log in with those credentials (plain-text login allowed: loopback only).
Prints "READY <port>" once listening; exits when its stdin closes.
"""
import json
import logging
import os
import socket
import sys
import warnings

# Plain-text AUTH is what the test wants (loopback); keep the test output clean.
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

outdir = sys.argv[1]
credentials = None
if len(sys.argv) > 3 and sys.argv[2] == "--auth":
    user, _, password = sys.argv[3].partition(":")
    credentials = (user.encode(), password.encode())


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        n = self.count
        self.count += 1
        record = {"mailFrom": envelope.mail_from, "rcptTos": envelope.rcpt_tos,
                  "content": envelope.original_content.decode("utf-8", "replace")}
        tmp = os.path.join(outdir, f".message-{n}.tmp")
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(outdir, f"message-{n}.json"))
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = credentials is not None and (auth_data.login, auth_data.password) == credentials
    # handled=False: aiosmtpd then answers "535 credentials invalid" itself.
    return AuthResult(success=ok, handled=False)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


port = free_port()
options = {}
if credentials is not None:
    options = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
controller = Controller(Sink(), hostname="127.0.0.1", port=port, **options)
controller.start()
print(f"READY {port}", flush=True)
sys.stdin.read()
controller.stop()
os._exit(0)
