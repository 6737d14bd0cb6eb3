"""Balancer V2's real Vault and weighted pools (the 2021 and 2023 factories' bytecode) against the
project's one reference model, devnet/balancer_reference.py, to the wei: the 2021 factories' pools
as math version 1, the v4 factory's as version 2, reverts included."""

import random

import pytest
from eth_utils import keccak

from devnet import balancer_reference as ref
from devnet import fixtures
from devnet.contracts import ContractError

pytestmark = pytest.mark.usefixtures("dep_snapshot")

ONE = ref.ONE
# the reference's revert names as the vault's BAL# codes
BAL_CODE = {"MAX_IN_RATIO": "BAL#304", "MAX_OUT_RATIO": "BAL#305", "SUB_OVERFLOW": "BAL#001",
            "PRODUCT_OUT_OF_BOUNDS": "BAL#008", "X_OUT_OF_BOUNDS": "BAL#006", "Y_OUT_OF_BOUNDS": "BAL#007",
            "INVALID_EXPONENT": "BAL#009", "ZERO_DIVISION": "BAL#004", "DIV_INTERNAL": "BAL#005",
            "MUL_OVERFLOW": "BAL#003", "ADD_OVERFLOW": "BAL#000"}


# ----------------------------------------------------------------------------- on-chain

DEADLINE = 2**255
GIVEN_IN, GIVEN_OUT = 0, 1


def pool_named(dep, name: str) -> dict:
    return next(p for p in dep.weighted_pools if p["name"] == name)


def pool_contract(dep, info):
    return dep.weighted_pool(info["address"])


def pid(info) -> bytes:
    return bytes.fromhex(info["poolId"][2:])


def decimals(sym):
    return fixtures.TOKENS[sym][2]


def sym_of(dep, address):
    return next(s for s, t in dep.tokens.items() if t.address == address)


def expected_swap(dep, info, kind, sym_in, sym_out, amount):
    tokens, balances, _ = dep.vault.call("getPoolTokens", pid(info))
    i, j = tokens.index(dep.tokens[sym_in].address), tokens.index(dep.tokens[sym_out].address)
    weights = pool_contract(dep, info).call("getNormalizedWeights")
    fee = pool_contract(dep, info).call("getSwapFeePercentage")
    return ref.on_swap("givenIn" if kind == GIVEN_IN else "givenOut", amount, balances, weights,
                       [decimals(s) for s in info["tokens"]], fee, i, j, info["mathVersion"])


def funds(account):
    return (account, False, account, False)


def approve_vault(dep, account, *syms):
    for s in syms:
        if dep.tokens[s].call("allowance", account, dep.vault.address) == 0:
            dep.tokens[s].transact("approve", dep.vault.address, 2**256 - 1, sender=account)


def test_pool_views_and_registration(dep):
    vault = dep.vault
    for info in dep.weighted_pools:
        pool = pool_contract(dep, info)
        assert pool.call("getVault") == vault.address
        assert "0x" + pool.call("getPoolId").hex() == info["poolId"]
        n = len(info["tokens"])
        assert vault.call("getPool", pid(info)) == (info["address"], 2 if n == 2 else 1)
        # Balancer's pool id layout: address | specialization (2 bytes) | nonce (10 bytes)
        assert info["poolId"][:42].lower() == info["address"].lower()
        tokens, balances, last_change = vault.call("getPoolTokens", pid(info))
        assert tokens == [dep.tokens[s].address for s in info["tokens"]]
        assert tokens == sorted(tokens, key=lambda a: int(a, 16))
        assert all(b > 0 for b in balances) and last_change > 0
        weights = pool.call("getNormalizedWeights")
        assert sum(weights) == ONE and weights == info["weights"]
        assert pool.call("getSwapFeePercentage") == info["swapFee"]
    with pytest.raises(ContractError, match="BAL#500"):
        vault.call("getPoolTokens", b"\x01" * 32)


