"""Multicall3 (mainnet's bytecode, at its mainnet address): aggregate3 and getters."""

import pytest
from eth_abi import decode, encode

from devnet.contracts import ContractError


def test_selector_is_multicall3s_and_it_sits_at_its_mainnet_address(dep):
    mc = dep.multicall3
    assert mc.address == "0xcA11bde05977b3631167028862bE2a173976CA11"
    assert len(mc.tester.get_code(mc.address)) > 2
    assert mc.encode("aggregate3", [])[:4].hex() == "82ad56cb"
    assert mc.encode("getEthBalance", dep.dev_accounts[0])[:4].hex() == "4d2301cc"


def test_aggregate3_with_a_failing_member(dep):
    mc = dep.multicall3
    usdc = dep.tokens["USDC"]
    router = dep.routers["uniswap-v2"]
    alice = dep.dev_accounts[0]
    good = (usdc.address, False, usdc.encode("balanceOf", alice))
    # transferFrom without allowance reverts inside the token
    bad = (usdc.address, True, usdc.encode("transferFrom", alice, alice, 1))
    quote = (router.address, False, router.encode("getAmountOut", 10**18, 10**21, 3 * 10**24))
    results = mc.call("aggregate3", [good, bad, quote])
    assert results[0] == (True, encode(["uint256"], [usdc.call("balanceOf", alice)]))
    ok, data = results[1]
    assert ok is False
    assert data[:4].hex() == "08c379a0"  # Error(string)
    assert decode(["string"], data[4:])[0] == "ERC20: insufficient allowance"
    assert results[2] == (True, encode(["uint256"], [router.call("getAmountOut", 10**18, 10**21, 3 * 10**24)]))

    with pytest.raises(ContractError, match="Multicall3: call failed"):
        mc.call("aggregate3", [good, (bad[0], False, bad[2])])


def test_aggregate3_500_calls_and_long_returns(dep):
    mc = dep.multicall3
    usdc = dep.tokens["USDC"]
    calls = [(usdc.address, False, usdc.encode("balanceOf", dep.dev_accounts[i % 10])) for i in range(500)]
    results = mc.call("aggregate3", calls)
    assert len(results) == 500 and all(ok for ok, _ in results)
    assert {decode(["uint256"], data)[0] for _, data in results} == {500_000 * 10**6}
    receipt = mc.transact("aggregate3", calls, sender=dep.dev_accounts[0], gas=25_000_000)
    print(f"\ngas: aggregate3 with 500 balanceOf calls {receipt['gas_used']}")
    # a 7-hop getAmountsOut returns 32 + 32 + 8*32 = 320 bytes (> 256)
    path = [dep.tokens[s].address for s in ("USDC", "WETH", "USDT", "USDC", "WETH", "LINK", "WETH", "DAI")][:7]
    router = dep.routers["uniswap-v2"]
    long_call = (router.address, False, router.encode("getAmountsOut", 10**6, path))
    ok, ret = mc.call("aggregate3", [long_call])[0]
    assert ok and len(ret) == 64 + 32 * len(path)
    assert list(decode(["uint256[]"], ret)[0]) == router.call("getAmountsOut", 10**6, path)


def test_getters(dep):
    mc = dep.multicall3
    tester = mc.tester
    block = tester.get_block_by_number("latest")
    assert mc.call("getBlockNumber") == block["number"]
    assert mc.call("getCurrentBlockTimestamp") >= block["timestamp"]
    assert mc.call("getBasefee") >= 0
    assert mc.call("getEthBalance", dep.dev_accounts[3]) == tester.get_balance(dep.dev_accounts[3])
