# pragma version 0.4.3
"""
@title Balancer V2 LogExpMath, implemented anew in Vyper
@notice x^y for 18-decimal fixed-point numbers as exp(y * ln(x)), with Balancer V2's published
        constants, series lengths and integer division order, so results agree to the wei with
        Balancer and with the Swift quoter (see docs/BALANCER_MATH.md). All arithmetic is int256;
        Vyper's `//` and `%` on int256 truncate toward zero like Solidity's.
        Vyper has no recursion, so the negative branches of exp/ln call a positive-only helper.
        Reverts use Balancer's codes: BAL#006 X_OUT_OF_BOUNDS, BAL#007 Y_OUT_OF_BOUNDS,
        BAL#008 PRODUCT_OUT_OF_BOUNDS, BAL#009 INVALID_EXPONENT.
"""

ONE_18: constant(int256) = 10**18
ONE_20: constant(int256) = 10**20
ONE_36: constant(int256) = 10**36

# e^MAX must fit 20-decimal fixed point in int256; e^MIN must be >= 1e-18
MAX_NATURAL_EXPONENT: constant(int256) = 130 * 10**18
MIN_NATURAL_EXPONENT: constant(int256) = -41 * 10**18

# ln_36 is used for arguments in (0.9, 1.1)
LN_36_LOWER_BOUND: constant(int256) = ONE_18 - 10**17
LN_36_UPPER_BOUND: constant(int256) = ONE_18 + 10**17

MILD_EXPONENT_BOUND: constant(uint256) = 2**254 // 10**20

# x_n = 2^(7 - n); a_n = e^(x_n). x0, x1 and a0, a1 are 18-decimal / plain integers,
# the rest are 20-decimal fixed point.
X0: constant(int256) = 128000000000000000000
A0: constant(int256) = 38877084059945950922200000000000000000000000000000000000
X1: constant(int256) = 64000000000000000000
A1: constant(int256) = 6235149080811616882910000000
X2: constant(int256) = 3200000000000000000000
A2: constant(int256) = 7896296018268069516100000000000000
X3: constant(int256) = 1600000000000000000000
A3: constant(int256) = 888611052050787263676000000
X4: constant(int256) = 800000000000000000000
A4: constant(int256) = 298095798704172827474000
X5: constant(int256) = 400000000000000000000
A5: constant(int256) = 5459815003314423907810
X6: constant(int256) = 200000000000000000000
A6: constant(int256) = 738905609893065022723
X7: constant(int256) = 100000000000000000000
A7: constant(int256) = 271828182845904523536
X8: constant(int256) = 50000000000000000000
A8: constant(int256) = 164872127070012814685
X9: constant(int256) = 25000000000000000000
A9: constant(int256) = 128402541668774148407
X10: constant(int256) = 12500000000000000000
A10: constant(int256) = 113314845306682631683
X11: constant(int256) = 6250000000000000000
A11: constant(int256) = 106449445891785942956