def test_seeded_prices_are_realistic(dep):
    info = pool_named(dep, "WETH-WBTC-USDC-40-30-30")
    tokens, balances, _ = dep.vault.call("getPoolTokens", pid(info))
    value = {sym_of(dep, t): b / 10 ** decimals(sym_of(dep, t)) for t, b in zip(tokens, balances)}
    w = dict(zip(info["tokens"], (x / ONE for x in info["weights"])))
    spot_weth = (value["USDC"] / w["USDC"]) / (value["WETH"] / w["WETH"])
    spot_wbtc = (value["USDC"] / w["USDC"]) / (value["WBTC"] / w["WBTC"])
    assert 2950 < spot_weth < 3050 and 59000 < spot_wbtc < 61000


def query(dep, info, kind, i, j, amount):
    """The vault's queryBatchSwap of one step: (amount in, amount out), or the BAL# code it reverts with."""
    assets = [dep.tokens[s].address for s in info["tokens"]]
    try:
        deltas = dep.vault.call("queryBatchSwap", kind, [(pid(info), i, j, amount, b"")], assets,
                                funds(dep.dev_accounts[0]))
    except ContractError as err:
        return str(err).split("BAL#")[1][:3] if "BAL#" in str(err) else str(err)
    return deltas[i], -deltas[j]


