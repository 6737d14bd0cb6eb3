#!/usr/bin/env python3
"""The project's one reference model of docs/BALANCER_MATH.md (Balancer V2 FixedPoint, LogExpMath,
WeightedMath and the weighted pool's onSwap, math versions 1 and 2) in plain Python integers.

devnet/tests/test_contracts_balancer.py holds it to the real Balancer vault on the devnet, to the
wei; it generates Tests/MarketTests/Fixtures/balancer_cases.json (extreme pools the devnet lacks:
8 tokens, dust, huge balances), which the Swift tests compare to the wei without running Python.

Run:  python3 -m devnet.balancer_reference > Tests/MarketTests/Fixtures/balancer_cases.json
"""
import json
import random

UINT_MAX = 2**256 - 1
INT_MIN, INT_MAX = -(2**255), 2**255 - 1
ONE = 10**18


class Revert(Exception):
    """The contract would revert; the name is Balancer's error."""


def u(v):
    if v < 0 or v > UINT_MAX:
        raise Revert("UINT_OVERFLOW")
    return v


def s(v):
    if v < INT_MIN or v > INT_MAX:
        raise Revert("INT_OVERFLOW")
    return v


def sdiv(a, b):
    """Solidity int256 division: truncates toward zero."""
    q = abs(a) // abs(b)
    return s(q if (a >= 0) == (b >= 0) else -q)


def smod(a, b):
    """Solidity int256 remainder: the sign of the dividend."""
    r = abs(a) % abs(b)
    return r if a >= 0 else -r


# ---- FixedPoint ----
def add(a, b):
    if a + b > UINT_MAX:
        raise Revert("ADD_OVERFLOW")
    return a + b


def sub(a, b):
    if b > a:
        raise Revert("SUB_OVERFLOW")
    return a - b


def mul_down(a, b):
    p = a * b
    if p > UINT_MAX:
        raise Revert("MUL_OVERFLOW")
    return p // ONE


def mul_up(a, b):
    p = a * b
    if p > UINT_MAX:
        raise Revert("MUL_OVERFLOW")
    return 0 if p == 0 else (p - 1) // ONE + 1


def div_down(a, b):
    if b == 0:
        raise Revert("ZERO_DIVISION")
    if a * ONE > UINT_MAX:
        raise Revert("DIV_INTERNAL")
    return 0 if a == 0 else a * ONE // b


def div_up(a, b):
    if b == 0:
        raise Revert("ZERO_DIVISION")
    if a * ONE > UINT_MAX:
        raise Revert("DIV_INTERNAL")
    return 0 if a == 0 else (a * ONE - 1) // b + 1


def complement(x):
    return ONE - x if x < ONE else 0


MAX_POW_RELATIVE_ERROR = 10000


def pow_down(x, y, version=2):
    """Version 1 (pools of Balancer's 2021 factories) always takes LogExpMath; later pools take
    exact shortcuts for the exponents 1, 2 and 4."""
    if version >= 2 and y == ONE:
        return x
    if version >= 2 and y == 2 * ONE:
        return mul_down(x, x)
    if version >= 2 and y == 4 * ONE:
        sq = mul_down(x, x)
        return mul_down(sq, sq)
    raw = lem_pow(x, y)
    max_error = add(mul_up(raw, MAX_POW_RELATIVE_ERROR), 1)
    return 0 if raw < max_error else raw - max_error


def pow_up(x, y, version=2):
    if version >= 2 and y == ONE:
        return x
    if version >= 2 and y == 2 * ONE:
        return mul_up(x, x)
    if version >= 2 and y == 4 * ONE:
        sq = mul_up(x, x)
        return mul_up(sq, sq)
    raw = lem_pow(x, y)
    max_error = add(mul_up(raw, MAX_POW_RELATIVE_ERROR), 1)
    return add(raw, max_error)


# ---- LogExpMath ----
ONE_18, ONE_20, ONE_36 = 10**18, 10**20, 10**36
MAX_NATURAL_EXPONENT = 130 * 10**18
MIN_NATURAL_EXPONENT = -41 * 10**18
LN_36_LOWER_BOUND = ONE_18 - 10**17
LN_36_UPPER_BOUND = ONE_18 + 10**17
MILD_EXPONENT_BOUND = 2**254 // ONE_20

X0, A0 = 128 * 10**18, 38877084059945950922200000000000000000000000000000000000
X1, A1 = 64 * 10**18, 6235149080811616882910000000
# 20-decimal (x_n = 2^(7-n), a_n = e^x_n) for n = 2..11
STEPS = [
    (3200000000000000000000, 7896296018268069516100000000000000),
    (1600000000000000000000, 888611052050787263676000000),
    (800000000000000000000, 298095798704172827474000),
    (400000000000000000000, 5459815003314423907810),
    (200000000000000000000, 738905609893065022723),
    (100000000000000000000, 271828182845904523536),
    (50000000000000000000, 164872127070012814685),
    (25000000000000000000, 128402541668774148407),
    (12500000000000000000, 113314845306682631683),
    (6250000000000000000, 106449445891785942956),
]