@internal
@pure
def pow(x: uint256, y: uint256) -> uint256:
    """@notice x^y, both 18-decimal fixed point; 0^0 = 1."""
    if y == 0:
        return convert(ONE_18, uint256)
    if x == 0:
        return 0
    assert x >> 255 == 0, "BAL#006"
    x_int: int256 = convert(x, int256)
    assert y < MILD_EXPONENT_BOUND, "BAL#007"
    y_int: int256 = convert(y, int256)

    logx_times_y: int256 = 0
    if LN_36_LOWER_BOUND < x_int and x_int < LN_36_UPPER_BOUND:
        ln_36_x: int256 = self._ln_36(x_int)
        # 36-decimal ln times an 18-decimal y, split so that nothing overflows
        logx_times_y = (ln_36_x // ONE_18) * y_int + ((ln_36_x % ONE_18) * y_int) // ONE_18
    else:
        logx_times_y = self._ln(x_int) * y_int
    logx_times_y = logx_times_y // ONE_18

    assert MIN_NATURAL_EXPONENT <= logx_times_y and logx_times_y <= MAX_NATURAL_EXPONENT, "BAL#008"
    return convert(self.exp(logx_times_y), uint256)


@internal
@pure
def exp(x: int256) -> int256:
    """@notice e^x, 18-decimal fixed point in and out."""
    assert x >= MIN_NATURAL_EXPONENT and x <= MAX_NATURAL_EXPONENT, "BAL#009"
    if x < 0:
        # e^(-x) = 1 / e^x
        return (ONE_18 * ONE_18) // self._exp_non_negative(-x)
    return self._exp_non_negative(x)


@internal
@pure
def _exp_non_negative(x_in: int256) -> int256:
    x: int256 = x_in
    # decompose x into a sum of the x_n; a0 and a1 are plain integers
    first_an: int256 = 1
    if x >= X0:
        x -= X0
        first_an = A0
    elif x >= X1:
        x -= X1
        first_an = A1

    # 20-decimal fixed point from here on
    x *= 100
    product: int256 = ONE_20
    if x >= X2:
        x -= X2
        product = (product * A2) // ONE_20
    if x >= X3:
        x -= X3
        product = (product * A3) // ONE_20
    if x >= X4:
        x -= X4
        product = (product * A4) // ONE_20
    if x >= X5:
        x -= X5
        product = (product * A5) // ONE_20
    if x >= X6:
        x -= X6
        product = (product * A6) // ONE_20
    if x >= X7:
        x -= X7
        product = (product * A7) // ONE_20
    if x >= X8:
        x -= X8
        product = (product * A8) // ONE_20
    if x >= X9:
        x -= X9
        product = (product * A9) // ONE_20

    # Taylor series of e^x for the remainder (< x9): 12 terms after the leading one
    series_sum: int256 = ONE_20
    term: int256 = x
    series_sum += term
    for n: int256 in range(2, 13):
        term = ((term * x) // ONE_20) // n
        series_sum += term

    return (((product * series_sum) // ONE_20) * first_an) // 100


@internal
@pure
def _ln(a: int256) -> int256:
    """@notice ln(a), 18-decimal fixed point; a > 0."""
    if a < ONE_18:
        # ln(a) = -ln(1/a)
        return -self._ln_at_least_one((ONE_18 * ONE_18) // a)
    return self._ln_at_least_one(a)


@internal
@pure
def _ln_at_least_one(a_in: int256) -> int256:
    a: int256 = a_in
    total: int256 = 0
    # a0 and a1 are plain integers: compare against them scaled to 18 decimals, divide as integers
    if a >= A0 * ONE_18:
        a //= A0
        total += X0
    if a >= A1 * ONE_18:
        a //= A1
        total += X1

    # 20-decimal fixed point from here on
    total *= 100
    a *= 100
    if a >= A2:
        a = (a * ONE_20) // A2
        total += X2
    if a >= A3:
        a = (a * ONE_20) // A3
        total += X3
    if a >= A4:
        a = (a * ONE_20) // A4
        total += X4
    if a >= A5:
        a = (a * ONE_20) // A5
        total += X5
    if a >= A6:
        a = (a * ONE_20) // A6
        total += X6
    if a >= A7:
        a = (a * ONE_20) // A7
        total += X7
    if a >= A8:
        a = (a * ONE_20) // A8
        total += X8
    if a >= A9:
        a = (a * ONE_20) // A9
        total += X9
    if a >= A10:
        a = (a * ONE_20) // A10
        total += X10
    if a >= A11:
        a = (a * ONE_20) // A11
        total += X11

    # ln(a) = 2 * atanh(z) = 2 * (z + z^3/3 + z^5/5 + ...), z = (a - 1) / (a + 1); 6 terms
    z: int256 = ((a - ONE_20) * ONE_20) // (a + ONE_20)
    z_squared: int256 = (z * z) // ONE_20
    num: int256 = z
    series_sum: int256 = num
    for k: int256 in [3, 5, 7, 9, 11]:
        num = (num * z_squared) // ONE_20
        series_sum += num // k
    series_sum *= 2

    return (total + series_sum) // 100


@internal
@pure
def _ln_36(x_in: int256) -> int256:
    """@notice ln(x) with 36 decimals for x (18 decimals) close to one."""
    x: int256 = x_in * ONE_18
    # same atanh series as _ln, 8 terms, 36-decimal fixed point
    z: int256 = ((x - ONE_36) * ONE_36) // (x + ONE_36)
    z_squared: int256 = (z * z) // ONE_36
    num: int256 = z
    series_sum: int256 = num
    for k: int256 in [3, 5, 7, 9, 11, 13, 15]:
        num = (num * z_squared) // ONE_36
        series_sum += num // k
    return series_sum * 2
