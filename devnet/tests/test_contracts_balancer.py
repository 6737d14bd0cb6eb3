"""Balancer-V2-compatible vault and weighted pools against an independent Python implementation of
docs/BALANCER_MATH.md (Python ints; Solidity-style truncating signed division), which is in
turn sanity-checked against float math."""

import math
import random

import pytest
from eth_utils import keccak

from devnet import contracts, fixtures
from devnet.contracts import Contract, ContractError

pytestmark = pytest.mark.usefixtures("dep_snapshot")

# ----------------------------------------------------------------------------- reference math

ONE = 10**18
ONE_20 = 10**20
ONE_36 = 10**36
MAX_POW_RELATIVE_ERROR = 10000
MAX_RATIO = 3 * 10**17
X = [128 * 10**18, 64 * 10**18, 3200 * 10**18, 1600 * 10**18, 800 * 10**18, 400 * 10**18, 200 * 10**18,
     100 * 10**18, 50 * 10**18, 25 * 10**18, 125 * 10**17, 625 * 10**16]
A = [38877084059945950922200000000000000000000000000000000000, 6235149080811616882910000000,
     7896296018268069516100000000000000, 888611052050787263676000000, 298095798704172827474000,
     5459815003314423907810, 738905609893065022723, 271828182845904523536, 164872127070012814685,
     128402541668774148407, 113314845306682631683, 106449445891785942956]
INT256_MAX = 2**255 - 1


class MathError(Exception):
    pass


def chk(v: int) -> int:
    """Every intermediate must fit the contract's word (int256 / uint256) or the contract reverts."""
    if not -(2**255) <= v < 2**256:
        raise MathError("overflow")
    return v


