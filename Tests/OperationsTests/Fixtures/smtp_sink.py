"""A real local SMTP server (aiosmtpd) for the e-mail alert tests.

Writes each received message to <outdir>/message-<n>.json: envelope sender, recipients, and the
raw message text. With `--auth USER:PASSWORD` it advertises AUTH and refuses mail from clients
that did not log in with those credentials (plain-text login allowed without TLS: loopback only).
With `--starttls CERT KEY` it offers STARTTLS and requires it before any mail or login.
Prints "READY <port>" once listening; exits when its stdin closes.
"""
import json
import logging
import os
import socket
import ssl
import sys
import warnings

# Plain-text AUTH is what the test wants (loopback); keep the test output clean.
warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

outdir = sys.argv[1]
credentials = None
tls = None
args = sys.argv[2:]
while args:
    if args[0] == "--auth":
        user, _, password = args[1].partition(":")
        credentials = (user.encode(), password.encode())
        args = args[2:]
    elif args[0] == "--starttls":
        # --starttls CERT KEY: offer STARTTLS and refuse mail (and AUTH) before it.
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args[1], args[2])
        args = args[3:]
    else:
        sys.exit(f"unknown argument {args[0]}")


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        n = self.count
        self.count += 1
        record = {"mailFrom": envelope.mail_from, "rcptTos": envelope.rcpt_tos,
                  "content": envelope.original_content.decode("utf-8", "replace"),
                  "tls": session.ssl is not None, "authenticated": bool(session.authenticated)}
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
    options.update(authenticator=authenticator, auth_required=True, auth_require_tls=tls is not None)
if tls is not None:
    options.update(tls_context=tls, require_starttls=True)
controller = Controller(Sink(), hostname="127.0.0.1", port=port, **options)
controller.start()
print(f"READY {port}", flush=True)
sys.stdin.read()
controller.stop()
os._exit(0)