def random_amount(rng, balance, kind, fee):
    """Dust, ordinary sizes, and amounts around the 30 % ratio limit (both sides of it)."""
    mode = rng.random()
    if mode < 0.15:
        target = balance * 3 // 10
        if kind == GIVEN_IN:
            target = target * ONE // (ONE - fee)
        return max(1, target + rng.randint(-3, 3) * max(1, balance // 10**6))
    if mode < 0.22:
        return rng.randint(1, 1000)
    return max(1, int(balance * 10 ** rng.uniform(-9, -0.55)))


@pytest.mark.parametrize("version", [1, 2])
def test_real_vault_equals_the_reference_to_the_wei(dep, version):
    """Random trades in every pool of one math version, GIVEN_IN and GIVEN_OUT, on the live balances:
    the real vault's queryBatchSwap equals the reference, reverts with the reference's reason."""
    rng = random.Random(f"balancer v{version}")
    pools = [p for p in dep.weighted_pools if p["mathVersion"] == version]
    assert pools and {decimals(s) for p in pools for s in p["tokens"]} >= {6, 8, 18}
    outcomes = {"ok": 0, "revert": 0}
    for n in range(200):
        info = pools[n % len(pools)]
        _, balances, _ = dep.vault.call("getPoolTokens", pid(info))
        i, j = rng.sample(range(len(info["tokens"])), 2)
        kind = rng.choice([GIVEN_IN, GIVEN_OUT])
        amount = random_amount(rng, balances[i] if kind == GIVEN_IN else balances[j], kind, info["swapFee"])
        try:
            result = ref.on_swap("givenIn" if kind == GIVEN_IN else "givenOut", amount, balances, info["weights"],
                                 [decimals(s) for s in info["tokens"]], info["swapFee"], i, j, version)
            want = (amount, result) if kind == GIVEN_IN else (result, amount)
            outcomes["ok"] += 1
        except ref.Revert as err:
            want = BAL_CODE[str(err)][4:]
            outcomes["revert"] += 1
        assert query(dep, info, kind, i, j, amount) == want, (info["name"], kind, i, j, amount)
    assert outcomes["revert"] >= 8 and outcomes["ok"] >= 130, outcomes


def test_the_versions_differ_where_the_shortcut_applies(dep):
    """Equal weights in pools of both versions: each pool's result is its own version's, and the two
    versions' differ for the same trade (the shortcut matters), so the devnet tells them apart."""
    differences = {1: 0, 2: 0}
    for info in dep.weighted_pools:
        _, balances, _ = dep.vault.call("getPoolTokens", pid(info))
        pairs = [(i, j) for i in range(len(balances)) for j in range(len(balances))
                 if i != j and info["weights"][i] == info["weights"][j]]
        for i, j in pairs:
            for kind in (GIVEN_IN, GIVEN_OUT):
                side = balances[i] if kind == GIVEN_IN else balances[j]
                amount = side // 7 + 12345
                args = ("givenIn" if kind == GIVEN_IN else "givenOut", amount, balances, info["weights"],
                        [decimals(s) for s in info["tokens"]], info["swapFee"], i, j)
                v1, v2 = ref.on_swap(*args, version=1), ref.on_swap(*args, version=2)
                got = query(dep, info, kind, i, j, amount)
                assert got[1 if kind == GIVEN_IN else 0] == (v1 if info["mathVersion"] == 1 else v2)
                differences[info["mathVersion"]] += v1 != v2
    assert differences[1] > 0 and differences[2] > 0, differences


def test_swap_given_in_equals_query_and_moves_balances(dep):
    trader = dep.dev_accounts[1]
    vault = dep.vault
    info = pool_named(dep, "WETH-WBTC-USDC-40-30-30")
    approve_vault(dep, trader, "WETH")
    weth, usdc = dep.tokens["WETH"], dep.tokens["USDC"]
    amount = 7 * 10**18
    want = expected_swap(dep, info, GIVEN_IN, "WETH", "USDC", amount)
    assets = [weth.address, usdc.address]
    step = (pid(info), 0, 1, amount, b"")
    assert vault.call("queryBatchSwap", GIVEN_IN, [step], assets, funds(trader)) == [amount, -want]
    single = (pid(info), GIVEN_IN, weth.address, usdc.address, amount, b"")
    assert vault.call("swap", single, funds(trader), want, DEADLINE, sender=trader) == want
    with pytest.raises(ContractError, match="BAL#507"):
        vault.call("swap", single, funds(trader), want + 1, DEADLINE, sender=trader)
    with pytest.raises(ContractError, match="BAL#508"):
        vault.call("swap", single, funds(trader), 0, 1, sender=trader)

    _, before, _ = vault.call("getPoolTokens", pid(info))
    usdc_before, weth_before = usdc.call("balanceOf", trader), weth.call("balanceOf", trader)
    receipt = vault.transact("swap", single, funds(trader), want, DEADLINE, sender=trader)
    print(f"\ngas: balancer vault swap (3-token pool, GIVEN_IN) {receipt['gas_used']}")
    assert usdc.call("balanceOf", trader) == usdc_before + want
    assert weth.call("balanceOf", trader) == weth_before - amount
    tokens, after, last_change = vault.call("getPoolTokens", pid(info))
    i_w, i_u = tokens.index(weth.address), tokens.index(usdc.address)
    assert after[i_w] == before[i_w] + amount and after[i_u] == before[i_u] - want
    assert last_change == receipt["block_number"]
    assert usdc.call("balanceOf", vault.address) >= after[i_u]
    swap_topic = "0x" + keccak(text="Swap(bytes32,address,address,uint256,uint256)").hex()
    log = next(entry for entry in receipt["logs"] if entry["topics"][0] == swap_topic)
    assert log["topics"][1] == info["poolId"]
    assert int(log["data"][2:66], 16) == amount and int(log["data"][66:], 16) == want


def test_swap_given_out(dep):
    trader = dep.dev_accounts[2]
    vault = dep.vault
    info = pool_named(dep, "WETH-DAI-80-20")
    approve_vault(dep, trader, "DAI")
    dai, weth = dep.tokens["DAI"], dep.tokens["WETH"]
    want_out = 3 * 10**18
    need_in = expected_swap(dep, info, GIVEN_OUT, "DAI", "WETH", want_out)
    assert vault.call("queryBatchSwap", GIVEN_OUT, [(pid(info), 0, 1, want_out, b"")], [dai.address, weth.address],
                      funds(trader)) == [need_in, -want_out]
    single = (pid(info), GIVEN_OUT, dai.address, weth.address, want_out, b"")
    with pytest.raises(ContractError, match="BAL#507"):
        vault.call("swap", single, funds(trader), need_in - 1, DEADLINE, sender=trader)
    weth_before, dai_before = weth.call("balanceOf", trader), dai.call("balanceOf", trader)
    vault.transact("swap", single, funds(trader), need_in, DEADLINE, sender=trader)
    assert weth.call("balanceOf", trader) == weth_before + want_out
    assert dai.call("balanceOf", trader) == dai_before - need_in


def test_ratio_limits_revert(dep):
    trader = dep.dev_accounts[3]
    vault = dep.vault
    info = pool_named(dep, "WETH-DAI-80-20")
    tokens, balances, _ = vault.call("getPoolTokens", pid(info))
    dai, weth = dep.tokens["DAI"].address, dep.tokens["WETH"].address
    i_dai, i_weth = tokens.index(dai), tokens.index(weth)
    # GIVEN_IN: the fee-reduced, upscaled amount must stay <= 30 % of the in-balance
    limit_in = balances[i_dai] * 3 // 10
    max_amount = limit_in * ONE // (ONE - info["swapFee"])  # largest amount whose post-fee part fits
    while max_amount - ref.mul_up(max_amount, info["swapFee"]) > limit_in:
        max_amount -= 1
    ok = vault.call("queryBatchSwap", GIVEN_IN, [(pid(info), 0, 1, max_amount, b"")], [dai, weth], funds(trader))
    assert ok[1] == -expected_swap(dep, info, GIVEN_IN, "DAI", "WETH", max_amount)
    with pytest.raises(ContractError, match="BAL#304"):
        vault.call("queryBatchSwap", GIVEN_IN, [(pid(info), 0, 1, max_amount + 10**6, b"")], [dai, weth],
                   funds(trader))
    # GIVEN_OUT: at most 30 % of the out-balance
    vault.call("queryBatchSwap", GIVEN_OUT, [(pid(info), 0, 1, balances[i_weth] * 3 // 10, b"")], [dai, weth],
               funds(trader))
    with pytest.raises(ContractError, match="BAL#305"):
        vault.call("queryBatchSwap", GIVEN_OUT, [(pid(info), 0, 1, balances[i_weth] * 3 // 10 + 1, b"")],
                   [dai, weth], funds(trader))
    approve_vault(dep, trader, "DAI")
    with pytest.raises(ContractError, match="BAL#305"):
        vault.transact("swap", (pid(info), GIVEN_OUT, dai, weth, balances[i_weth] // 2, b""), funds(trader),
                       2**255, DEADLINE, sender=trader)


def test_batch_swap_multi_hop_given_in(dep):
    trader = dep.dev_accounts[4]
    vault = dep.vault
    two, three = pool_named(dep, "WETH-DAI-80-20"), pool_named(dep, "WETH-WBTC-USDC-40-30-30")
    dai, weth, wbtc = (dep.tokens[s] for s in ("DAI", "WETH", "WBTC"))
    assets = [dai.address, weth.address, wbtc.address]
    amount = 20_000 * 10**18
    hop1 = expected_swap(dep, two, GIVEN_IN, "DAI", "WETH", amount)
    hop2 = expected_swap(dep, three, GIVEN_IN, "WETH", "WBTC", hop1)
    steps = [(pid(two), 0, 1, amount, b""), (pid(three), 1, 2, 0, b"")]
    expected = [amount, 0, -hop2]
    assert vault.call("queryBatchSwap", GIVEN_IN, steps, assets, funds(trader)) == expected
    approve_vault(dep, trader, "DAI")
    limits = [amount, 0, -hop2]
    with pytest.raises(ContractError, match="BAL#507"):
        vault.call("batchSwap", GIVEN_IN, steps, assets, funds(trader), [amount, 0, -hop2 - 1], DEADLINE,
                   sender=trader)
    wbtc_before = wbtc.call("balanceOf", trader)
    receipt = vault.transact("batchSwap", GIVEN_IN, steps, assets, funds(trader), limits, DEADLINE, sender=trader)
    assert wbtc.call("balanceOf", trader) == wbtc_before + hop2
    print(f"\ngas: balancer vault batchSwap 2 hops {receipt['gas_used']}")
    # a zero amount in the first step, or a broken chain, is refused as in Balancer
    with pytest.raises(ContractError, match="BAL#510"):
        vault.call("queryBatchSwap", GIVEN_IN, [(pid(two), 0, 1, 0, b"")], assets, funds(trader))
    with pytest.raises(ContractError, match="BAL#511"):
        vault.call("queryBatchSwap", GIVEN_IN, [steps[0], (pid(three), 2, 1, 0, b"")], assets, funds(trader))


def test_batch_swap_multi_hop_given_out_and_same_pool_twice(dep):
    trader = dep.dev_accounts[5]
    vault = dep.vault
    three = pool_named(dep, "WETH-WBTC-USDC-40-30-30")
    usdc, weth, wbtc = (dep.tokens[s] for s in ("USDC", "WETH", "WBTC"))
    assets = [usdc.address, weth.address, wbtc.address]
    want_wbtc = 10**8 // 2
    # GIVEN_OUT chain: last hop first (WETH -> WBTC for 0.5 WBTC), then USDC -> WETH for that WETH,
    # both in the same pool: the second step must see the balances the first step left behind
    tokens, balances, _ = vault.call("getPoolTokens", pid(three))
    w = three["weights"]
    fee = three["swapFee"]
    idx = {sym_of(dep, t): i for i, t in enumerate(tokens)}
    decs = [decimals(sym_of(dep, t)) for t in tokens]
    weth_needed = ref.on_swap("givenOut", want_wbtc, balances, w, decs, fee, idx["WETH"], idx["WBTC"],
                              three["mathVersion"])
    balances[idx["WETH"]] += weth_needed
    balances[idx["WBTC"]] -= want_wbtc
    usdc_needed = ref.on_swap("givenOut", weth_needed, balances, w, decs, fee, idx["USDC"], idx["WETH"],
                              three["mathVersion"])
    steps = [(pid(three), 1, 2, want_wbtc, b""), (pid(three), 0, 1, 0, b"")]
    assert vault.call("queryBatchSwap", GIVEN_OUT, steps, assets, funds(trader)) == [usdc_needed, 0, -want_wbtc]
    approve_vault(dep, trader, "USDC")
    wbtc_before, usdc_before = wbtc.call("balanceOf", trader), usdc.call("balanceOf", trader)
    vault.transact("batchSwap", GIVEN_OUT, steps, assets, funds(trader), [usdc_needed, 0, -want_wbtc], DEADLINE,
                   sender=trader)
    assert wbtc.call("balanceOf", trader) == wbtc_before + want_wbtc
    assert usdc.call("balanceOf", trader) == usdc_before - usdc_needed


def test_vault_refusals(dep):
    trader, other = dep.dev_accounts[6], dep.dev_accounts[7]
    vault = dep.vault
    info = pool_named(dep, "WETH-DAI-80-20")
    dai, weth = dep.tokens["DAI"].address, dep.tokens["WETH"].address
    single = (pid(info), GIVEN_IN, dai, weth, 10**18, b"")
    with pytest.raises(ContractError, match="BAL#401"):  # no relayers: sender must be the caller
        vault.call("swap", single, funds(other), 0, DEADLINE, sender=trader)
    with pytest.raises(ContractError, match="BAL#509"):
        vault.call("swap", (pid(info), GIVEN_IN, dai, dai, 10**18, b""), funds(trader), 0, DEADLINE, sender=trader)
    with pytest.raises(ContractError, match="BAL#521"):
        vault.call("swap", (pid(info), GIVEN_IN, dai, dep.tokens["USDC"].address, 10**18, b""), funds(trader), 0,
                   DEADLINE, sender=trader)
    with pytest.raises(ContractError):  # no allowance for the vault
        vault.transact("swap", single, funds(trader), 0, DEADLINE, sender=trader)

