"""The devnet's HTTP and JSON-RPC envelope: batches, protocol errors, keep-alive, gzip,
concurrent clients, the ready line and clean shutdown on SIGTERM/SIGINT."""

import gzip
import json
import signal
import subprocess
import sys
import threading
import time

import pytest

from devnet.node_testing import REPO_ROOT, DEV_ADDRESS_0, DevnetProcess, RpcClient


@pytest.fixture
def rpc(devnet):
    client = devnet.client()
    yield client
    client.close()


def test_batch_with_per_member_results_and_errors(rpc):
    replies = rpc.raw([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "id": "two", "method": "no_such_method", "params": []},
        {"jsonrpc": "2.0", "id": 3, "method": "eth_getBalance", "params": ["0x12", "latest"]},
        {"jsonrpc": "2.0", "id": 4, "method": "eth_getBalance", "params": [DEV_ADDRESS_0]},
        42,
        {"jsonrpc": "2.0", "method": "eth_blockNumber", "params": []},  # notification
    ])
    assert isinstance(replies, list) and len(replies) == 5
    by_id = {reply["id"]: reply for reply in replies if reply["id"] is not None}
    assert by_id[1]["result"] == "0x7a69"
    assert by_id["two"]["error"]["code"] == -32601
    assert by_id[3]["error"]["code"] == -32602
    assert by_id[4]["result"] == hex(10_000 * 10**18)
    invalid = [reply for reply in replies if reply["id"] is None]
    assert len(invalid) == 1 and invalid[0]["error"]["code"] == -32600
    assert all(reply["jsonrpc"] == "2.0" for reply in replies)


def test_protocol_errors(rpc):
    response = rpc.post(b'{"jsonrpc": "2.0", "id": 1, "method": ')
    assert response.status == 200
    reply = json.loads(response.body)
    assert reply["error"]["code"] == -32700 and reply["id"] is None
    assert json.loads(rpc.post(b"[" * 100_000).body)["error"]["code"] == -32700
    assert json.loads(rpc.post(b"\xff\xfe").body)["error"]["code"] == -32700
    assert rpc.raw([])["error"]["code"] == -32600
    assert rpc.raw({"id": 5, "method": "eth_chainId"})["error"]["code"] == -32600  # no jsonrpc
    assert rpc.raw({"jsonrpc": "2.0", "id": 6, "method": "eth_chainId",
                    "params": {"a": 1}})["error"]["code"] == -32602
    response = rpc.post(json.dumps({"jsonrpc": "2.0", "method": "eth_chainId"}).encode())
    assert response.status == 204 and response.body == b""  # a lone notification: no reply


def test_keep_alive_reuses_one_connection(rpc):
    rpc.call("eth_chainId")
    sock = rpc.connection.sock
    assert sock is not None
    for _ in range(20):
        rpc.call("eth_blockNumber")
    assert rpc.connection.sock is sock


def test_keep_alive_replies_do_not_wait_for_delayed_acks(rpc):
    rpc.call("eth_chainId")
    started = time.monotonic()
    for _ in range(50):
        rpc.call("eth_chainId")
    # Nagle's algorithm against delayed ACKs would cost ~40 ms a reply, 2 s in all.
    assert time.monotonic() - started < 1.5


HOSTILE_VALUES = [None, True, -1, 1.5, "", "0x", "0xzz", "pending", "0x" + "ff" * 70, [], {},
                  [1], {"to": 5}, {"from": "0x12"}, {"blockHash": "0x00"},
                  {"fromBlock": "0x5", "toBlock": "0x1"}, {"topics": [[None, 5]]},
                  {"address": [1]}, "0x" + "00" * 20, 10**80, {"a": {"b": 1}}]


def test_hostile_params_never_cause_internal_errors(rpc):
    methods = [name for name in (
        "web3_sha3 eth_getBlockByNumber eth_getBlockByHash eth_getBlockTransactionCountByNumber "
        "eth_getBalance eth_getCode eth_getStorageAt eth_getTransactionCount eth_call "
        "eth_estimateGas eth_feeHistory eth_sendRawTransaction eth_sendTransaction "
        "eth_getBlockReceipts eth_getTransactionByHash eth_getTransactionReceipt eth_getLogs "
        "evm_mine anvil_mine evm_setAutomine evm_revert evm_increaseTime "
        "evm_setNextBlockTimestamp").split()]
    snapshot = rpc.call("evm_snapshot")
    count = 0
    for method in methods:
        for first in HOSTILE_VALUES:
            for params in ([first], [first, "latest"], ["0x" + "00" * 20, first]):
                reply = rpc.raw({"jsonrpc": "2.0", "id": 7, "method": method, "params": params})
                count += 1
                assert reply["id"] == 7
                if "error" in reply:
                    assert reply["error"]["code"] in (-32602, -32000, 3), (method, params, reply)
    assert count == len(methods) * len(HOSTILE_VALUES) * 3
    assert rpc.call("evm_revert", snapshot) is True


