# pragma version 0.4.3
"""
@title Balancer V2 WeightedMath swap formulas, implemented anew in Vyper
@notice Out-given-in and in-given-out for a weighted pool, on 18-decimal upscaled amounts, with
        Balancer's rounding directions (docs/BALANCER_MATH.md). A trade may not take in more than 30 %
        of the in-balance (BAL#304 MAX_IN_RATIO) nor take out more than 30 % of the out-balance
        (BAL#305 MAX_OUT_RATIO).
"""
import fixed_point

MAX_IN_RATIO: constant(uint256) = 3 * 10**17
MAX_OUT_RATIO: constant(uint256) = 3 * 10**17


@internal
@pure
def calc_out_given_in(balance_in: uint256, weight_in: uint256, balance_out: uint256, weight_out: uint256,
                      amount_in: uint256) -> uint256:
    # out = bOut * (1 - (bIn / (bIn + aIn))^(wIn / wOut)), rounded down overall
    assert amount_in <= fixed_point.mul_down(balance_in, MAX_IN_RATIO), "BAL#304"
    base: uint256 = fixed_point.div_up(balance_in, balance_in + amount_in)
    exponent: uint256 = fixed_point.div_down(weight_in, weight_out)
    power: uint256 = fixed_point.pow_up(base, exponent)
    return fixed_point.mul_down(balance_out, fixed_point.complement(power))


@internal
@pure
def calc_in_given_out(balance_in: uint256, weight_in: uint256, balance_out: uint256, weight_out: uint256,
                      amount_out: uint256) -> uint256:
    # in = bIn * ((bOut / (bOut - aOut))^(wOut / wIn) - 1), rounded up overall
    assert amount_out <= fixed_point.mul_down(balance_out, MAX_OUT_RATIO), "BAL#305"
    base: uint256 = fixed_point.div_up(balance_out, balance_out - amount_out)
    exponent: uint256 = fixed_point.div_up(weight_out, weight_in)
    power: uint256 = fixed_point.pow_up(base, exponent)
    ratio: uint256 = power - fixed_point.ONE
    return fixed_point.mul_up(balance_in, ratio)
