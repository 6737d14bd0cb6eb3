"""A stand-in private relay for the devnet, on its own port, speaking the documented APIs of the
services mainnet operators send through, so the client can be tested without the internet:

- Flashbots Protect RPC (https://docs.flashbots.net/flashbots-protect/quick-start):
  `eth_sendRawTransaction` keeps a transaction out of the public pool for up to 25 blocks; query
  options (`?hint=...&builder=...`) are accepted. Its status API
  (https://docs.flashbots.net/flashbots-protect/additional-documentation/status-api):
  `GET /tx/<hash>` → {"status": PENDING|INCLUDED|FAILED|CANCELLED|UNKNOWN, "hash", "maxBlockNumber",
  "transaction" (fields only once INCLUDED), "fastMode", "seenInMempool", "simError", ...}.
- The Flashbots relay's JSON-RPC (https://docs.flashbots.net/flashbots-auction/advanced/rpc-endpoint):
  `eth_sendPrivateTransaction [{tx, maxBlockNumber, preferences}]` → the hash,
  `eth_cancelPrivateTransaction [{txHash}]` → true/false,
  `eth_sendBundle [{txs, blockNumber, minTimestamp, maxTimestamp, revertingTxHashes}]` →
  {"bundleHash"}, the keccak of the concatenated transaction hashes; a bundle is valid for its one
  block and lands all-or-nothing. These require `X-Flashbots-Signature: <address>:<signature>`,
  the EIP-191 (personal_sign) signature of the 0x-prefixed hex keccak-256 of the body by the
  sender's reputation key: missing → 401, malformed or not matching → 403. A header on any other
  request is checked the same way.
- MEV Blocker (https://docs.cow.fi/mevblocker): plain `eth_sendRawTransaction` to its endpoints
  (/fast, /noreverts, /fullprivacy, ...), which simulate against the pending block.

The first path segment names a lane, a separate relay with its own pool and faults (`/` is the
lane "default"; `/flashbots`, `/mevblocker/fast`, ... are others; `/<lane>/tx/<hash>` its status
API), so one process stands in for several relays. The miner (DevChain.mine_block) drains the
lanes before the public pool; nothing here is visible to the node's pending-transaction queries or
to eth_getTransactionByHash before inclusion. A transaction that would revert when its turn comes
is dropped (FAILED, costing nothing), as are ones past their maxBlockNumber.

Faults for tests, per lane, through the unsigned devnet-only method
`relay_configure [{"lane": L, "mode": M, "requests": N, "delaySeconds": S}]`: mode "normal";
"withhold" (accept but hand nothing to the miner: no builder picks it up); "timeout" (do the
request, then hold the answer S seconds: the client cannot tell whether it arrived); "error"
(answer HTTP 503 without doing anything). `requests` limits timeout/error to the next N requests.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from eth_hash.auto import keccak

from .node_errors import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    RpcError,
    invalid_params,
)
from .node_rpc import data_hex, parse_data, parse_hash, parse_quantity, qty

SIGNATURE_HEADER = "X-Flashbots-Signature"
PROTECT_BLOCKS = 25  # Protect keeps a transaction for 25 blocks before calling it FAILED
SIGNED_METHODS = {"eth_sendBundle", "eth_sendPrivateTransaction", "eth_cancelPrivateTransaction"}
MAX_BODY_BYTES = 4 * 1024 * 1024
MODES = ("normal", "withhold", "timeout", "error")


@dataclass
class PrivateTx:
    lane: str
    tx: object
    sender: bytes
    max_block: int
    status: str = "PENDING"  # PENDING, INCLUDED, FAILED, CANCELLED
    sim_error: str = ""
    fast: bool = False


@dataclass
class Bundle:
    lane: str
    txs: list  # [(tx, sender)]
    block_number: int
    min_timestamp: int | None
    max_timestamp: int | None
    may_revert: set
    bundle_hash: bytes
    status: str = "PENDING"
    sim_error: str = ""


@dataclass
class LaneBehaviour:
    mode: str = "normal"
    requests: int | None = None
    delay: float = 30.0
    received: list = field(default_factory=list)  # methods, for tests


class PrivateOrderflow:
    """The lanes' pools. Every method runs with the chain's lock held."""

    def __init__(self):
        self.txs: dict[tuple[str, bytes], PrivateTx] = {}
        self.bundles: list[Bundle] = []
        self.lanes: dict[str, LaneBehaviour] = {}

    def lane(self, name: str) -> LaneBehaviour:
        return self.lanes.setdefault(name, LaneBehaviour())

    def releases(self, name: str) -> bool:
        return self.lane(name).mode != "withhold"

    # --------------------------------------------------------------------------- submissions

    def add_tx(self, chain, lane: str, raw: bytes, max_block: int | None, fast: bool) -> bytes:
        tx, sender = chain.decode_raw_transaction(raw)
        chain.check_admissible(tx, sender)
        head = chain.head().block_number
        if max_block is None:
            max_block = head + PROTECT_BLOCKS
        if max_block <= head:
            raise invalid_params(f"maxBlockNumber {max_block} is not after the head {head}")
        key = (lane, tx.hash)
        if key not in self.txs or self.txs[key].status != "PENDING":
            self.txs[key] = PrivateTx(lane=lane, tx=tx, sender=sender, max_block=max_block,
                                      fast=fast)
        self._mine_if_automine(chain)
        return tx.hash

    def cancel(self, chain, lane: str, tx_hash: bytes) -> bool:
        entry = self.txs.get((lane, tx_hash))
        if entry is None or entry.status != "PENDING":
            return False
        entry.status = "CANCELLED"
        return True

    def add_bundle(self, chain, lane: str, raws: list, block_number: int, min_ts, max_ts,
                   may_revert: set) -> bytes:
        decoded = [chain.decode_raw_transaction(raw) for raw in raws]
        bundle_hash = keccak(b"".join(tx.hash for tx, _ in decoded))
        head = chain.head().block_number
        if block_number <= head:
            raise invalid_params(f"blockNumber {block_number} is not after the head {head}")
        self.bundles.append(Bundle(lane=lane, txs=decoded, block_number=block_number,
                                   min_timestamp=min_ts, max_timestamp=max_ts,
                                   may_revert=may_revert, bundle_hash=bundle_hash))
        self._mine_if_automine(chain)
        return bundle_hash

    @staticmethod
    def _mine_if_automine(chain) -> None:
        if chain.automine:
            chain.mine_executable_one_per_block()

    # -------------------------------------------------------------------------------- mining

    def _expire(self, chain, next_block: int) -> None:
        state = chain.state_at(chain.head())
        for entry in self.txs.values():
            if entry.status != "PENDING":
                continue
            found = chain.find_transaction(entry.tx.hash)
            if found is not None and found[2] is not None:
                # Landed through another lane or the public pool: the same bytes, one execution.
                entry.status = "INCLUDED"
                continue
            if entry.max_block < next_block:
                entry.status, entry.sim_error = "FAILED", "maxBlockNumber passed"
            elif entry.tx.nonce < state.get_nonce(entry.sender):
                entry.status, entry.sim_error = "FAILED", "nonce too low"
        for bundle in self.bundles:
            if bundle.status == "PENDING" and bundle.block_number < next_block:
                bundle.status, bundle.sim_error = "FAILED", "target block passed"

    def _ready(self, state, base_fee: int, next_block: int):
        """Units the miner may try next: bundles for this block, then single transactions whose
        nonce is the sender's next."""
        units = [b for b in self.bundles
                 if b.status == "PENDING" and b.block_number == next_block
                 and self.releases(b.lane)]
        seen = set()
        for entry in self.txs.values():
            if (entry.status == "PENDING" and self.releases(entry.lane)
                    and entry.tx.hash not in seen
                    and entry.tx.max_fee_per_gas >= base_fee
                    and entry.tx.nonce == state.get_nonce(entry.sender)):
                seen.add(entry.tx.hash)
                units.append(entry)
        return units

    def has_ready(self, chain) -> bool:
        """Whether the next block would take something private (failures are dropped here, so
        automine never mines an empty block for them)."""
        self._expire(chain, chain.head().block_number + 1)
        return self._next_landable(chain.chain) is not None

    def _next_landable(self, mining):
        """The first ready unit that would land in the block being built; the ones that would
        not are FAILED on the way (a relay simulates and drops, it never lets a revert land)."""
        header = mining.header
        for unit in self._ready(mining.get_vm().state, header.base_fee_per_gas,
                                header.block_number):
            if isinstance(unit, Bundle):
                txs, may_revert = [tx for tx, _ in unit.txs], unit.may_revert
                if ((unit.min_timestamp and header.timestamp < unit.min_timestamp)
                        or (unit.max_timestamp and header.timestamp > unit.max_timestamp)):
                    unit.status, unit.sim_error = "FAILED", "timestamp outside the bundle's range"
                    continue
            else:
                txs, may_revert = [unit.tx], set()
            problem = self._simulate(mining, txs, may_revert)
            if problem is not None:
                unit.status, unit.sim_error = "FAILED", problem
                continue
            return unit, txs
        return None

    def fill_block(self, chain, max_units: int | None) -> int:
        """Applies ready private order flow to the block being built; returns how many units
        (a transaction or a whole bundle) went in."""
        mining = chain.chain
        self._expire(chain, mining.header.block_number)
        included = 0
        while max_units is None or included < max_units:
            landable = self._next_landable(mining)
            if landable is None:
                break
            unit, txs = landable
            for tx in txs:
                mining.apply_transaction(tx)
            hashes = {tx.hash for tx in txs}
            unit.status = "INCLUDED"
            for entry in self.txs.values():
                if entry.status == "PENDING" and entry.tx.hash in hashes:
                    entry.status = "INCLUDED"
            included += 1
        return included

    @staticmethod
    def _simulate(mining, txs, may_revert: set) -> str | None:
        """Runs the transactions in order on a throwaway copy of the block's state: None if all
        would land without a revert they did not allow, else why not."""
        state = mining.get_vm().state
        header = mining.header
        gas_left = header.gas_limit - header.gas_used
        snapshot = state.snapshot()
        try:
            for tx in txs:
                if tx.gas > gas_left:
                    return "exceeds the block's gas left"
                try:
                    computation = state.apply_transaction(tx)
                except Exception as error:  # py-evm's ValidationError and friends: cannot land
                    return f"invalid: {error}"
                if computation.is_error and tx.hash not in may_revert:
                    return f"reverted: {computation.error!r}"
                gas_left -= tx.gas
            return None
        finally:
            state.revert(snapshot)

    # -------------------------------------------------------------------------------- status

    def status(self, chain, lane: str, tx_hash: bytes) -> dict:
        found = chain.find_transaction(tx_hash)
        entry = self.txs.get((lane, tx_hash))
        if found is not None and found[2] is not None:
            tx, sender = found[0], found[1]
            status = "INCLUDED"
        elif entry is not None:
            self._expire(chain, chain.head().block_number + 1)
            status = entry.status if entry.status != "INCLUDED" else "PENDING"
            tx, sender = entry.tx, entry.sender
        else:
            return {"status": "UNKNOWN", "hash": data_hex(tx_hash), "maxBlockNumber": 0,
                    "transaction": {}, "fastMode": False, "seenInMempool": False,
                    "simError": "", "revertReason": "", "isRevert": False}
        transaction = {}
        if status == "INCLUDED":  # the documented privacy rule: fields only once included
            transaction = {
                "from": data_hex(sender), "to": data_hex(tx.to) if tx.to else "",
                "gasLimit": str(tx.gas), "maxFeePerGas": str(tx.max_fee_per_gas),
                "maxPriorityFeePerGas": str(tx.max_priority_fee_per_gas),
                "nonce": str(tx.nonce), "value": str(tx.value),
            }
        return {
            "status": status, "hash": data_hex(tx_hash),
            "maxBlockNumber": entry.max_block if entry else 0, "transaction": transaction,
            "fastMode": bool(entry and entry.fast), "seenInMempool": False,
            "simError": entry.sim_error if entry and status == "FAILED" else "",
            "revertReason": "", "isRevert": bool(entry and entry.sim_error.startswith("reverted")),
        }


