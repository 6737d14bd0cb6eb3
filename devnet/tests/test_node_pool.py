"""Mining modes, the pending pool with replacement, snapshots and the clock, over real HTTP."""

import time

import pytest

from devnet.node_testing import (
    DEV_ADDRESS_0,
    DEV_ADDRESS_1,
    DEV_KEY_0,
    GWEI,
    DevnetProcess,
    RpcCallError,
    calldata,
    compile_probe_contract,
    sign,
)


pytestmark = pytest.mark.usefixtures("rpc_snapshot")


def nonce_of(rpc, tag="latest"):
    return int(rpc.call("eth_getTransactionCount", DEV_ADDRESS_0, tag), 16)


def transfer(nonce, max_fee, tip, value=1):
    return sign(DEV_KEY_0, type=2, nonce=nonce, to=DEV_ADDRESS_1, value=value, gas=21000,
                maxFeePerGas=max_fee, maxPriorityFeePerGas=tip)


def block_number(rpc):
    return int(rpc.call("eth_blockNumber"), 16)


def test_automine_off_keeps_transactions_pending_until_mined(rpc):
    assert rpc.call("evm_setAutomine", False) is True
    start = block_number(rpc)
    nonce = nonce_of(rpc)
    first = rpc.call("eth_sendRawTransaction", transfer(nonce, 50 * GWEI, GWEI))
    second = rpc.call("eth_sendRawTransaction", transfer(nonce + 1, 50 * GWEI, GWEI))
    assert block_number(rpc) == start
    assert nonce_of(rpc) == nonce
    assert nonce_of(rpc, "pending") == nonce + 2
    pending = rpc.call("eth_getTransactionByHash", first)
    assert pending["blockNumber"] is None and pending["blockHash"] is None
    assert pending["transactionIndex"] is None and int(pending["nonce"], 16) == nonce
    assert rpc.call("eth_getTransactionReceipt", first) is None

    assert rpc.call("evm_mine") == "0x0"
    assert block_number(rpc) == start + 1
    block = rpc.call("eth_getBlockByNumber", "latest", False)
    assert block["transactions"] == [first, second]
    receipts = [rpc.call("eth_getTransactionReceipt", h) for h in (first, second)]
    assert [r["status"] for r in receipts] == ["0x1", "0x1"]
    assert [r["transactionIndex"] for r in receipts] == ["0x0", "0x1"]
    assert receipts[1]["cumulativeGasUsed"] == hex(42000) and receipts[1]["gasUsed"] == hex(21000)
    assert nonce_of(rpc) == nonce + 2


def test_replacement_needs_ten_percent_more_fees(rpc):
    rpc.call("evm_setAutomine", False)
    nonce = nonce_of(rpc)
    original = rpc.call("eth_sendRawTransaction", transfer(nonce, 20 * GWEI, 2 * GWEI))
    for max_fee, tip in ((21 * GWEI, 3 * GWEI), (30 * GWEI, 2 * GWEI), (19 * GWEI, GWEI)):
        with pytest.raises(RpcCallError) as raised:
            rpc.call("eth_sendRawTransaction", transfer(nonce, max_fee, tip, value=2))
        assert (raised.value.code, raised.value.message) == (
            -32000, "replacement transaction underpriced")
    replacement = rpc.call("eth_sendRawTransaction", transfer(nonce, 22 * GWEI, 22 * GWEI // 10,
                                                              value=3))
    assert replacement != original
    assert rpc.call("eth_getTransactionByHash", original) is None
    assert rpc.call("eth_getTransactionByHash", replacement)["blockNumber"] is None
    assert nonce_of(rpc, "pending") == nonce + 1
    rpc.call("evm_mine")
    assert rpc.call("eth_getTransactionReceipt", replacement)["status"] == "0x1"
    assert rpc.call("eth_getTransactionReceipt", original) is None
    mined = rpc.call("eth_getTransactionByHash", replacement)
    assert mined["value"] == "0x3" and mined["blockNumber"] is not None


def test_turning_automine_back_on_mines_the_pool(rpc):
    rpc.call("evm_setAutomine", False)
    nonce = nonce_of(rpc)
    tx_hash = rpc.call("eth_sendRawTransaction", transfer(nonce, 50 * GWEI, GWEI))
    start = block_number(rpc)
    rpc.call("evm_setAutomine", True)
    assert block_number(rpc) == start + 1
    assert rpc.call("eth_getTransactionReceipt", tx_hash)["status"] == "0x1"
    # automine: every transaction in its own block
    a = rpc.call("eth_sendRawTransaction", transfer(nonce + 1, 50 * GWEI, GWEI))
    b = rpc.call("eth_sendRawTransaction", transfer(nonce + 2, 50 * GWEI, GWEI))
    blocks = [rpc.call("eth_getTransactionReceipt", h)["blockNumber"] for h in (a, b)]
    assert blocks == [hex(start + 2), hex(start + 3)]


