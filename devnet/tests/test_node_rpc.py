"""The devnet's JSON-RPC methods, over real HTTP against a `python -m devnet --bare` subprocess."""

import pytest
from eth_account import Account

from devnet.node_testing import (
    DEV_ADDRESS_0,
    DEV_ADDRESS_1,
    DEV_KEY_0,
    GWEI,
    RpcCallError,
    calldata,
    compile_probe_contract,
    sign,
)

ETHER = 10**18


# Each test starts from the same chain: snapshot before, revert after.
pytestmark = pytest.mark.usefixtures("rpc_snapshot")


@pytest.fixture(scope="module")
def probe_code():
    return compile_probe_contract()


def nonce_of(rpc, address, tag="latest"):
    return int(rpc.call("eth_getTransactionCount", address, tag), 16)


def send_type2(rpc, to=DEV_ADDRESS_1, value=1, data="0x", gas=21000, tip=GWEI, key=DEV_KEY_0,
               nonce=None, max_fee=None):
    sender = Account.from_key(key).address
    raw = sign(
        key, type=2, nonce=nonce_of(rpc, sender, "pending") if nonce is None else nonce, to=to,
        value=value, data=data, gas=gas, maxPriorityFeePerGas=tip,
        maxFeePerGas=max_fee if max_fee is not None else 100 * GWEI,
    )
    return rpc.call("eth_sendRawTransaction", raw)


def deploy_probe(rpc, probe_code):
    tx_hash = send_type2(rpc, to=None, data="0x" + probe_code.hex(), gas=1_000_000, value=0)
    receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1"
    return receipt["contractAddress"]


def test_identity_and_accounts(rpc):
    assert rpc.call("eth_chainId") == "0x7a69"
    assert rpc.call("net_version") == "31337"
    assert "py-evm" in rpc.call("web3_clientVersion")
    accounts = rpc.call("eth_accounts")
    assert len(accounts) == 10
    assert accounts[0] == DEV_ADDRESS_0.lower()
    assert accounts[1] == DEV_ADDRESS_1.lower()
    for account in accounts:
        assert int(rpc.call("eth_getBalance", account, "latest"), 16) == 10_000 * ETHER


def test_blocks_by_number_and_hash(rpc):
    send_type2(rpc)
    number = int(rpc.call("eth_blockNumber"), 16)
    assert number >= 1
    latest = rpc.call("eth_getBlockByNumber", "latest", False)
    assert int(latest["number"], 16) == number
    assert int(latest["baseFeePerGas"], 16) > 0
    assert int(latest["timestamp"], 16) > 1_600_000_000
    assert len(latest["transactions"]) == 1 and isinstance(latest["transactions"][0], str)
    full = rpc.call("eth_getBlockByNumber", hex(number), True)
    assert full["hash"] == latest["hash"]
    assert full["transactions"][0]["hash"] == latest["transactions"][0]
    assert full["transactions"][0]["blockNumber"] == hex(number)
    by_hash = rpc.call("eth_getBlockByHash", latest["hash"], True)
    assert by_hash == full
    parent = rpc.call("eth_getBlockByHash", latest["parentHash"], False)
    assert int(parent["number"], 16) == number - 1
    assert rpc.call("eth_getBlockByNumber", hex(number + 100), False) is None
    assert rpc.call("eth_getBlockByHash", "0x" + "11" * 32, False) is None
    assert rpc.call("eth_getBlockByNumber", "earliest", False)["number"] == "0x0"