def tdiv(a: int, b: int) -> int:
    """Solidity/EVM signed division: truncate toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def tmod(a: int, b: int) -> int:
    return a - b * tdiv(a, b)


def exp_ref(x: int) -> int:
    if not -41 * ONE <= x <= 130 * ONE:
        raise MathError("BAL#009")
    if x < 0:
        return tdiv(ONE * ONE, exp_ref(-x))
    first = 1
    if x >= X[0]:
        x -= X[0]
        first = A[0]
    elif x >= X[1]:
        x -= X[1]
        first = A[1]
    x *= 100
    product = ONE_20
    for n in range(2, 10):
        if x >= X[n]:
            x -= X[n]
            product = tdiv(chk(product * A[n]), ONE_20)
    series = ONE_20
    term = x
    series += term
    for n in range(2, 13):
        term = tdiv(tdiv(chk(term * x), ONE_20), n)
        series += term
    return tdiv(chk(tdiv(chk(product * series), ONE_20) * first), 100)


def ln_ref(a: int) -> int:
    if a < ONE:
        return -ln_ref(tdiv(ONE * ONE, a))
    total = 0
    if a >= A[0] * ONE:
        a = tdiv(a, A[0])
        total += X[0]
    if a >= A[1] * ONE:
        a = tdiv(a, A[1])
        total += X[1]
    total *= 100
    a *= 100
    for n in range(2, 12):
        if a >= A[n]:
            a = tdiv(chk(a * ONE_20), A[n])
            total += X[n]
    z = tdiv(chk((a - ONE_20) * ONE_20), a + ONE_20)
    z2 = tdiv(chk(z * z), ONE_20)
    num = z
    series = num
    for k in (3, 5, 7, 9, 11):
        num = tdiv(chk(num * z2), ONE_20)
        series += tdiv(num, k)
    return tdiv(total + series * 2, 100)


def ln36_ref(x: int) -> int:
    x *= ONE
    z = tdiv(chk((x - ONE_36) * ONE_36), x + ONE_36)
    z2 = tdiv(chk(z * z), ONE_36)
    num = z
    series = num
    for k in (3, 5, 7, 9, 11, 13, 15):
        num = tdiv(chk(num * z2), ONE_36)
        series += tdiv(num, k)
    return series * 2


def pow_ref(x: int, y: int) -> int:
    if y == 0:
        return ONE
    if x == 0:
        return 0
    if x >> 255:
        raise MathError("BAL#006")
    if y >= 2**254 // 10**20:
        raise MathError("BAL#007")
    if ONE - 10**17 < x < ONE + 10**17:
        l36 = ln36_ref(x)
        lxy = tdiv(l36, ONE) * y + tdiv(chk(tmod(l36, ONE) * y), ONE)
    else:
        lxy = chk(ln_ref(x) * y)
    lxy = tdiv(lxy, ONE)
    if not -41 * ONE <= lxy <= 130 * ONE:
        raise MathError("BAL#008")
    return exp_ref(lxy)


def mul_down(a, b):
    return chk(a * b) // ONE


def mul_up(a, b):
    p = chk(a * b)
    return 0 if p == 0 else (p - 1) // ONE + 1


def div_down(a, b):
    if b == 0:
        raise MathError("BAL#004")
    return 0 if a == 0 else chk(a * ONE) // b


def div_up(a, b):
    if b == 0:
        raise MathError("BAL#004")
    return 0 if a == 0 else (chk(a * ONE) - 1) // b + 1


def complement(x):
    return ONE - x if x < ONE else 0


def pow_up(x, y):
    if y == ONE:
        return x
    if y == 2 * ONE:
        return mul_up(x, x)
    if y == 4 * ONE:
        s = mul_up(x, x)
        return mul_up(s, s)
    raw = pow_ref(x, y)
    return raw + mul_up(raw, MAX_POW_RELATIVE_ERROR) + 1


def calc_out_given_in(b_in, w_in, b_out, w_out, a_in):
    if a_in > mul_down(b_in, MAX_RATIO):
        raise MathError("BAL#304")
    base = div_up(b_in, b_in + a_in)
    power = pow_up(base, div_down(w_in, w_out))
    return mul_down(b_out, complement(power))


def calc_in_given_out(b_in, w_in, b_out, w_out, a_out):
    if a_out > mul_down(b_out, MAX_RATIO):
        raise MathError("BAL#305")
    base = div_up(b_out, b_out - a_out)
    power = pow_up(base, div_up(w_out, w_in))
    return mul_up(b_in, power - ONE)


def on_swap_ref(kind, amount, bal_in, bal_out, w_in, w_out, dec_in, dec_out, fee):
    sf_in, sf_out = ONE * 10 ** (18 - dec_in), ONE * 10 ** (18 - dec_out)
    b_in, b_out = mul_down(bal_in, sf_in), mul_down(bal_out, sf_out)
    if kind == 0:
        a = mul_down(amount - mul_up(amount, fee), sf_in)
        return div_down(calc_out_given_in(b_in, w_in, b_out, w_out, a), sf_out)
    a = mul_down(amount, sf_out)
    amount_in = div_up(calc_in_given_out(b_in, w_in, b_out, w_out, a), sf_in)
    return div_up(amount_in, complement(fee))


def on_swap_float(kind, amount, bal_in, bal_out, w_in, w_out, fee):
    f, wi, wo = fee / ONE, w_in / ONE, w_out / ONE
    if kind == 0:
        # the fee is charged in whole token units, rounded up (on 8-decimal WBTC that is visible)
        after_fee = amount - mul_up(amount, fee)
        return bal_out * (1 - (bal_in / (bal_in + after_fee)) ** (wi / wo))
    return bal_in * ((bal_out / (bal_out - amount)) ** (wo / wi) - 1) / (1 - f)


# ----------------------------------------------------------------------------- reference self-checks


def test_reference_math_against_floats():
    rng = random.Random(11)
    for _ in range(300):
        x = rng.randrange(10**14, 10**22)
        y = rng.randrange(10**15, 5 * 10**18)
        expected = (x / ONE) ** (y / ONE)
        if not 1e-15 < expected < 1e30:
            continue
        assert abs(pow_ref(x, y) / ONE - expected) <= 1e-12 * expected + 2e-18
    for v in (ONE, 2 * ONE, ONE // 3, 95 * 10**16, 105 * 10**16, 10**30):
        assert abs(ln_ref(v) / ONE - math.log(v / ONE)) < 1e-15 * max(1, abs(math.log(v / ONE))) + 1e-17
    for v in (-40 * ONE, -ONE, 0, ONE // 7, 5 * ONE, 129 * ONE):
        assert math.isclose(exp_ref(v) / ONE, math.exp(v / ONE), rel_tol=1e-12, abs_tol=1e-17)
    assert tdiv(-7, 2) == -3 and tmod(-7, 2) == -1


def test_reference_on_swap_against_floats():
    rng = random.Random(5)
    for _ in range(200):
        w_in = rng.choice([2, 3, 4, 8]) * 10**17
        w_out = rng.choice([2, 3, 4, 8]) * 10**17
        bal_in, bal_out = rng.randrange(10**21, 10**27), rng.randrange(10**21, 10**27)
        fee = rng.choice([25 * 10**14, 3 * 10**15])
        kind = rng.randrange(2)
        amount = rng.randrange(bal_in // 10**6, (bal_in if kind == 0 else bal_out) // 5)
        got = on_swap_ref(kind, amount, bal_in, bal_out, w_in, w_out, 18, 18, fee)
        assert math.isclose(got, on_swap_float(kind, amount, bal_in, bal_out, w_in, w_out, fee), rel_tol=1e-9)


# ----------------------------------------------------------------------------- LogExpMath on-chain

HARNESS = """
# pragma version 0.4.3
import log_exp_math
import fixed_point