def test_content_type_and_gzip(rpc):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []})
    response = rpc.post(gzip.compress(body.encode()), {"Content-Encoding": "gzip"})
    assert response.getheader("Content-Type") == "application/json"
    assert json.loads(response.body)["result"] == "0x7a69"
    big = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "eth_getBlockByNumber",
                      "params": ["latest", True]}).encode()
    response = rpc.post(big, {"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(response.body))["result"]["number"] == "0x0"
    response = rpc.post(big)
    assert response.getheader("Content-Encoding") is None
    assert json.loads(response.body)["result"]["number"] == "0x0"


def test_get_is_refused(rpc):
    rpc.connection.request("GET", "/")
    response = rpc.connection.getresponse()
    response.read()
    assert response.status == 405


def test_concurrent_clients(devnet):
    errors, results = [], []

    def worker():
        client = RpcClient(devnet.url)
        try:
            for _ in range(15):
                replies = client.raw([
                    {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
                    {"jsonrpc": "2.0", "id": 2, "method": "eth_getBalance",
                     "params": [DEV_ADDRESS_0, "latest"]},
                ])
                results.append(replies)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            client.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(results) == 90
    assert all(r[0]["result"] == "0x7a69" and r[1]["result"] == hex(10_000 * 10**18)
               for r in results)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_ready_line_and_clean_shutdown(sig):
    started = time.monotonic()
    process = DevnetProcess()
    ready_after = time.monotonic() - started
    assert process.ready_line.rstrip("\n") == process.url.join(["devnet ready at ", ""])
    assert process.url.startswith("http://127.0.0.1:")
    assert ready_after < 15, f"bare devnet took {ready_after:.1f}s to be ready"
    client = process.client()
    assert client.call("eth_chainId") == "0x7a69"
    client.close()
    assert process.stop(sig) == 0
    assert process.process.stdout.read() == ""  # exactly one line on stdout
    assert "stopped" in process.log_text()


def test_port_in_use_is_a_clear_error(devnet):
    port = devnet.url.rsplit(":", 1)[1]
    result = subprocess.run([sys.executable, "-m", "devnet", "--bare", "--port", port],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stdout == ""
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_bad_arguments_are_refused():
    result = subprocess.run([sys.executable, "-m", "devnet", "--block-time", "-1"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--block-time" in result.stderr


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_devnet_start_script_waits_for_readiness(tmp_path):
    import os

    port = free_port()
    log = tmp_path / "devnet.log"
    result = subprocess.run([str(REPO_ROOT / "scripts" / "devnet-start"), "--bare", "--port",
                             str(port), "--log", str(log)],
                            capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == f"url http://127.0.0.1:{port}"
    pid = int(lines[0].removeprefix("pid "))
    try:
        client = RpcClient(f"http://127.0.0.1:{port}")
        assert client.call("eth_chainId") == "0x7a69"  # it answers as soon as the script returns
        client.close()
        again = subprocess.run([str(REPO_ROOT / "scripts" / "devnet-start"), "--bare", "--port",
                                str(port)], capture_output=True, text=True, timeout=90)
        assert again.returncode != 0 and "already answers" in again.stderr
    finally:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and "stopped" not in log.read_text():
        time.sleep(0.1)
    assert "devnet: stopped" in log.read_text()


def test_devnet_start_script_reports_a_failed_start(tmp_path):
    log = tmp_path / "devnet.log"
    result = subprocess.run([str(REPO_ROOT / "scripts" / "devnet-start"), "--bare", "--port",
                             str(free_port()), "--block-time", "0", "--log", str(log)],
                            capture_output=True, text=True, timeout=90)
    assert result.returncode != 0
    assert "exited before it was ready" in result.stderr
    assert "--block-time" in result.stderr  # the log's tail names the problem
