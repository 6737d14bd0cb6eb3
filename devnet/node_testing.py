"""Test support: start the devnet as a real subprocess on a free port and talk JSON-RPC to it
over HTTP with a keep-alive connection, exactly as an outside client would."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
READY_PREFIX = "devnet ready at "
RELAY_READY_PREFIX = "relay ready at "


class RpcCallError(Exception):
    def __init__(self, error: dict):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message = error.get("message")
        self.data = error.get("data")


class RpcClient:
    """JSON-RPC over one persistent HTTP/1.1 connection."""

    def __init__(self, url: str, timeout: float = 30):
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.timeout = timeout
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        self.next_id = 1

    def post(self, body: bytes, headers: dict | None = None) -> http.client.HTTPResponse:
        all_headers = {"Content-Type": "application/json"}
        all_headers.update(headers or {})
        self.connection.request("POST", "/", body=body, headers=all_headers)
        response = self.connection.getresponse()
        response.body = response.read()
        return response

    def raw(self, payload) -> object:
        response = self.post(json.dumps(payload).encode())
        return json.loads(response.body) if response.body else None

    def request(self, method: str, *params) -> dict:
        request_id = self.next_id
        self.next_id += 1
        reply = self.raw({"jsonrpc": "2.0", "id": request_id, "method": method,
                          "params": list(params)})
        assert reply["id"] == request_id
        return reply

    def call(self, method: str, *params):
        reply = self.request(method, *params)
        if "error" in reply:
            raise RpcCallError(reply["error"])
        return reply["result"]

    def close(self):
        self.connection.close()


class DevnetProcess:
    """A devnet subprocess (`python -m devnet --port 0 ...`) and the URL it reported."""

    def __init__(self, *args: str, bare: bool = True, ready_timeout: float = 60):
        self.log = tempfile.NamedTemporaryFile(prefix="devnet-test-", suffix=".log", delete=False)
        command = [sys.executable, "-m", "devnet", "--port", "0", *args]
        if bare:
            command.append("--bare")
        self.process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=self.log, text=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        self.ready_line = self._read_ready_line(ready_timeout, READY_PREFIX)
        self.url = self.ready_line[len(READY_PREFIX):].strip()
        self.relay_url = None
        if "--no-relay" not in args:
            line = self._read_ready_line(ready_timeout, RELAY_READY_PREFIX)
            self.relay_url = line[len(RELAY_READY_PREFIX):].strip()

    def _read_ready_line(self, timeout: float, prefix: str) -> str:
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(self.process.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        if not lines or not lines[0].startswith(prefix):
            self.stop()
            raise RuntimeError(f"devnet did not become ready: {lines!r}; log:\n{self.log_text()}")
        return lines[0]

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def client(self) -> RpcClient:
        return RpcClient(self.url)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


# ------------------------------------------------------------------------ transactions for tests

# Public devnet keys (anvil's "test test ... junk" accounts 0 and 1), not secrets.
DEV_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
DEV_ADDRESS_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
DEV_ADDRESS_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

GWEI = 10**9

# A small contract that exercises storage, events, Error(string) and raw reverts, and the clock.
PROBE_CONTRACT_SOURCE = r'''
# pragma version 0.4.3
event Stored:
    who: indexed(address)
    value: uint256

stored: public(uint256)

@external
def store(amount: uint256):
    assert amount != 13, "unlucky number"
    self.stored = amount
    log Stored(who=msg.sender, value=amount)

@external
@view
def custom_fail():
    raw_revert(b"\xde\xad\xbe\xef")

@external
@view
def now() -> uint256:
    return block.timestamp

@external
@view
def balance_of(who: address) -> uint256:
    return who.balance
'''


def compile_probe_contract() -> bytes:
    import vyper

    out = vyper.compile_code(PROBE_CONTRACT_SOURCE, output_formats=["bytecode"])
    return bytes.fromhex(out["bytecode"].removeprefix("0x"))


def selector(signature: str) -> bytes:
    from eth_hash.auto import keccak

    return keccak(signature.encode())[:4]


def calldata(signature: str, *args) -> str:
    from eth_abi import encode

    types = signature[signature.index("(") + 1:-1]
    arg_types = [t for t in types.split(",") if t]
    return "0x" + (selector(signature) + encode(arg_types, list(args))).hex()


def sign(key: str, **fields) -> str:
    """Signs a transaction (type from the fields, eth-account's rules) and returns raw hex."""
    from eth_account import Account

    from eth_utils import to_checksum_address

    fields.setdefault("chainId", 31337)
    if fields.get("to"):
        fields["to"] = to_checksum_address(fields["to"])
    elif "to" in fields:
        del fields["to"]  # contract creation
    signed = Account.sign_transaction(fields, key)
    return "0x" + bytes(signed.raw_transaction).hex()