def lem_pow(x, y):
    if y == 0:
        return ONE_18
    if x == 0:
        return 0
    if x >> 255 != 0:
        raise Revert("X_OUT_OF_BOUNDS")
    if not y < MILD_EXPONENT_BOUND:
        raise Revert("Y_OUT_OF_BOUNDS")
    if LN_36_LOWER_BOUND < x < LN_36_UPPER_BOUND:
        l36 = ln_36(x)
        t = s(s(sdiv(l36, ONE_18) * y) + sdiv(s(smod(l36, ONE_18) * y), ONE_18))
    else:
        t = s(ln_(x) * y)
    t = sdiv(t, ONE_18)
    if not (MIN_NATURAL_EXPONENT <= t <= MAX_NATURAL_EXPONENT):
        raise Revert("PRODUCT_OUT_OF_BOUNDS")
    return exp(t)


def exp(x):
    if not (MIN_NATURAL_EXPONENT <= x <= MAX_NATURAL_EXPONENT):
        raise Revert("INVALID_EXPONENT")
    if x < 0:
        return sdiv(ONE_18 * ONE_18, exp(-x))
    if x >= X0:
        x -= X0
        first = A0
    elif x >= X1:
        x -= X1
        first = A1
    else:
        first = 1
    x *= 100
    product = ONE_20
    for xn, an in STEPS[:8]:  # x10, x11 are not used by exp
        if x >= xn:
            x -= xn
            product = sdiv(s(product * an), ONE_20)
    series = ONE_20
    term = x
    series += term
    for n in range(2, 13):
        term = sdiv(sdiv(s(term * x), ONE_20), n)
        series += term
    return sdiv(s(sdiv(s(product * series), ONE_20) * first), 100)


def ln(a):
    if a <= 0:
        raise Revert("OUT_OF_BOUNDS")
    if LN_36_LOWER_BOUND < a < LN_36_UPPER_BOUND:
        return sdiv(ln_36(a), ONE_18)
    return ln_(a)


def ln_(a):
    if a < ONE_18:
        return -ln_(sdiv(ONE_18 * ONE_18, a))
    total = 0
    if a >= A0 * ONE_18:
        a = sdiv(a, A0)
        total += X0
    if a >= A1 * ONE_18:
        a = sdiv(a, A1)
        total += X1
    total *= 100
    a = s(a * 100)
    for xn, an in STEPS:
        if a >= an:
            a = sdiv(s(a * ONE_20), an)
            total += xn
    z = sdiv(s((a - ONE_20) * ONE_20), a + ONE_20)
    z2 = sdiv(s(z * z), ONE_20)
    num = z
    series = num
    for d in (3, 5, 7, 9, 11):
        num = sdiv(s(num * z2), ONE_20)
        series += sdiv(num, d)
    series *= 2
    return sdiv(total + series, 100)


def ln_36(x):
    x = s(x * ONE_18)
    z = sdiv(s((x - ONE_36) * ONE_36), x + ONE_36)
    z2 = sdiv(s(z * z), ONE_36)
    num = z
    series = num
    for d in (3, 5, 7, 9, 11, 13, 15):
        num = sdiv(s(num * z2), ONE_36)
        series += sdiv(num, d)
    return series * 2


# ---- WeightedMath ----
MAX_IN_RATIO = MAX_OUT_RATIO = 3 * 10**17


def calc_out_given_in(b_in, w_in, b_out, w_out, a_in, version=2):
    if a_in > mul_down(b_in, MAX_IN_RATIO):
        raise Revert("MAX_IN_RATIO")
    base = div_up(b_in, add(b_in, a_in))
    exponent = div_down(w_in, w_out)
    power = pow_up(base, exponent, version)
    return mul_down(b_out, complement(power))


def calc_in_given_out(b_in, w_in, b_out, w_out, a_out, version=2):
    if a_out > mul_down(b_out, MAX_OUT_RATIO):
        raise Revert("MAX_OUT_RATIO")
    base = div_up(b_out, sub(b_out, a_out))
    exponent = div_up(w_out, w_in)
    power = pow_up(base, exponent, version)
    return mul_up(b_in, sub(power, ONE))


# ---- the pool's onSwap ----
def scaling_factor(decimals):
    return 10 ** (18 - decimals) * ONE


