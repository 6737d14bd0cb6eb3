"""The devnet's HTTP front: JSON-RPC 2.0 over HTTP/1.1 (keep-alive, optional gzip) on
127.0.0.1, the command line, fixture deployment, interval mining and clean shutdown."""

from __future__ import annotations

import argparse
import contextlib
import gzip
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import CHAIN_ID, DEFAULT_PORT

MAX_BODY_BYTES = 32 * 1024 * 1024
GZIP_MIN_BYTES = 1024
LISTEN_HOST = "127.0.0.1"  # loopback only: a devnet with public keys is for this machine
THREAD_STACK_BYTES = 256 * 1024 * 1024


class RpcRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one connection for many calls
    server_version = "rebalancer-devnet"
    timeout = 300  # seconds an idle keep-alive connection may hold its thread
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm meets
    # the client's delayed ACK and every reply on a kept-alive connection waits ~40 ms.
    disable_nagle_algorithm = True
    node = None  # set on the subclass made by `make_server`
    verbose = False

    def do_POST(self):
        length_text = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self._read_chunked()
            if body is None:
                return
        elif length_text is None:
            self._send_plain(411, b"Content-Length required\n")
            return
        else:
            try:
                length = int(length_text)
            except ValueError:
                self._send_plain(400, b"bad Content-Length\n")
                return
            if length < 0 or length > MAX_BODY_BYTES:
                self._send_plain(413, b"request body too large\n")
                return
            body = self.rfile.read(length)
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError):
                self._send_plain(400, b"bad gzip body\n")
                return
        response = self.node.handle_body(body)
        if response is None:
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if len(response) >= GZIP_MIN_BYTES and "gzip" in self.headers.get("Accept-Encoding", ""):
            response = gzip.compress(response, compresslevel=5)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(response)))
        self.end_headers()
        self.wfile.write(response)

    def do_GET(self):
        self._send_plain(405, b"use POST with a JSON-RPC 2.0 body\n", allow="POST")

    def _read_chunked(self) -> bytes | None:
        parts, total = [], 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self._send_plain(400, b"bad chunk\n")
                return None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            total += size
            if total > MAX_BODY_BYTES:
                self._send_plain(413, b"request body too large\n")
                return None
            parts.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _send_plain(self, status: int, body: bytes, allow: str | None = None):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        if allow:
            self.send_header("Allow", allow)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        if self.verbose:
            sys.stderr.write("devnet: %s %s\n" % (self.address_string(), format % args))


class DevnetHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def make_server(node, host: str, port: int, verbose: bool = False) -> DevnetHTTPServer:
    handler = type("BoundRpcRequestHandler", (RpcRequestHandler,), {"node": node, "verbose": verbose})
    return DevnetHTTPServer((host, port), handler)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="devnet",
        description=f"Local Ethereum devnet (py-evm), JSON-RPC over HTTP, chain id {CHAIN_ID}.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"TCP port on {LISTEN_HOST} (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--bare", action="store_true",
                        help="skip deploying the project's contracts and pools")
    parser.add_argument("--block-time", type=float, default=None, metavar="S",
                        help="mine a block every S seconds instead of one per transaction")
    parser.add_argument("--relay-port", type=int, default=0, metavar="P",
                        help="port of the stand-in private relay (devnet/relay.py) served beside "
                             "the node (default 0: a free one; the node's devnet_relayUrl names it)")
    parser.add_argument("--no-relay", action="store_true", help="serve no private relay")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request to stderr")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port {args.port}: must be between 0 and 65535")
    if not 0 <= args.relay_port <= 65535:
        parser.error(f"--relay-port {args.relay_port}: must be between 0 and 65535")
    if args.block_time is not None and not args.block_time > 0:
        parser.error(f"--block-time {args.block_time}: must be a positive number of seconds")
    return args


def deploy_fixtures(chain) -> None:
    try:
        from . import fixtures
    except ModuleNotFoundError as error:
        if error.name == f"{__package__}.fixtures":
            raise SystemExit(
                "devnet: devnet/fixtures.py is missing, so the project's contracts cannot be "
                "deployed; run with --bare for an empty chain"
            ) from None
        raise
    # stdout carries only the ready line; anything the deployment prints goes to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        summary = fixtures.deploy_fixtures(chain.tester)
    chain.after_fixtures()
    count = len(summary) if hasattr(summary, "__len__") else 0
    print(f"devnet: fixtures deployed ({count} entries), head block "
          f"{chain.head().block_number}", file=sys.stderr, flush=True)


def interval_miner(chain, seconds: float, stop: threading.Event) -> None:
    while not stop.wait(seconds):
        with chain.lock:
            try:
                chain.mine_block()
            except Exception as error:  # keep mining; report what went wrong
                print(f"devnet: interval mining failed: {error!r}", file=sys.stderr, flush=True)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started = time.monotonic()
    stop = threading.Event()

    def request_stop(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    # py-evm recurses deeply (EVM call depth 1024) with a raised recursion limit; give the
    # request and mining threads a stack to match (virtual memory, committed only as used).
    threading.stack_size(THREAD_STACK_BYTES)
    # Imported here so `--help` and argument errors answer without loading the EVM.
    from .node_chain import DevChain
    from .node_rpc import Node

    chain = DevChain(automine=args.block_time is None)
    if not args.bare:
        deploy_fixtures(chain)
    if stop.is_set():  # asked to stop while starting up
        print("devnet: stopped before serving", file=sys.stderr, flush=True)
        return 0
    node = Node(chain)
    try:
        server = make_server(node, LISTEN_HOST, args.port, args.verbose)
    except OSError as error:
        print(f"devnet: cannot listen on {LISTEN_HOST}:{args.port}: {error.strerror}",
              file=sys.stderr, flush=True)
        return 1
    relay_server = None
    if not args.no_relay:
        from .relay import make_relay_server, serve_in_background

        try:
            relay_server = make_relay_server(chain, LISTEN_HOST, args.relay_port, args.verbose)
        except OSError as error:
            print(f"devnet: cannot listen on {LISTEN_HOST}:{args.relay_port} for the relay: "
                  f"{error.strerror}", file=sys.stderr, flush=True)
            server.server_close()
            return 1
        serve_in_background(relay_server)
        relay_url = f"http://{LISTEN_HOST}:{relay_server.server_address[1]}"
        node.methods["devnet_relayUrl"] = lambda params: relay_url
    port = server.server_address[1]
    serving = threading.Thread(target=server.serve_forever, name="devnet-http", daemon=True)
    serving.start()
    if args.block_time is not None:
        threading.Thread(target=interval_miner, args=(chain, args.block_time, stop),
                         name="devnet-miner", daemon=True).start()
    print(f"devnet: chain id {CHAIN_ID}, fork {chain.fork_name}, "
          f"{'interval mining every %gs' % args.block_time if args.block_time else 'automine'}, "
          f"started in {time.monotonic() - started:.2f}s", file=sys.stderr, flush=True)
    print(f"devnet ready at http://{LISTEN_HOST}:{port}", flush=True)
    if relay_server is not None:
        print(f"relay ready at http://{LISTEN_HOST}:{relay_server.server_address[1]}", flush=True)

    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    if relay_server is not None:
        relay_server.shutdown()
        relay_server.server_close()
    print("devnet: stopped", file=sys.stderr, flush=True)
    return 0
