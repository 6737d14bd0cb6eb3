"""Published formulas the devnet tests check the contracts against (Python ints, no contract code)."""


def uniswap_v2_amount_out(amount_in: int, reserve_in: int, reserve_out: int) -> int:
    """Uniswap V2's getAmountOut: 0.3 % fee, rounded down."""
    with_fee = amount_in * 997
    return with_fee * reserve_out // (reserve_in * 1000 + with_fee)


def uniswap_v2_amount_in(amount_out: int, reserve_in: int, reserve_out: int) -> int:
    """Uniswap V2's getAmountIn: the least input that buys `amount_out`, rounded up."""
    return reserve_in * amount_out * 1000 // ((reserve_out - amount_out) * 997) + 1
