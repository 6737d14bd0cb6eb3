"""Uniswap-V2-compatible factory, pair and router: integer math, invariant, routing, reverts."""

import math
import random

import pytest

from devnet import fixtures
from devnet.oracles import uniswap_v2_amount_in as amount_in
from devnet.oracles import uniswap_v2_amount_out as amount_out
from devnet.contracts import Contract, ContractError

pytestmark = pytest.mark.usefixtures("dep_snapshot")

DEADLINE = 2**255


def pair(dep, dex: str, a: str, b: str) -> Contract:
    address = dep.factories[dex].call("getPair", dep.tokens[a].address, dep.tokens[b].address)
    return dep.pair(address)


def reserves_for(dep, p: Contract, token_in: str) -> tuple[int, int]:
    r0, r1, _ = p.call("getReserves")
    return (r0, r1) if p.call("token0") == dep.tokens[token_in].address else (r1, r0)


def approve(dep, sym: str, owner: str, spender: str):
    token = dep.tokens[sym]
    if token.call("allowance", owner, spender) == 0:
        token.transact("approve", spender, 2**256 - 1, sender=owner)


def test_router_quote_functions_equal_the_formula(dep):
    router = dep.routers["uniswap-v2"]
    rng = random.Random(7)
    for _ in range(40):
        r_in = rng.randrange(10**3, 10**30)
        r_out = rng.randrange(10**3, 10**30)
        a_in = rng.randrange(1, r_in)
        assert router.call("getAmountOut", a_in, r_in, r_out) == amount_out(a_in, r_in, r_out)
        a_out = rng.randrange(1, r_out)
        assert router.call("getAmountIn", a_out, r_in, r_out) == amount_in(a_out, r_in, r_out)
        assert router.call("quote", a_in, r_in, r_out) == a_in * r_out // r_in
    with pytest.raises(ContractError, match="INSUFFICIENT_INPUT_AMOUNT"):
        router.call("getAmountOut", 0, 10, 10)
    with pytest.raises(ContractError, match="INSUFFICIENT_LIQUIDITY"):
        router.call("getAmountIn", 1, 0, 10)


def test_factory_pairs(dep):
    factory = dep.factories["uniswap-v2"]
    weth, usdc = dep.tokens["WETH"].address, dep.tokens["USDC"].address
    p = factory.call("getPair", weth, usdc)
    assert p == factory.call("getPair", usdc, weth) != "0x" + "00" * 20
    n = factory.call("allPairsLength")
    assert n == sum(1 for spec in fixtures.CONSTANT_PRODUCT_POOLS if spec[0] == "uniswap-v2")
    assert p in [factory.call("allPairs", i) for i in range(n)]
    pc = pair(dep, "uniswap-v2", "WETH", "USDC")
    assert int(pc.call("token0"), 16) < int(pc.call("token1"), 16)
    assert pc.call("factory") == factory.address
    with pytest.raises(ContractError, match="PAIR_EXISTS"):
        factory.transact("createPair", usdc, weth, sender=fixtures.DEPLOYER_ADDRESS)
    with pytest.raises(ContractError, match="IDENTICAL_ADDRESSES"):
        factory.transact("createPair", usdc, usdc, sender=fixtures.DEPLOYER_ADDRESS)
    # LINK is only paired with WETH
    for dex in fixtures.CONSTANT_PRODUCT_DEXES:
        for other in ("USDC", "USDT", "DAI", "WBTC"):
            assert int(dep.factories[dex].call("getPair", dep.tokens["LINK"].address, dep.tokens[other].address), 16) == 0


def test_first_mint_locks_minimum_liquidity(dep):
    p = pair(dep, "uniswap-v2", "WETH", "USDC")
    r0, r1, _ = p.call("getReserves")
    assert p.call("totalSupply") == math.isqrt(r0 * r1)
    assert p.call("balanceOf", "0x" + "00" * 20) == 1000 == p.call("MINIMUM_LIQUIDITY")
    assert p.call("balanceOf", fixtures.DEPLOYER_ADDRESS) == math.isqrt(r0 * r1) - 1000