def on_swap(kind, amount, balances, weights, decimals, fee, i, j, version=2):
    sf_in, sf_out = scaling_factor(decimals[i]), scaling_factor(decimals[j])
    b_in, b_out = mul_down(balances[i], sf_in), mul_down(balances[j], sf_out)
    if kind == "givenIn":
        a = sub(amount, mul_up(amount, fee))
        a = mul_down(a, sf_in)
        return div_down(calc_out_given_in(b_in, weights[i], b_out, weights[j], a, version), sf_out)
    a = mul_down(amount, sf_out)
    r = calc_in_given_out(b_in, weights[i], b_out, weights[j], a, version)
    r = div_up(r, sf_in)
    return div_up(r, complement(fee))


# ---- case generation ----
def random_weights(rng, n):
    special = {2: [[ONE // 2, ONE // 2], [8 * ONE // 10, 2 * ONE // 10], [2 * ONE // 10, 8 * ONE // 10],
                   [99 * ONE // 100, ONE // 100]]}
    if n in special and rng.random() < 0.4:
        return list(rng.choice(special[n]))
    while True:
        raw = [rng.randint(1, 1000) for _ in range(n)]
        total = sum(raw)
        w = [max(10**16, r * ONE // total) for r in raw]
        w[-1] = ONE - sum(w[:-1])
        if all(x >= 10**16 for x in w):
            return w


def random_case(rng):
    n = rng.choice([2, 2, 2, 3, 4, 8])
    decimals = [rng.choice([18, 18, 8, 6]) for _ in range(n)]
    balances = [rng.randint(1, 10**rng.randint(0, 10)) * 10**decimals[k] + rng.randint(0, 10**decimals[k])
                for k in range(n)]
    weights = random_weights(rng, n)
    fee = rng.choice([10**12, 10**15, 3 * 10**15, 10**16, 5 * 10**16, 10**17, rng.randint(10**12, 10**17)])
    i, j = rng.sample(range(n), 2)
    kind = rng.choice(["givenIn", "givenOut"])
    ref = balances[i] if kind == "givenIn" else balances[j]
    mode = rng.random()
    if mode < 0.15:
        # Around the 30 % ratio limit, in raw units (gross of fee for GIVEN_IN).
        target = ref * 3 // 10
        if kind == "givenIn":
            target = target * ONE // complement(fee)
        amount = max(1, target + rng.randint(-3, 3) * max(1, ref // 10**6) + rng.randint(-5, 5))
    elif mode < 0.2:
        amount = rng.randint(1, 1000)   # dust: rounding dominates
    else:
        frac = 10 ** rng.uniform(-9, -0.55)   # up to ~0.28 of the balance
        amount = max(1, int(ref * frac))
    version = rng.choice([1, 2])
    try:
        result, error = str(on_swap(kind, amount, balances, weights, decimals, fee, i, j, version)), None
    except Revert as e:
        result, error = None, str(e)
    return {
        "decimals": decimals, "balances": [str(b) for b in balances], "weights": [str(w) for w in weights],
        "swapFee": str(fee), "kind": kind, "i": i, "j": j, "amount": str(amount), "mathVersion": version, "result": result, "error": error,
    }


def pow_case(rng):
    mode = rng.random()
    if mode < 0.3:
        x = rng.randint(9 * 10**17 + 1, 11 * 10**17 - 1)      # ln_36 region
    elif mode < 0.5:
        x = rng.randint(1, 10**18)
    else:
        x = rng.randint(10**18, 10**rng.randint(19, 40))
    y = rng.choice([rng.randint(1, 10**19), rng.randint(10**16, 99 * 10**18), rng.randint(1, 10**18)])
    try:
        result, error = str(lem_pow(x, y)), None
    except Revert as e:
        result, error = None, str(e)
    return {"x": str(x), "y": str(y), "result": result, "error": error}


def main():
    rng = random.Random(20261125)
    swaps = [random_case(rng) for _ in range(400)]
    pows = [pow_case(rng) for _ in range(100)]
    exps = []
    for _ in range(40):
        x = rng.randint(MIN_NATURAL_EXPONENT, MAX_NATURAL_EXPONENT)
        exps.append({"x": str(x), "result": str(exp(x))})
    lns = []
    for _ in range(40):
        a = rng.choice([rng.randint(1, 10**18), rng.randint(10**18, 10**60), rng.randint(9 * 10**17, 11 * 10**17)])
        lns.append({"x": str(a), "result": str(ln(a))})
    print(json.dumps({
        "about": "generated by devnet/balancer_reference.py (Python ints) from docs/BALANCER_MATH.md; seed 20261125",
        "swaps": swaps, "pow": pows, "exp": exps, "ln": lns,
    }, indent=1))


if __name__ == "__main__":
    main()