def test_base_fee_follows_eip1559(rpc):
    send_type2(rpc)
    for _ in range(3):
        rpc.call("evm_mine")
    head = int(rpc.call("eth_blockNumber"), 16)
    for number in range(head - 3, head + 1):
        parent = rpc.call("eth_getBlockByNumber", hex(number - 1), False)
        block = rpc.call("eth_getBlockByNumber", hex(number), False)
        base, used, limit = (int(parent[k], 16) for k in ("baseFeePerGas", "gasUsed", "gasLimit"))
        target = limit // 2
        if used == target:
            expected = base
        elif used > target:
            expected = base + max(base * (used - target) // target // 8, 1)
        else:
            expected = base - base * (target - used) // target // 8
        assert int(block["baseFeePerGas"], 16) == expected
    assert int(rpc.call("eth_getBlockByNumber", "latest", False)["baseFeePerGas"], 16) > 0


def test_type2_transfer_receipt_and_balances(rpc):
    before_sender = int(rpc.call("eth_getBalance", DEV_ADDRESS_0, "latest"), 16)
    before_receiver = int(rpc.call("eth_getBalance", DEV_ADDRESS_1, "latest"), 16)
    nonce = nonce_of(rpc, DEV_ADDRESS_0)
    tx_hash = send_type2(rpc, value=12345, tip=2 * GWEI)
    receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
    block = rpc.call("eth_getBlockByNumber", receipt["blockNumber"], False)
    base_fee = int(block["baseFeePerGas"], 16)
    assert receipt["status"] == "0x1"
    assert receipt["gasUsed"] == hex(21000)
    assert int(receipt["effectiveGasPrice"], 16) == base_fee + 2 * GWEI
    assert receipt["contractAddress"] is None and receipt["logs"] == []
    assert receipt["type"] == "0x2"
    cost = 21000 * (base_fee + 2 * GWEI) + 12345
    assert int(rpc.call("eth_getBalance", DEV_ADDRESS_0, "latest"), 16) == before_sender - cost
    assert int(rpc.call("eth_getBalance", DEV_ADDRESS_1, "latest"), 16) == before_receiver + 12345
    assert nonce_of(rpc, DEV_ADDRESS_0) == nonce + 1
    tx = rpc.call("eth_getTransactionByHash", tx_hash)
    assert tx["from"] == DEV_ADDRESS_0.lower() and tx["to"] == DEV_ADDRESS_1.lower()
    assert tx["maxPriorityFeePerGas"] == hex(2 * GWEI) and tx["blockHash"] == block["hash"]
    assert int(tx["nonce"], 16) == nonce
    # balance of the previous block is still the old one: state is per block
    previous = hex(int(receipt["blockNumber"], 16) - 1)
    assert int(rpc.call("eth_getBalance", DEV_ADDRESS_0, previous), 16) == before_sender


def test_legacy_and_access_list_transactions(rpc):
    nonce = nonce_of(rpc, DEV_ADDRESS_0)
    legacy = sign(DEV_KEY_0, nonce=nonce, to=DEV_ADDRESS_1, value=1, gas=21000,
                  gasPrice=3 * GWEI)
    legacy_hash = rpc.call("eth_sendRawTransaction", legacy)
    typed1 = sign(DEV_KEY_0, type=1, nonce=nonce + 1, to=DEV_ADDRESS_1, value=1, gas=30000,
                  gasPrice=3 * GWEI, accessList=[{"address": DEV_ADDRESS_1, "storageKeys": []}])
    typed1_hash = rpc.call("eth_sendRawTransaction", typed1)
    tx0 = rpc.call("eth_getTransactionByHash", legacy_hash)
    tx1 = rpc.call("eth_getTransactionByHash", typed1_hash)
    assert tx0["type"] == "0x0" and tx0["gasPrice"] == hex(3 * GWEI) and tx0["chainId"] == "0x7a69"
    assert int(tx0["v"], 16) in (31337 * 2 + 35, 31337 * 2 + 36)
    assert tx1["type"] == "0x1" and tx1["accessList"][0]["address"] == DEV_ADDRESS_1.lower()
    for tx_hash in (legacy_hash, typed1_hash):
        receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
        assert receipt["status"] == "0x1" and receipt["effectiveGasPrice"] == hex(3 * GWEI)
    assert nonce_of(rpc, DEV_ADDRESS_0) == nonce + 2


def test_contract_code_storage_logs_and_calls(rpc, probe_code):
    address = deploy_probe(rpc, probe_code)
    assert len(rpc.call("eth_getCode", address, "latest")) > 10
    assert rpc.call("eth_getCode", DEV_ADDRESS_1, "latest") == "0x"
    deployed_at = int(rpc.call("eth_blockNumber"), 16)

    tx_hash = send_type2(rpc, to=address, data=calldata("store(uint256)", 77), gas=100_000,
                         value=0)
    receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1"
    (log,) = receipt["logs"]
    assert log["address"] == address
    assert log["topics"][1] == "0x" + "00" * 12 + DEV_ADDRESS_0.lower()[2:]
    assert int(log["data"], 16) == 77
    assert log["transactionHash"] == tx_hash and log["logIndex"] == "0x0"

    slot0 = rpc.call("eth_getStorageAt", address, "0x0", "latest")
    assert int(slot0, 16) == 77 and len(slot0) == 66
    read = calldata("stored()")
    assert int(rpc.call("eth_call", {"to": address, "data": read}, "latest"), 16) == 77
    # eth_call at an older block sees that block's state
    assert int(rpc.call("eth_call", {"to": address, "data": read}, hex(deployed_at)), 16) == 0
    assert int(rpc.call("eth_call", {"to": address, "input": read},
                        {"blockNumber": hex(deployed_at)}), 16) == 0

    topic0 = rpc.call("eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest",
                                      "address": address})[0]["topics"][0]
    found = rpc.call("eth_getLogs", {"fromBlock": hex(deployed_at), "toBlock": "latest",
                                     "address": [address], "topics": [topic0]})
    assert [entry["transactionHash"] for entry in found] == [tx_hash]
    assert rpc.call("eth_getLogs", {"fromBlock": hex(deployed_at), "toBlock": hex(deployed_at),
                                    "address": address}) == []
    assert rpc.call("eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest",
                                    "topics": [topic0, "0x" + "00" * 32]}) == []
    assert rpc.call("eth_getLogs", {"blockHash": receipt["blockHash"]}) == found


