# pragma version 0.4.3
"""
@title Balancer V2 FixedPoint (18 decimals), implemented anew in Vyper
@notice Rounding-directed fixed-point helpers with Balancer V2's semantics (docs/BALANCER_MATH.md).
        Vyper's checked arithmetic reverts on overflow where Balancer reverts with BAL#000..#005;
        division by zero uses Balancer's BAL#004 ZERO_DIVISION.
"""
import log_exp_math

ONE: constant(uint256) = 10**18
TWO: constant(uint256) = 2 * ONE
FOUR: constant(uint256) = 4 * ONE
MAX_POW_RELATIVE_ERROR: constant(uint256) = 10000  # 1e-14


@internal
@pure
def mul_down(a: uint256, b: uint256) -> uint256:
    return a * b // ONE


@internal
@pure
def mul_up(a: uint256, b: uint256) -> uint256:
    product: uint256 = a * b
    if product == 0:
        return 0
    return (product - 1) // ONE + 1


@internal
@pure
def div_down(a: uint256, b: uint256) -> uint256:
    assert b != 0, "BAL#004"
    if a == 0:
        return 0
    return a * ONE // b


@internal
@pure
def div_up(a: uint256, b: uint256) -> uint256:
    assert b != 0, "BAL#004"
    if a == 0:
        return 0
    return (a * ONE - 1) // b + 1


@internal
@pure
def complement(x: uint256) -> uint256:
    """@notice 1 - x, floored at 0 (strips relative error above one)."""
    if x < ONE:
        return ONE - x
    return 0


@internal
@pure
def pow_down(x: uint256, y: uint256) -> uint256:
    """@notice x^y rounded down: never above the true value."""
    if y == ONE:
        return x
    if y == TWO:
        return self.mul_down(x, x)
    if y == FOUR:
        square: uint256 = self.mul_down(x, x)
        return self.mul_down(square, square)
    raw: uint256 = log_exp_math.pow(x, y)
    max_error: uint256 = self.mul_up(raw, MAX_POW_RELATIVE_ERROR) + 1
    if raw < max_error:
        return 0
    return raw - max_error


@internal
@pure
def pow_up(x: uint256, y: uint256) -> uint256:
    """@notice x^y rounded up: never below the true value."""
    if y == ONE:
        return x
    if y == TWO:
        return self.mul_up(x, x)
    if y == FOUR:
        square: uint256 = self.mul_up(x, x)
        return self.mul_up(square, square)
    raw: uint256 = log_exp_math.pow(x, y)
    max_error: uint256 = self.mul_up(raw, MAX_POW_RELATIVE_ERROR) + 1
    return raw + max_error
