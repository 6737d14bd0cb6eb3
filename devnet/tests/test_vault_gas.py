"""Gas of one vault rebalance of 4 one-hop legs against the EOA way: 4 router swaps, each after an
exact approve. Both start from the same chain state and trade the same amounts for the same
outputs. Before the value bounds the target was a ratio of at most 0.55 (measured 0.547); the
bounds price and measure every allowlisted token on each call (about 20k gas fixed plus 10k per
token: 5 here), which puts the traded-pairs ratio at 0.67, so the target is now 0.70."""

import pytest
from eth_utils import to_checksum_address

from devnet import fixtures, vault_fixture

TARGET_RATIO = 0.70
LEGS = [("uniswap-v2", "USDC"), ("uniswap-v2", "USDT"), ("sushiswap", "DAI"), ("uniswap-v2", "WBTC")]
AMOUNT_IN = 10**18  # WETH per leg


@pytest.fixture(scope="module")
def env():
    tester = fixtures.make_tester()
    dep = fixtures.deploy_all(tester)
    names = dep.summary()
    accounts = [to_checksum_address(a) for a in tester.get_accounts()]
    owner, operator, trader = accounts[1], accounts[2], accounts[4]
    # only the five tokens the legs trade: every allowlisted token is priced on each call
    vault = vault_fixture.vault_contract(tester, vault_fixture.deploy_vault(
        tester, names, owner, operator, symbols=["WETH", "USDC", "USDT", "DAI", "WBTC"]))
    for sym in ("WETH", "USDC", "USDT", "DAI", "WBTC"):  # both holders start with non-zero balances
        whole = 5 if sym == "WETH" else 1
        dep.tokens[sym].transact("transfer", vault.address, whole * 10 ** fixtures.TOKENS[sym][2], sender=owner)
    # a small vault trading most of itself: only the value limits' size caps are opened (the checks
    # still run and cost their gas)
    vault.transact("setLimits", 10_000, 100, 100, 10_000, sender=owner)
    return tester, dep, names, vault, operator, trader


def pair_of(names, dex, a, b):
    return names.get(f"{dex}.{a}-{b}") or names[f"{dex}.{b}-{a}"]


def measure(env) -> tuple[int, int]:
    """(vault gas, router gas) for the 4 legs from the current state; the state is restored."""
    tester, dep, names, vault, operator, trader = env
    weth = dep.tokens["WETH"]
    deadline = 2**40
    snapshot = tester.take_snapshot()

    router_gas, router_outputs = 0, []
    for dex, sym in LEGS:
        router = dep.routers[dex]
        path = [weth.address, dep.tokens[sym].address]
        out = router.call("getAmountsOut", AMOUNT_IN, path)[-1]
        router_gas += weth.transact("approve", router.address, AMOUNT_IN, sender=trader)["gas_used"]
        before = dep.tokens[sym].call("balanceOf", trader)
        router_gas += router.transact("swapExactTokensForTokens", AMOUNT_IN, out, path, trader, deadline,
                                      sender=trader)["gas_used"]
        assert dep.tokens[sym].call("balanceOf", trader) - before == out
        router_outputs.append(out)
    tester.revert_to_snapshot(snapshot)

    steps, min_received = [], []
    for (dex, sym), out in zip(LEGS, router_outputs):
        steps.append((pair_of(names, dex, "WETH", sym), weth.address, dep.tokens[sym].address, AMOUNT_IN, out))
        min_received.append((dep.tokens[sym].address, out))
    before = [dep.tokens[sym].call("balanceOf", vault.address) for _, sym in LEGS]
    vault_gas = vault.transact("rebalance", steps, min_received, deadline, sender=operator)["gas_used"]
    after = [dep.tokens[sym].call("balanceOf", vault.address) for _, sym in LEGS]
    assert [a - b for a, b in zip(after, before)] == router_outputs  # same trades, same outputs
    tester.revert_to_snapshot(snapshot)
    return vault_gas, router_gas


def test_vault_batch_of_four_legs_against_four_approved_router_swaps(env):
    tester, dep, names, _vault, _operator, _trader = env
    # 1. the fixtures' fresh pairs: each first swap also writes the pair's price accumulators from
    #    zero (2 x 20k gas per pair, paid by both ways), which dilutes the vault's saving
    fresh_vault, fresh_router = measure(env)
    # 2. pairs that have traded before, as on any live chain: another account swaps a little
    #    through each pair first, in an earlier block
    other = to_checksum_address(tester.get_accounts()[5])
    weth = dep.tokens["WETH"]
    for dex, sym in LEGS:
        router = dep.routers[dex]
        weth.transact("approve", router.address, 2**256 - 1, sender=other)
        router.transact("swapExactTokensForTokens", 10**15, 0, [weth.address, dep.tokens[sym].address], other,
                        2**40, sender=other)
    tester.mine_blocks(1)
    live_vault, live_router = measure(env)

    print(f"\nfresh pairs:  vault rebalance of 4 legs {fresh_vault} gas; 4 x (approve + router swap) "
          f"{fresh_router} gas; ratio {fresh_vault / fresh_router:.3f}")
    print(f"traded pairs: vault rebalance of 4 legs {live_vault} gas; 4 x (approve + router swap) "
          f"{live_router} gas; ratio {live_vault / live_router:.3f} (target <= {TARGET_RATIO})")
    assert live_vault / live_router <= TARGET_RATIO
    # on fresh pairs the accumulators' 160k gas common to both ways puts the target out of reach:
    # the bound here guards against regressions of the vault's own overhead
    assert fresh_vault / fresh_router <= 0.75
    assert fresh_vault - live_vault == fresh_router - live_router  # the difference is the pairs' alone
