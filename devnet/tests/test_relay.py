"""The stand-in private relay (devnet/relay.py) over real HTTP, beside the devnet it feeds (the
`devnet` fixture of conftest.py serves one)."""

import http.client
import json
import time
from urllib.parse import urlparse

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_hash.auto import keccak

from devnet.node_testing import (
    DEV_ADDRESS_0,
    DEV_ADDRESS_1,
    DEV_KEY_0,
    GWEI,
    calldata,
    compile_probe_contract,
    sign,
)

# A reputation key for the signature header: it signs requests, never transactions, holds nothing.
REPUTATION_KEY = "0x" + "5e" * 32
OTHER_KEY = "0x" + "6f" * 32


class RelayClient:
    def __init__(self, url: str, lane: str = ""):
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.prefix = "/" + lane if lane else ""

    def post(self, payload, signer: str | None = None, header: str | None = None,
             timeout: float = 30, query: str = ""):
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signer is not None:
            headers["X-Flashbots-Signature"] = signature_header(signer, body)
        if header is not None:
            headers["X-Flashbots-Signature"] = header
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request("POST", (self.prefix or "/") + query, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            return response.status, (json.loads(raw) if raw.startswith(b"{") else raw)
        finally:
            connection.close()

    def call(self, method, *params, signer=REPUTATION_KEY, query=""):
        status, reply = self.post({"jsonrpc": "2.0", "id": 1, "method": method,
                                   "params": list(params)}, signer=signer, query=query)
        assert status == 200, (status, reply)
        assert "error" not in reply, reply
        return reply["result"]

    def tx_status(self, tx_hash: str):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request("GET", f"{self.prefix}/tx/{tx_hash}")
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    def configure(self, lane: str, mode: str, **extra):
        return self.call("relay_configure", {"lane": lane or "default", "mode": mode, **extra},
                         signer=None)


def signature_header(key: str, body: bytes) -> str:
    account = Account.from_key(key)
    message = encode_defunct(text="0x" + keccak(body).hex())
    signature = Account.sign_message(message, key).signature
    return f"{account.address}:0x{bytes(signature).hex()}"


@pytest.fixture(scope="module")
def probe(rpc):
    """The probe contract: store(13) reverts with "unlucky number"."""
    nonce = int(rpc.call("eth_getTransactionCount", DEV_ADDRESS_0, "pending"), 16)
    raw = sign(DEV_KEY_0, type=2, nonce=nonce, to=None, value=0, gas=3_000_000,
               data="0x" + compile_probe_contract().hex(), maxFeePerGas=50 * GWEI,
               maxPriorityFeePerGas=GWEI)
    tx_hash = rpc.call("eth_sendRawTransaction", raw)
    return rpc.call("eth_getTransactionReceipt", tx_hash)["contractAddress"]


@pytest.fixture
def relay(devnet):
    client = RelayClient(devnet.relay_url)
    yield client
    for lane in ("default", "flashbots", "mevblocker"):
        client.configure(lane, "normal")


@pytest.fixture
def manual_mining(rpc):
    assert rpc.call("evm_setAutomine", False) is True
    yield
    rpc.call("evm_setAutomine", True)


def next_nonce(rpc):
    return int(rpc.call("eth_getTransactionCount", DEV_ADDRESS_0, "latest"), 16)


def transfer(nonce, tip=GWEI, value=1, key=DEV_KEY_0):
    return sign(key, type=2, nonce=nonce, to=DEV_ADDRESS_1, value=value, gas=21000,
                maxFeePerGas=50 * GWEI, maxPriorityFeePerGas=tip)


def store(probe, nonce, amount, tip=GWEI):
    return sign(DEV_KEY_0, type=2, nonce=nonce, to=probe, value=0, gas=100_000,
                data=calldata("store(uint256)", amount), maxFeePerGas=50 * GWEI,
                maxPriorityFeePerGas=tip)


def head(rpc):
    return int(rpc.call("eth_blockNumber"), 16)


def test_node_names_its_relay(rpc, devnet):
    assert rpc.call("devnet_relayUrl") == devnet.relay_url


def test_private_transaction_is_invisible_until_the_miner_puts_it_first(rpc, relay,
                                                                         manual_mining):
    nonce = next_nonce(rpc)
    private = relay.call("eth_sendRawTransaction", transfer(nonce), signer=None,
                         query="?hint=hash&builder=flashbots")
    # A watcher on the public node sees nothing: not by hash, not in the pending nonce or block.
    assert rpc.call("eth_getTransactionByHash", private) is None
    assert int(rpc.call("eth_getTransactionCount", DEV_ADDRESS_0, "pending"), 16) == nonce
    assert rpc.call("eth_getBlockByNumber", "pending", False)["transactions"] == []
    assert relay.tx_status(private)[1]["status"] == "PENDING"
    assert relay.tx_status(private)[1]["transaction"] == {}  # private until included

    # A public transaction from another sender paying a far higher tip still comes second.
    other_key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"  # dev 1
    other_nonce = int(rpc.call("eth_getTransactionCount", DEV_ADDRESS_1, "latest"), 16)
    public = rpc.call("eth_sendRawTransaction", sign(
        other_key, type=2, nonce=other_nonce, to=DEV_ADDRESS_0, value=1, gas=21000,
        maxFeePerGas=50 * GWEI, maxPriorityFeePerGas=20 * GWEI))
    rpc.call("evm_mine")
    block = rpc.call("eth_getBlockByNumber", "latest", False)
    assert block["transactions"] == [private, public]
    code, status = relay.tx_status(private)
    assert code == 200 and status["status"] == "INCLUDED"
    assert status["transaction"]["nonce"] == str(nonce)


def test_reverting_private_transaction_is_dropped_and_costs_nothing(rpc, relay, probe):
    nonce = next_nonce(rpc)
    balance = int(rpc.call("eth_getBalance", DEV_ADDRESS_0, "latest"), 16)
    start = head(rpc)
    failing = relay.call("eth_sendRawTransaction", store(probe, nonce, 13), signer=None)
    assert head(rpc) == start
    assert rpc.call("eth_getTransactionReceipt", failing) is None
    assert int(rpc.call("eth_getBalance", DEV_ADDRESS_0, "latest"), 16) == balance
    status = relay.tx_status(failing)[1]
    assert status["status"] == "FAILED" and status["simError"].startswith("reverted")
    # The nonce is still free: the next transaction takes it.
    landed = relay.call("eth_sendRawTransaction", store(probe, nonce, 7), signer=None)
    assert rpc.call("eth_getTransactionReceipt", landed)["status"] == "0x1"


def test_max_block_number_passes_and_the_transaction_fails(rpc, relay):
    relay.configure("default", "withhold")
    nonce = next_nonce(rpc)
    limit = head(rpc) + 2
    tx_hash = relay.call("eth_sendPrivateTransaction",
                         {"tx": transfer(nonce), "maxBlockNumber": hex(limit),
                          "preferences": {"fast": True}})
    rpc.call("evm_mine")  # the head is limit - 1: block `limit` may still take it
    assert relay.tx_status(tx_hash)[1]["status"] == "PENDING"
    rpc.call("evm_mine")
    relay.configure("default", "normal")  # too late: past maxBlockNumber
    status = relay.tx_status(tx_hash)[1]
    assert status["status"] == "FAILED" and status["maxBlockNumber"] == limit
    assert rpc.call("eth_getTransactionReceipt", tx_hash) is None


def test_cancel_and_unknown(rpc, relay):
    relay.configure("default", "withhold")
    nonce = next_nonce(rpc)
    tx_hash = relay.call("eth_sendPrivateTransaction", {"tx": transfer(nonce)})
    assert relay.call("eth_cancelPrivateTransaction", {"txHash": tx_hash}) is True
    assert relay.call("eth_cancelPrivateTransaction", {"txHash": tx_hash}) is False
    relay.configure("default", "normal")
    rpc.call("evm_mine")
    assert relay.tx_status(tx_hash)[1]["status"] == "CANCELLED"
    assert rpc.call("eth_getTransactionReceipt", tx_hash) is None
    assert relay.tx_status("0x" + "ab" * 32)[1]["status"] == "UNKNOWN"


def test_signature_header_is_required_and_checked(relay, rpc):
    payload = {"jsonrpc": "2.0", "id": 1, "method": "eth_sendPrivateTransaction",
               "params": [{"tx": transfer(next_nonce(rpc))}]}
    assert relay.post(payload)[0] == 401
    # Signed by one key but claiming another address: refused.
    body = json.dumps(payload).encode()
    forged = (Account.from_key(REPUTATION_KEY).address + ":"
              + signature_header(OTHER_KEY, body).split(":")[1])
    assert relay.post(payload, header=forged)[0] == 403
    assert relay.post(payload, header="not-a-signature")[0] == 403
    # A header over different bytes does not verify either.
    other = json.dumps(dict(payload, id=2)).encode()
    assert relay.post(payload, header=signature_header(REPUTATION_KEY, other))[0] == 403
    assert rpc.call("eth_getTransactionCount", DEV_ADDRESS_0, "latest") == hex(
        next_nonce(rpc))  # nothing landed
    status, reply = relay.post(payload, signer=REPUTATION_KEY)
    assert status == 200 and "result" in reply


def test_bundle_is_all_or_nothing(rpc, relay, probe, manual_mining):
    nonce = next_nonce(rpc)
    target = head(rpc) + 1
    good, bad = transfer(nonce), store(probe, nonce + 1, 13)
    result = relay.call("eth_sendBundle", {"txs": [good, bad], "blockNumber": hex(target)})
    hashes = [keccak(bytes.fromhex(t[2:])) for t in (good, bad)]
    assert result["bundleHash"] == "0x" + keccak(b"".join(hashes)).hex()
    rpc.call("evm_mine")
    assert rpc.call("eth_getBlockByNumber", "latest", False)["transactions"] == []
    assert next_nonce(rpc) == nonce

    # Allowed to revert, or without the reverting one, the bundle lands whole, in order.
    target = head(rpc) + 1
    relay.call("eth_sendBundle", {"txs": [good, bad], "blockNumber": hex(target),
                                  "revertingTxHashes": ["0x" + hashes[1].hex()]})
    rpc.call("evm_mine")
    block = rpc.call("eth_getBlockByNumber", "latest", False)
    assert block["transactions"] == ["0x" + h.hex() for h in hashes]


def test_bundle_only_counts_for_its_block(rpc, relay, manual_mining):
    nonce = next_nonce(rpc)
    relay.call("eth_sendBundle", {"txs": [transfer(nonce)], "blockNumber": hex(head(rpc) + 2)})
    rpc.call("evm_mine")
    assert next_nonce(rpc) == nonce  # not its block yet
    rpc.call("evm_mine")
    assert next_nonce(rpc) == nonce + 1


def test_error_mode_answers_503_and_takes_nothing(rpc, relay):
    relay.configure("default", "error", requests=1)
    nonce = next_nonce(rpc)
    status, _ = relay.post({"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction",
                            "params": [transfer(nonce)]})
    assert status == 503
    assert next_nonce(rpc) == nonce
    # Only the next request was faulted.
    relay.call("eth_sendRawTransaction", transfer(nonce), signer=None)
    assert next_nonce(rpc) == nonce + 1


def test_timeout_mode_does_the_work_but_answers_late(rpc, relay):
    relay.configure("default", "timeout", requests=1, delaySeconds=2)
    nonce = next_nonce(rpc)
    with pytest.raises(TimeoutError):
        relay.post({"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction",
                    "params": [transfer(nonce)]}, timeout=0.5)
    # The client heard nothing, yet the transaction landed: it must reconcile, not resend blind.
    assert next_nonce(rpc) == nonce + 1


def test_same_bytes_through_two_lanes_land_once(rpc, devnet, relay):
    flashbots = RelayClient(devnet.relay_url, "flashbots")
    mevblocker = RelayClient(devnet.relay_url, "mevblocker")
    relay.configure("flashbots", "withhold")
    nonce = next_nonce(rpc)
    raw = transfer(nonce)
    first = flashbots.call("eth_sendRawTransaction", raw, signer=None)
    rpc.call("evm_mine")
    assert next_nonce(rpc) == nonce
    second = mevblocker.call("eth_sendRawTransaction", raw, signer=None)
    assert first == second and next_nonce(rpc) == nonce + 1
    relay.configure("flashbots", "normal")
    rpc.call("evm_mine")
    assert next_nonce(rpc) == nonce + 1
    assert flashbots.tx_status(first)[1]["status"] == "INCLUDED"
    assert mevblocker.tx_status(first)[1]["status"] == "INCLUDED"