def test_pair_swap_k_invariant_is_exactly_the_fee_formula(dep):
    trader = dep.dev_accounts[1]
    p = pair(dep, "uniswap-v2", "WETH", "USDC")
    usdc = dep.tokens["USDC"]
    weth_is_0 = p.call("token0") == dep.tokens["WETH"].address
    r_usdc, r_weth = reserves_for(dep, p, "USDC")
    k_before = r_usdc * r_weth
    a_in = 25_000 * 10**6
    out = amount_out(a_in, r_usdc, r_weth)
    usdc.transact("transfer", p.address, a_in, sender=trader)
    args_too_much = (out + 1, 0) if weth_is_0 else (0, out + 1)
    with pytest.raises(ContractError, match="UniswapV2: K"):
        p.transact("swap", *args_too_much, trader, b"", sender=trader)
    args = (out, 0) if weth_is_0 else (0, out)
    weth_before = dep.tokens["WETH"].call("balanceOf", trader)
    receipt = p.transact("swap", *args, trader, b"", sender=trader)
    assert dep.tokens["WETH"].call("balanceOf", trader) == weth_before + out
    r_usdc2, r_weth2 = reserves_for(dep, p, "USDC")
    assert (r_usdc2, r_weth2) == (r_usdc + a_in, r_weth - out)
    assert r_usdc2 * r_weth2 >= k_before
    assert r_usdc2 == usdc.call("balanceOf", p.address)
    assert len(receipt["logs"]) == 3  # Transfer, Sync, Swap
    with pytest.raises(ContractError, match="INSUFFICIENT_INPUT_AMOUNT"):
        p.transact("swap", *args, trader, b"", sender=trader)
    with pytest.raises(ContractError, match="INSUFFICIENT_OUTPUT_AMOUNT"):
        p.transact("swap", 0, 0, trader, b"", sender=trader)


def test_skim_and_sync(dep):
    trader = dep.dev_accounts[2]
    p = pair(dep, "sushiswap", "WETH", "DAI")
    dai = dep.tokens["DAI"]
    r_dai, r_weth = reserves_for(dep, p, "DAI")
    dai.transact("transfer", p.address, 123, sender=trader)
    before = dai.call("balanceOf", trader)
    p.transact("skim", trader, sender=trader)
    assert dai.call("balanceOf", trader) == before + 123
    dai.transact("transfer", p.address, 77, sender=trader)
    p.transact("sync", sender=trader)
    assert reserves_for(dep, p, "DAI") == (r_dai + 77, r_weth)


def test_price_accumulators(dep):
    tester = dep.tokens["WETH"].tester
    p = pair(dep, "uniswap-v2", "WBTC", "USDC")
    r0, r1, ts = p.call("getReserves")
    c0, c1 = p.call("price0CumulativeLast"), p.call("price1CumulativeLast")
    tester.time_travel(ts + 1000)
    p.transact("sync", sender=dep.dev_accounts[0])
    _, _, ts2 = p.call("getReserves")
    elapsed = ts2 - ts
    assert elapsed >= 1000
    assert p.call("price0CumulativeLast") == c0 + (r1 << 112) // r0 * elapsed
    assert p.call("price1CumulativeLast") == c1 + (r0 << 112) // r1 * elapsed


def test_router_multi_hop_exact_in(dep):
    trader = dep.dev_accounts[3]
    router = dep.routers["uniswap-v2"]
    path_syms = ["LINK", "WETH", "USDC"]
    path = [dep.tokens[s].address for s in path_syms]
    a_in = 1_000 * 10**18
    expected = [a_in]
    for x, y in zip(path_syms, path_syms[1:]):
        expected.append(amount_out(expected[-1], *reserves_for(dep, pair(dep, "uniswap-v2", x, y), x)))
    assert router.call("getAmountsOut", a_in, path) == expected
    approve(dep, "LINK", trader, router.address)
    usdc_before = dep.tokens["USDC"].call("balanceOf", trader)
    assert router.call("swapExactTokensForTokens", a_in, expected[-1], path, trader, DEADLINE, sender=trader) == expected
    receipt = router.transact("swapExactTokensForTokens", a_in, expected[-1], path, trader, DEADLINE, sender=trader)
    assert dep.tokens["USDC"].call("balanceOf", trader) == usdc_before + expected[-1]
    print(f"\ngas: router 2-hop exact-in swap {receipt['gas_used']}")
    with pytest.raises(ContractError, match="UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT"):
        router.call("swapExactTokensForTokens", a_in, 10**30, path, trader, DEADLINE, sender=trader)
    with pytest.raises(ContractError, match="UniswapV2Router: EXPIRED"):
        router.call("swapExactTokensForTokens", a_in, 0, path, trader, 1, sender=trader)