def test_revert_data_like_geth(rpc, probe_code):
    address = deploy_probe(rpc, probe_code)
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_call", {"from": DEV_ADDRESS_0, "to": address,
                              "data": calldata("store(uint256)", 13)}, "latest")
    assert raised.value.code == 3
    assert raised.value.message == "execution reverted: unlucky number"
    assert raised.value.data.startswith("0x08c379a0")
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_call", {"to": address, "data": calldata("custom_fail()")}, "latest")
    assert raised.value.code == 3
    assert raised.value.message == "execution reverted"
    assert raised.value.data == "0xdeadbeef"
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_estimateGas", {"from": DEV_ADDRESS_0, "to": address,
                                     "data": calldata("store(uint256)", 13)})
    assert raised.value.code == 3 and raised.value.data.startswith("0x08c379a0")
    # a reverting transaction still gets mined, with status 0
    tx_hash = send_type2(rpc, to=address, data=calldata("store(uint256)", 13), gas=100_000,
                         value=0)
    assert rpc.call("eth_getTransactionReceipt", tx_hash)["status"] == "0x0"


def test_estimate_gas_is_enough_and_tight(rpc, probe_code):
    address = deploy_probe(rpc, probe_code)
    assert rpc.call("eth_estimateGas", {"from": DEV_ADDRESS_0, "to": DEV_ADDRESS_1,
                                        "value": "0x1"}) == hex(21000)
    data = calldata("store(uint256)", 5)
    estimate = int(rpc.call("eth_estimateGas", {"from": DEV_ADDRESS_0, "to": address,
                                                "data": data}), 16)
    tx_hash = send_type2(rpc, to=address, data=data, gas=estimate, value=0)
    receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1"
    used = int(receipt["gasUsed"], 16)
    assert used <= estimate <= used * 1.3


def test_state_override_in_eth_call(rpc, probe_code):
    address = deploy_probe(rpc, probe_code)
    read = calldata("stored()")
    override = {address: {"stateDiff": {"0x" + "00" * 32: "0x" + "00" * 31 + "2a"}}}
    assert int(rpc.call("eth_call", {"to": address, "data": read}, "latest", override), 16) == 42
    assert int(rpc.call("eth_call", {"to": address, "data": read}, "latest"), 16) == 0
    stranger = "0x" + "ab" * 20
    balance = calldata("balance_of(address)", stranger)
    rich = {stranger: {"balance": hex(5 * ETHER)}}
    assert int(rpc.call("eth_call", {"to": address, "data": balance}, "latest", rich), 16) == 5 * ETHER
    # code override: run the probe's code at another address
    moved = {stranger: {"code": rpc.call("eth_getCode", address, "latest")}}
    assert rpc.call("eth_call", {"to": stranger, "data": read}, "latest", moved) == "0x" + "00" * 32