@external
@pure
def pow(x: uint256, y: uint256) -> uint256:
    return log_exp_math.pow(x, y)

@external
@pure
def exp(x: int256) -> int256:
    return log_exp_math.exp(x)

@external
@pure
def ln(x: int256) -> int256:
    return log_exp_math._ln(x)

@external
@pure
def pow_up(x: uint256, y: uint256) -> uint256:
    return fixed_point.pow_up(x, y)
"""


@pytest.fixture(scope="module")
def harness():
    tester = fixtures.make_tester()
    artifact = contracts.compile_source("LogExpHarness", HARNESS)
    return contracts.deploy(tester, artifact, sender=tester.get_accounts()[0])


def test_log_exp_math_matches_reference_to_the_wei(harness):
    rng = random.Random(3)
    cases = [(ONE, ONE), (0, ONE), (ONE, 0), (2 * ONE, ONE // 2), (ONE - 10**17 + 1, 3 * ONE),
             (ONE + 10**17 - 1, 3 * ONE), (ONE - 10**17, 3 * ONE), (ONE + 10**17, 3 * ONE), (1, ONE // 50),
             (2**255 - 1, 10**16), (2**255, ONE), (ONE * 2, 2**254 // 10**20), (10**30, 10 * ONE), (10**9, 5 * ONE)]
    for _ in range(120):
        x = rng.choice([rng.randrange(1, 10**18), rng.randrange(9 * 10**17, 11 * 10**17),
                        rng.randrange(10**18, 10**40), rng.randrange(1, 2**255)])
        y = rng.choice([rng.randrange(1, 10**18), rng.randrange(10**18, 10**20), rng.randrange(1, 10**24)])
        cases.append((x, y))
    for x, y in cases:
        try:
            want = pow_ref(x, y)
        except MathError as err:
            with pytest.raises(ContractError, match=str(err)):
                harness.call("pow", x, y)
            continue
        assert harness.call("pow", x, y) == want, (x, y)
    for x in [-41 * ONE, -41 * ONE - 1, 130 * ONE, 130 * ONE + 1, 0, -1, 1] + \
            [rng.randrange(-41 * ONE, 130 * ONE) for _ in range(40)]:
        try:
            want = exp_ref(x)
        except MathError as err:
            with pytest.raises(ContractError, match=str(err)):
                harness.call("exp", x)
            continue
        assert harness.call("exp", x) == want, x
    for x in [1, ONE, ONE - 1, ONE + 1, 2**255 - 1] + [rng.randrange(1, 2**200) for _ in range(40)]:
        assert harness.call("ln", x) == ln_ref(x), x
    for x, y in [(ONE * 3 // 2, ONE), (ONE * 3 // 2, 2 * ONE), (ONE * 3 // 2, 4 * ONE), (ONE * 3 // 2, 3 * ONE)]:
        assert harness.call("pow_up", x, y) == pow_up(x, y)


# ----------------------------------------------------------------------------- on-chain

DEADLINE = 2**255
GIVEN_IN, GIVEN_OUT = 0, 1


def pool_named(dep, name: str) -> dict:
    return next(p for p in dep.weighted_pools if p["name"] == name)


def pool_contract(dep, info) -> Contract:
    return Contract(dep.vault.tester, info["address"], contracts.compile_all()["WeightedPool"])


def pid(info) -> bytes:
    return bytes.fromhex(info["poolId"][2:])


def decimals(sym):
    return fixtures.TOKENS[sym][2]


def sym_of(dep, address):
    return next(s for s, t in dep.tokens.items() if t.address == address)


def expected_swap(dep, info, kind, sym_in, sym_out, amount):
    tokens, balances, _ = dep.vault.call("getPoolTokens", pid(info))
    addr = {s: dep.tokens[s].address for s in (sym_in, sym_out)}
    i_in, i_out = tokens.index(addr[sym_in]), tokens.index(addr[sym_out])
    weights = pool_contract(dep, info).call("getNormalizedWeights")
    fee = pool_contract(dep, info).call("getSwapFeePercentage")
    return on_swap_ref(kind, amount, balances[i_in], balances[i_out], weights[i_in], weights[i_out],
                       decimals(sym_in), decimals(sym_out), fee)


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
        assert pool.call("getScalingFactors") == [ONE * 10 ** (18 - decimals(s)) for s in info["tokens"]]
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


@pytest.mark.parametrize("name,sym_in,sym_out", [
    ("WETH-DAI-80-20", "WETH", "DAI"),  # exponent 4: pow_up's shortcut
    ("WETH-DAI-80-20", "DAI", "WETH"),  # exponent 0.25: LogExpMath
    ("WETH-WBTC-USDC-40-30-30", "USDC", "WBTC"),  # exponent 1, 6 -> 8 decimals
    ("WETH-WBTC-USDC-40-30-30", "WETH", "USDC"),  # exponent 4/3
    ("WETH-WBTC-USDC-40-30-30", "WBTC", "WETH"),  # exponent 0.75
])
def test_on_swap_equals_reference_given_in_and_out(dep, name, sym_in, sym_out):
    info = pool_named(dep, name)
    pool = pool_contract(dep, info)
    tokens, balances, last = dep.vault.call("getPoolTokens", pid(info))
    i_in = tokens.index(dep.tokens[sym_in].address)
    i_out = tokens.index(dep.tokens[sym_out].address)
    rng = random.Random(name + sym_in)
    amounts_in = [1, 10**decimals(sym_in) // 1000, balances[i_in] // 10**6, balances[i_in] // 100, balances[i_in] // 10,
                  balances[i_in] * 29 // 100] + [rng.randrange(1, balances[i_in] * 3 // 10) for _ in range(6)]
    for kind, amounts in ((GIVEN_IN, amounts_in),
                          (GIVEN_OUT, [a * balances[i_out] // balances[i_in] // 2 + 1 for a in amounts_in])):
        for amount in amounts:
            request = (kind, dep.tokens[sym_in].address, dep.tokens[sym_out].address, amount, pid(info), last,
                       dep.dev_accounts[0], dep.dev_accounts[0], b"")
            try:
                want = expected_swap(dep, info, kind, sym_in, sym_out, amount)
            except MathError as err:
                with pytest.raises(ContractError, match=str(err)):
                    pool.call("onSwap", request, balances[i_in], balances[i_out])
                continue
            assert pool.call("onSwap", request, balances[i_in], balances[i_out]) == want, (kind, amount)
            # float sanity check, away from the pow's deliberate 1e-14 error bound: that bound is
            # relative to the power (~1), so for a trade of size r of the balance it is 1e-14 / r
            if amount * 1000 > balances[i_in if kind == GIVEN_IN else i_out]:
                w = pool.call("getNormalizedWeights")
                fee = pool.call("getSwapFeePercentage")
                approx = on_swap_float(kind, amount, balances[i_in], balances[i_out], w[i_in], w[i_out], fee)
                assert abs(want - approx) <= 1e-9 * approx + 2, (kind, amount)  # + whole-unit rounding


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
    while max_amount - mul_up(max_amount, info["swapFee"]) > limit_in:
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
    weth_needed = on_swap_ref(GIVEN_OUT, want_wbtc, balances[idx["WETH"]], balances[idx["WBTC"]], w[idx["WETH"]],
                              w[idx["WBTC"]], 18, 8, fee)
    balances[idx["WETH"]] += weth_needed
    balances[idx["WBTC"]] -= want_wbtc
    usdc_needed = on_swap_ref(GIVEN_OUT, weth_needed, balances[idx["USDC"]], balances[idx["WETH"]], w[idx["USDC"]],
                              w[idx["WETH"]], 6, 18, fee)
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
    with pytest.raises(ContractError, match="internal balances"):
        vault.call("swap", single, (trader, True, trader, False), 0, DEADLINE, sender=trader)
    with pytest.raises(ContractError, match="BAL#509"):
        vault.call("swap", (pid(info), GIVEN_IN, dai, dai, 10**18, b""), funds(trader), 0, DEADLINE, sender=trader)
    with pytest.raises(ContractError, match="BAL#521"):
        vault.call("swap", (pid(info), GIVEN_IN, dai, dep.tokens["USDC"].address, 10**18, b""), funds(trader), 0,
                   DEADLINE, sender=trader)
    with pytest.raises(ContractError):  # no allowance for the vault
        vault.transact("swap", single, funds(trader), 0, DEADLINE, sender=trader)
    with pytest.raises(ContractError, match="BAL#401"):
        vault.transact("seedPool", pid(info), [1, 1], sender=trader)