def test_router_single_hop_gas_and_usdt(dep):
    trader = dep.dev_accounts[4]
    router = dep.routers["uniswap-v2"]
    path = [dep.tokens["USDT"].address, dep.tokens["WETH"].address]
    approve(dep, "USDT", trader, router.address)
    a_in = 3_000 * 10**6
    expected = amount_out(a_in, *reserves_for(dep, pair(dep, "uniswap-v2", "USDT", "WETH"), "USDT"))
    weth_before = dep.tokens["WETH"].call("balanceOf", trader)
    receipt = router.transact("swapExactTokensForTokens", a_in, 0, path, trader, DEADLINE, sender=trader)
    assert dep.tokens["WETH"].call("balanceOf", trader) == weth_before + expected
    print(f"\ngas: router 1-hop exact-in swap {receipt['gas_used']}")
    # and back: USDT (no bool) as the output token
    approve(dep, "WETH", trader, router.address)
    usdt_before = dep.tokens["USDT"].call("balanceOf", trader)
    amounts = router.call("getAmountsOut", 10**18, path[::-1])
    router.transact("swapExactTokensForTokens", 10**18, 0, path[::-1], trader, DEADLINE, sender=trader)
    assert dep.tokens["USDT"].call("balanceOf", trader) == usdt_before + amounts[-1]


def test_router_exact_out_multi_hop(dep):
    trader = dep.dev_accounts[5]
    router = dep.routers["sushiswap"]
    path_syms = ["LINK", "WETH", "USDC"]
    path = [dep.tokens[s].address for s in path_syms]
    want = 2_500 * 10**6
    expected = [want]
    for x, y in reversed(list(zip(path_syms, path_syms[1:]))):
        expected.insert(0, amount_in(expected[0], *reserves_for(dep, pair(dep, "sushiswap", x, y), x)))
    assert router.call("getAmountsIn", want, path) == expected
    approve(dep, "LINK", trader, router.address)
    link_before = dep.tokens["LINK"].call("balanceOf", trader)
    usdc_before = dep.tokens["USDC"].call("balanceOf", trader)
    with pytest.raises(ContractError, match="EXCESSIVE_INPUT_AMOUNT"):
        router.call("swapTokensForExactTokens", want, expected[0] - 1, path, trader, DEADLINE, sender=trader)
    router.transact("swapTokensForExactTokens", want, expected[0], path, trader, DEADLINE, sender=trader)
    assert dep.tokens["USDC"].call("balanceOf", trader) == usdc_before + want
    assert dep.tokens["LINK"].call("balanceOf", trader) == link_before - expected[0]


def test_router_eth_swaps(dep):
    trader = dep.dev_accounts[6]
    tester = dep.tokens["WETH"].tester
    router = dep.routers["uniswap-v2"]
    weth, dai, usdc = (dep.tokens[s].address for s in ("WETH", "DAI", "USDC"))
    amounts = router.call("getAmountsOut", 10**18, [weth, usdc])
    usdc_before = dep.tokens["USDC"].call("balanceOf", trader)
    router.transact("swapExactETHForTokens", 0, [weth, usdc], trader, DEADLINE, sender=trader, value=10**18)
    assert dep.tokens["USDC"].call("balanceOf", trader) == usdc_before + amounts[-1]
    with pytest.raises(ContractError, match="INVALID_PATH"):
        router.call("swapExactETHForTokens", 0, [usdc, weth], trader, DEADLINE, sender=trader, value=10**18)

    approve(dep, "DAI", trader, router.address)
    path = [dai, usdc, weth]
    amounts = router.call("getAmountsOut", 5_000 * 10**18, path)
    eth_before = tester.get_balance(trader)
    receipt = router.transact("swapExactTokensForETH", 5_000 * 10**18, amounts[-1], path, trader, DEADLINE, sender=trader)
    cost = receipt["gas_used"] * receipt["effective_gas_price"]
    assert tester.get_balance(trader) == eth_before + amounts[-1] - cost