# ---------------------------------------------------------------------------------- signatures


class SignatureProblem(Exception):
    def __init__(self, http_status: int, message: str):
        super().__init__(message)
        self.http_status = http_status


def check_signature(header: str | None, body: bytes, required: bool) -> str | None:
    """The signing address (lowercase hex) of a valid header, None if absent and not required."""
    if header is None:
        if required:
            raise SignatureProblem(401, f"missing {SIGNATURE_HEADER} header")
        return None
    from eth_account import Account
    from eth_account.messages import encode_defunct

    address, _, signature = header.partition(":")
    if not signature or not address.startswith("0x") or len(address) != 42:
        raise SignatureProblem(403, f"{SIGNATURE_HEADER}: expected <address>:<signature>")
    message = "0x" + keccak(body).hex()
    try:
        recovered = Account.recover_message(encode_defunct(text=message), signature=signature)
    except Exception:
        raise SignatureProblem(403, f"{SIGNATURE_HEADER}: invalid signature") from None
    if recovered.lower() != address.lower():
        raise SignatureProblem(403, f"signature mismatch: signed by {recovered.lower()}")
    return address.lower()


# ------------------------------------------------------------------------------------- the API


class Relay:
    def __init__(self, chain):
        self.chain = chain
        with chain.lock:
            if chain.private is None:
                chain.private = PrivateOrderflow()
            self.flow = chain.private

    def handle(self, lane: str, method: str, params: list, signer: str | None):
        with self.chain.lock:
            self.flow.lane(lane).received.append(method)
            if method == "eth_sendRawTransaction":
                raw = parse_data(_param(params, 0), "0")
                return data_hex(self.flow.add_tx(self.chain, lane, raw, None, False))
            if method == "eth_sendPrivateTransaction":
                request = _object(params)
                raw = parse_data(request.get("tx"), "tx")
                max_block = request.get("maxBlockNumber")
                max_block = None if max_block is None else parse_quantity(max_block, "maxBlockNumber")
                fast = bool((request.get("preferences") or {}).get("fast", False))
                return data_hex(self.flow.add_tx(self.chain, lane, raw, max_block, fast))
            if method == "eth_cancelPrivateTransaction":
                request = _object(params)
                return self.flow.cancel(self.chain, lane, parse_hash(request.get("txHash"), "txHash"))
            if method == "eth_sendBundle":
                request = _object(params)
                txs = request.get("txs")
                if not isinstance(txs, list) or not txs:
                    raise invalid_params("txs: expected a non-empty array of signed transactions")
                raws = [parse_data(t, f"txs[{i}]") for i, t in enumerate(txs)]
                block = parse_quantity(request.get("blockNumber"), "blockNumber")
                min_ts = request.get("minTimestamp")
                max_ts = request.get("maxTimestamp")
                reverting = {parse_hash(h, "revertingTxHashes")
                             for h in request.get("revertingTxHashes") or []}
                bundle_hash = self.flow.add_bundle(
                    self.chain, lane, raws, block,
                    None if min_ts is None else parse_quantity(min_ts, "minTimestamp"),
                    None if max_ts is None else parse_quantity(max_ts, "maxTimestamp"), reverting)
                return {"bundleHash": data_hex(bundle_hash)}
            if method == "eth_chainId":
                from . import CHAIN_ID
                return qty(CHAIN_ID)
            raise RpcError(METHOD_NOT_FOUND, f"the method {method} does not exist/is not available")

    def configure(self, params: list):
        request = _object(params)
        lane = request.get("lane", "default")
        mode = request.get("mode", "normal")
        if not isinstance(lane, str) or mode not in MODES:
            raise invalid_params(f"lane must be a string and mode one of {', '.join(MODES)}")
        with self.chain.lock:
            behaviour = self.flow.lane(lane)
            behaviour.mode = mode
            behaviour.requests = request.get("requests")
            behaviour.delay = float(request.get("delaySeconds", 30))
            if mode == "normal" and self.chain.automine:
                self.chain.mine_executable_one_per_block()  # what was withheld may land now
        return True

    def take_fault(self, lane: str) -> tuple[str, float]:
        """The fault this request meets, counting it against `requests`."""
        with self.chain.lock:
            behaviour = self.flow.lane(lane)
            mode = behaviour.mode
            if mode not in ("timeout", "error"):
                return "normal", 0.0
            if behaviour.requests is not None:
                behaviour.requests -= 1
                if behaviour.requests <= 0:
                    behaviour.mode, behaviour.requests = "normal", None
            return mode, behaviour.delay

    def status(self, lane: str, tx_hash: bytes) -> dict:
        with self.chain.lock:
            return self.flow.status(self.chain, lane, tx_hash)