def test_fees(rpc):
    tip = int(rpc.call("eth_maxPriorityFeePerGas"), 16)
    assert tip > 0
    base = int(rpc.call("eth_getBlockByNumber", "pending", False)["baseFeePerGas"], 16)
    assert int(rpc.call("eth_gasPrice"), 16) == base + tip
    send_type2(rpc, tip=3 * GWEI)
    head = int(rpc.call("eth_blockNumber"), 16)
    history = rpc.call("eth_feeHistory", "0x2", "latest", [10, 50, 90])
    assert int(history["oldestBlock"], 16) == head - 1
    assert len(history["baseFeePerGas"]) == 3 and len(history["gasUsedRatio"]) == 2
    latest = rpc.call("eth_getBlockByNumber", "latest", False)
    assert history["baseFeePerGas"][1] == latest["baseFeePerGas"]
    assert history["baseFeePerGas"][2] == hex(base_fee_after(latest))
    assert history["gasUsedRatio"][1] == 21000 / int(latest["gasLimit"], 16)
    assert history["reward"][1] == [hex(3 * GWEI)] * 3
    assert rpc.call("eth_feeHistory", "0x1", "latest", [])["baseFeePerGas"][0] == \
        latest["baseFeePerGas"]


def base_fee_after(block) -> int:
    base, used, limit = (int(block[k], 16) for k in ("baseFeePerGas", "gasUsed", "gasLimit"))
    target = limit // 2
    if used > target:
        return base + max(base * (used - target) // target // 8, 1)
    return base - base * (target - used) // target // 8


def test_transaction_rejections(rpc):
    nonce = nonce_of(rpc, DEV_ADDRESS_0)
    first = sign(DEV_KEY_0, type=2, nonce=nonce, to=DEV_ADDRESS_1, value=1, gas=21000,
                 maxFeePerGas=100 * GWEI, maxPriorityFeePerGas=GWEI)
    rpc.call("eth_sendRawTransaction", first)
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_sendRawTransaction", first)
    assert (raised.value.code, raised.value.message) == (-32000, "already known")

    stale = sign(DEV_KEY_0, type=2, nonce=nonce, to=DEV_ADDRESS_1, value=2, gas=21000,
                 maxFeePerGas=100 * GWEI, maxPriorityFeePerGas=GWEI)
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_sendRawTransaction", stale)
    assert raised.value.code == -32000 and raised.value.message.startswith("nonce too low")

    pauper = Account.create()
    broke = sign(pauper.key.hex(), type=2, nonce=0, to=DEV_ADDRESS_1, value=1, gas=21000,
                 maxFeePerGas=100 * GWEI, maxPriorityFeePerGas=GWEI)
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_sendRawTransaction", broke)
    assert raised.value.code == -32000
    assert raised.value.message.startswith("insufficient funds for gas * price + value")

    wrong_chain = sign(DEV_KEY_0, type=2, chainId=1, nonce=nonce + 1, to=DEV_ADDRESS_1, value=1,
                       gas=21000, maxFeePerGas=100 * GWEI, maxPriorityFeePerGas=GWEI)
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_sendRawTransaction", wrong_chain)
    assert raised.value.code == -32000 and "chain id" in raised.value.message

    too_little_gas = sign(DEV_KEY_0, type=2, nonce=nonce + 1, to=DEV_ADDRESS_1, value=1,
                          gas=20000, maxFeePerGas=100 * GWEI, maxPriorityFeePerGas=GWEI)
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_sendRawTransaction", too_little_gas)
    assert raised.value.message.startswith("intrinsic gas too low")

    under_base_fee = sign(DEV_KEY_0, type=2, nonce=nonce + 1, to=DEV_ADDRESS_1, value=1,
                          gas=21000, maxFeePerGas=1, maxPriorityFeePerGas=1)
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_sendRawTransaction", under_base_fee)
    assert raised.value.message.startswith("max fee per gas less than block base fee")

    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_sendRawTransaction", "0x02deadbeef")
    assert raised.value.code == -32000
    assert nonce_of(rpc, DEV_ADDRESS_0) == nonce + 1


def test_invalid_params_and_unknown_methods(rpc):
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_getBalance", "0x1234", "latest")
    assert raised.value.code == -32602
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_getBalance", DEV_ADDRESS_0, "0xzz")
    assert raised.value.code == -32602
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_getBlockByNumber")
    assert raised.value.code == -32602
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_getBalance", DEV_ADDRESS_0, "0x99999")
    assert raised.value.code == -32000 and raised.value.message == "header not found"
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_signTypedData_v9")
    assert raised.value.code == -32601
    assert rpc.call("eth_getTransactionByHash", "0x" + "00" * 32) is None
    assert rpc.call("eth_getTransactionReceipt", "0x" + "00" * 32) is None


def test_send_transaction_from_a_dev_account(rpc, probe_code):
    address = deploy_probe(rpc, probe_code)
    tx_hash = rpc.call("eth_sendTransaction", {"from": DEV_ADDRESS_0, "to": address,
                                               "data": calldata("store(uint256)", 9)})
    receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1" and receipt["type"] == "0x2"
    assert int(rpc.call("eth_call", {"to": address, "data": calldata("stored()")}), 16) == 9
    legacy = rpc.call("eth_sendTransaction", {"from": DEV_ADDRESS_1, "to": DEV_ADDRESS_0,
                                              "value": "0x5", "gasPrice": hex(2 * GWEI)})
    assert rpc.call("eth_getTransactionByHash", legacy)["type"] == "0x0"
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_sendTransaction", {"from": "0x" + "12" * 20, "to": DEV_ADDRESS_0})
    assert raised.value.code == -32000 and "unknown account" in raised.value.message


def test_block_receipts_and_mining_many_blocks(rpc):
    tx_hash = send_type2(rpc)
    receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
    assert rpc.call("eth_getBlockReceipts", receipt["blockNumber"]) == [receipt]
    start = int(rpc.call("eth_blockNumber"), 16)
    head_time = int(rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    rpc.call("anvil_mine", "0x3", "0xc")
    assert int(rpc.call("eth_blockNumber"), 16) == start + 3
    last = int(rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    assert last - head_time >= 24


def test_estimate_gas_caps_a_priced_call_by_the_senders_funds(rpc):
    poor = Account.create()
    funding = send_type2(rpc, to=poor.address, value=21000 * 50 * GWEI + 7)
    assert rpc.call("eth_getTransactionReceipt", funding)["status"] == "0x1"
    # 30M gas at 50 gwei is more than it has, but the transfer itself fits: geth answers 21000
    estimate = rpc.call("eth_estimateGas", {"from": poor.address, "to": DEV_ADDRESS_1,
                                            "value": "0x7", "maxFeePerGas": hex(50 * GWEI)})
    assert estimate == hex(21000)
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_estimateGas", {"from": poor.address, "to": DEV_ADDRESS_1, "value": "0x8",
                                     "maxFeePerGas": hex(50 * GWEI)})
    assert raised.value.code == -32000 and "allowance" in raised.value.message
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_call", {"from": poor.address, "to": DEV_ADDRESS_1, "value": "0x7",
                              "gas": hex(21000), "gasPrice": hex(60 * GWEI)})
    assert raised.value.message.startswith("insufficient funds for gas * price + value")


def test_clock_and_nonce_limits(rpc):
    with pytest.raises(RpcCallError) as raised:
        rpc.call("evm_setNextBlockTimestamp", hex(2**64))
    assert raised.value.code == -32602
    with pytest.raises(RpcCallError) as raised:
        rpc.call("evm_increaseTime", hex(2**64))
    assert raised.value.code == -32602
    huge_nonce = sign(DEV_KEY_0, type=2, nonce=2**64 - 1, to=DEV_ADDRESS_1, value=1, gas=21000,
                      maxFeePerGas=100 * GWEI, maxPriorityFeePerGas=GWEI)
    with pytest.raises(RpcCallError) as raised:
        rpc.call("eth_sendRawTransaction", huge_nonce)
    assert raised.value.message == "nonce has max value"