def test_add_and_remove_liquidity(dep):
    lp = dep.dev_accounts[7]
    router = dep.routers["uniswap-v2"]
    p = pair(dep, "uniswap-v2", "DAI", "USDC")
    dai, usdc = dep.tokens["DAI"].address, dep.tokens["USDC"].address
    approve(dep, "DAI", lp, router.address)
    approve(dep, "USDC", lp, router.address)
    r_dai, r_usdc = reserves_for(dep, p, "DAI")
    supply = p.call("totalSupply")
    want_dai, want_usdc = 10_000 * 10**18, 20_000 * 10**6
    a_dai, a_usdc, liquidity = router.call("addLiquidity", dai, usdc, want_dai, want_usdc, 0, 0, lp, DEADLINE, sender=lp)
    assert a_dai == want_dai and a_usdc == want_dai * r_usdc // r_dai  # quote() picks the USDC side
    assert liquidity == min(a_dai * supply // r_dai, a_usdc * supply // r_usdc)
    router.transact("addLiquidity", dai, usdc, want_dai, want_usdc, 0, 0, lp, DEADLINE, sender=lp)
    assert p.call("balanceOf", lp) == liquidity

    p.transact("approve", router.address, liquidity, sender=lp)
    dai_before = dep.tokens["DAI"].call("balanceOf", lp)
    out_dai, out_usdc = router.call("removeLiquidity", dai, usdc, liquidity, 0, 0, lp, DEADLINE, sender=lp)
    router.transact("removeLiquidity", dai, usdc, liquidity, 0, 0, lp, DEADLINE, sender=lp)
    assert dep.tokens["DAI"].call("balanceOf", lp) == dai_before + out_dai
    # rounding down only: LP units are coarse against DAI wei, so allow 1e-9 relative
    assert 0 <= a_dai - out_dai <= a_dai // 10**9 and 0 <= a_usdc - out_usdc <= a_usdc // 10**9 + 1
    assert p.call("balanceOf", lp) == 0


FLASH_BORROWER = """
# pragma version 0.4.3
interface IERC20:
    def transfer(to: address, amount: uint256) -> bool: nonpayable

token: public(address)
repay: public(uint256)
seen: public(uint256)

@deploy
def __init__(_token: address, _repay: uint256):
    self.token = _token
    self.repay = _repay

@external
def uniswapV2Call(sender: address, amount0: uint256, amount1: uint256, data: Bytes[4096]):
    # holds the borrowed tokens here; pays back `repay` of the same token to the pair
    self.seen = amount0 + amount1
    extcall IERC20(self.token).transfer(msg.sender, self.repay)
"""


@pytest.mark.parametrize("extra,ok", [(0, True), (-1, False)])
def test_flash_swap_callback_and_fee(dep, extra, ok):
    trader = dep.dev_accounts[8]
    p = pair(dep, "uniswap-v2", "DAI", "USDC")
    dai = dep.tokens["DAI"]
    borrow = 1_000 * 10**18
    repay = borrow * 1000 // 997 + 1 + extra  # borrowed token repaid: the 0.3 % fee on the repayment
    tester = dai.tester
    borrower = fixtures.contracts.deploy(tester, fixtures.contracts.compile_source("FlashBorrower", FLASH_BORROWER),
                                         dai.address, repay, sender=trader)
    dai.transact("transfer", borrower.address, 10 * 10**18, sender=trader)  # to pay the fee
    dai_is_0 = p.call("token0") == dai.address
    args = (borrow, 0) if dai_is_0 else (0, borrow)
    if ok:
        p.transact("swap", *args, borrower.address, b"\x01", sender=trader)
        assert borrower.call("seen") == borrow
        assert dai.call("balanceOf", borrower.address) == 10 * 10**18 + borrow - repay
    else:
        with pytest.raises(ContractError, match="UniswapV2: K"):
            p.transact("swap", *args, borrower.address, b"\x01", sender=trader)