def test_nonce_gap_waits_for_the_missing_nonce(rpc):
    nonce = nonce_of(rpc)
    later = rpc.call("eth_sendRawTransaction", transfer(nonce + 1, 50 * GWEI, GWEI))
    assert rpc.call("eth_getTransactionReceipt", later) is None
    assert nonce_of(rpc, "pending") == nonce
    rpc.call("eth_sendRawTransaction", transfer(nonce, 50 * GWEI, GWEI))
    assert rpc.call("eth_getTransactionReceipt", later)["status"] == "0x1"
    assert nonce_of(rpc) == nonce + 2


def test_snapshot_and_revert_restore_chain_and_balances(rpc):
    start = block_number(rpc)
    balance = rpc.call("eth_getBalance", DEV_ADDRESS_1, "latest")
    snapshot = rpc.call("evm_snapshot")
    tx_hash = rpc.call("eth_sendRawTransaction", transfer(nonce_of(rpc), 50 * GWEI, GWEI,
                                                          value=10**18))
    rpc.call("evm_mine")
    assert block_number(rpc) == start + 2
    assert rpc.call("evm_revert", snapshot) is True
    assert block_number(rpc) == start
    assert rpc.call("eth_getBalance", DEV_ADDRESS_1, "latest") == balance
    assert rpc.call("eth_getTransactionByHash", tx_hash) is None
    assert rpc.call("eth_getTransactionReceipt", tx_hash) is None
    assert rpc.call("evm_revert", snapshot) is False  # a snapshot is used up by its revert
    # the chain goes on from the restored head, and the same transaction can be sent again
    again = rpc.call("eth_sendRawTransaction", transfer(nonce_of(rpc), 50 * GWEI, GWEI,
                                                        value=10**18))
    assert again == tx_hash
    receipt = rpc.call("eth_getTransactionReceipt", again)
    assert receipt["blockNumber"] == hex(start + 1)
    assert rpc.call("eth_getBlockByNumber", hex(start + 1), False)["hash"] == receipt["blockHash"]


def test_increase_time_and_next_block_timestamp(rpc):
    code = compile_probe_contract()
    deploy = sign(DEV_KEY_0, type=2, nonce=nonce_of(rpc), data="0x" + code.hex(), gas=1_000_000,
                  maxFeePerGas=50 * GWEI, maxPriorityFeePerGas=GWEI, value=0, to=None)
    address = rpc.call("eth_getTransactionReceipt",
                       rpc.call("eth_sendRawTransaction", deploy))["contractAddress"]
    before = int(rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    wall_clock = int(time.time())
    assert int(rpc.call("evm_increaseTime", 3600), 16) >= 3600
    rpc.call("evm_mine")
    after = int(rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    # the clock moves an hour ahead of real time (blocks mined within one second may already
    # have run a second or two ahead of it, so measure from the wall clock)
    assert after >= wall_clock + 3600
    assert after - before <= 3600 + 60

    target = after + 1000
    assert rpc.call("evm_setNextBlockTimestamp", hex(target)) is True
    rpc.call("evm_mine")
    assert rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"] == hex(target)
    assert int(rpc.call("eth_call", {"to": address, "data": calldata("now()")}, "latest"), 16) \
        == target
    rpc.call("evm_mine")
    following = int(rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    assert target < following <= target + 60
    with pytest.raises(RpcCallError) as raised:
        rpc.call("evm_setNextBlockTimestamp", hex(following))
    assert raised.value.code == -32602
    rpc.call("evm_mine", hex(following + 500))
    assert rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"] == hex(following + 500)


def test_interval_mining():
    process = DevnetProcess("--block-time", "0.5")
    try:
        rpc = process.client()
        nonce = int(rpc.call("eth_getTransactionCount", DEV_ADDRESS_0, "pending"), 16)
        tx_hash = rpc.call("eth_sendRawTransaction", transfer(nonce, 50 * GWEI, GWEI))
        deadline = time.monotonic() + 10
        receipt = None
        while receipt is None and time.monotonic() < deadline:
            time.sleep(0.2)
            receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
        assert receipt is not None and receipt["status"] == "0x1"
        mined_in = int(receipt["blockNumber"], 16)
        deadline = time.monotonic() + 10
        while int(rpc.call("eth_blockNumber"), 16) < mined_in + 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert int(rpc.call("eth_blockNumber"), 16) >= mined_in + 2  # empty blocks keep coming
        rpc.close()
    finally:
        assert process.stop() == 0