def _param(params: list, index: int):
    if index >= len(params) or params[index] is None:
        raise invalid_params(f"missing value for required argument {index}")
    return params[index]


def _object(params: list) -> dict:
    value = _param(params, 0)
    if not isinstance(value, dict):
        raise invalid_params("invalid argument 0: expected an object")
    return value


def split_path(path: str) -> tuple[str, str]:
    """'/flashbots/tx/0x..' → ('flashbots', 'tx/0x..'); '/' → ('default', '')."""
    parts = [p for p in urlsplit(path).path.split("/") if p]
    if not parts or parts[0] == "tx":
        return "default", "/".join(parts)
    return parts[0], "/".join(parts[1:])


class RelayRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "rebalancer-devnet-relay"
    disable_nagle_algorithm = True
    timeout = 300
    relay: Relay = None
    verbose = False

    def do_POST(self):
        lane, _rest = split_path(self.path)
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._send(411, b"Content-Length required\n", "text/plain")
            return
        if length < 0 or length > MAX_BODY_BYTES:
            self._send(413, b"request body too large\n", "text/plain")
            return
        body = self.rfile.read(length)
        try:
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            self._json(200, {"jsonrpc": "2.0", "id": None,
                             "error": RpcError(PARSE_ERROR, "parse error").to_json()})
            return
        if not isinstance(request, dict) or not isinstance(request.get("method"), str):
            self._json(200, {"jsonrpc": "2.0", "id": None,
                             "error": RpcError(INVALID_REQUEST, "invalid request").to_json()})
            return
        request_id, method = request.get("id"), request["method"]
        params = request.get("params") or []
        if not isinstance(params, list):
            params = [params]
        if method == "relay_configure":  # devnet control, never faulted or signed
            self._answer(request_id, lambda: self.relay.configure(params))
            return
        delay = self._meet_fault(lane)
        if delay is None:
            return
        try:
            signer = check_signature(self.headers.get(SIGNATURE_HEADER), body,
                                     required=method in SIGNED_METHODS)
        except SignatureProblem as problem:
            self._json(problem.http_status, {"jsonrpc": "2.0", "id": request_id, "error": {
                "code": INVALID_REQUEST, "message": str(problem)}})
            return
        self._answer(request_id, lambda: self.relay.handle(lane, method, params, signer), delay)

    def _meet_fault(self, lane: str) -> float | None:
        """Seconds this request's answer is held (timeout mode), or None: answered 503 already."""
        mode, delay = self.relay.take_fault(lane)
        if mode == "error":
            self._send(503, b"service unavailable\n", "text/plain")
            return None
        return delay if mode == "timeout" else 0.0

    def _answer(self, request_id, work, delay: float = 0.0):
        try:
            response = {"jsonrpc": "2.0", "id": request_id, "result": work()}
        except RpcError as error:
            response = {"jsonrpc": "2.0", "id": request_id, "error": error.to_json()}
        except Exception as error:  # a bug here must not kill the connection
            print(f"devnet relay: internal error: {error!r}", file=sys.stderr, flush=True)
            response = {"jsonrpc": "2.0", "id": request_id,
                        "error": RpcError(INTERNAL_ERROR, f"internal error: {error}").to_json()}
        if delay:
            time.sleep(delay)  # done, but the client hears nothing in time
        self._json(200, response)

    def do_GET(self):
        lane, rest = split_path(self.path)
        if not rest.startswith("tx/"):
            self._send(404, b"not found: the status API is GET /tx/<hash>\n", "text/plain")
            return
        delay = self._meet_fault(lane)
        if delay is None:
            return
        try:
            tx_hash = parse_hash(rest[3:], "hash")
        except RpcError as error:
            self._json(400, {"error": error.message})
            return
        answer = self.relay.status(lane, tx_hash)
        if delay:
            time.sleep(delay)
        self._json(200, answer)

    def _json(self, status: int, value) -> None:
        self._send(status, json.dumps(value, separators=(",", ":")).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to tell it

    def log_message(self, format, *args):
        if self.verbose:
            sys.stderr.write("devnet relay: %s %s\n" % (self.address_string(), format % args))


def make_relay_server(chain, host: str, port: int, verbose: bool = False):
    from .server import DevnetHTTPServer  # the node's server class; imported late (server imports us)

    handler = type("BoundRelayRequestHandler", (RelayRequestHandler,),
                   {"relay": Relay(chain), "verbose": verbose})
    return DevnetHTTPServer((host, port), handler)


def serve_in_background(server) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="devnet-relay", daemon=True)
    thread.start()
    return thread
