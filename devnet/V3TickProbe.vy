# pragma version 0.4.3
"""
@title Tick probe for the devnet's Uniswap V3 tests
@notice TickMath has no external entry point; these read the pool's own getTickAtSqrtRatio through
        slot0. Meant for eth_call only: moves through empty ranges owe nothing, so the callback
        pays nothing.
"""

interface IPool:
    def swap(recipient: address, zeroForOne: bool, amountSpecified: int256, sqrtPriceLimitX96: uint160,
             data: Bytes[32]) -> (int256, int256): nonpayable
    def slot0() -> (uint160, int24, uint16, uint16, uint16, uint8, bool): view
    def initialize(sqrtPriceX96: uint160): nonpayable

interface IFactory:
    def createPool(tokenA: address, tokenB: address, fee: uint24) -> address: nonpayable


@internal
@view
def _slot0(pool: address) -> (uint160, int24):
    price: uint160 = 0
    tick: int24 = 0
    a: uint16 = 0
    b: uint16 = 0
    c: uint16 = 0
    d: uint8 = 0
    e: bool = False
    price, tick, a, b, c, d, e = staticcall IPool(pool).slot0()
    return price, tick


@external
def ticksAfterMoves(pool: address, prices: DynArray[uint160, 1024]) -> DynArray[int24, 1024]:
    """
    @notice Move an empty pool's price to each of `prices` in turn (a 1-wei exact-in swap limited
            at that price) and return slot0's tick after each move.
    """
    out: DynArray[int24, 1024] = []
    for p: uint160 in prices:
        current: uint160 = 0
        tick: int24 = 0
        current, tick = self._slot0(pool)
        extcall IPool(pool).swap(self, p < current, 1, p, b"")
        current, tick = self._slot0(pool)
        out.append(tick)
    return out


@external
def ticksOfNewPools(factory: address, fee: uint24, prices: DynArray[uint160, 32]) -> DynArray[int24, 32]:
    """
    @notice Create a pool for each price (placeholder token addresses: initialize touches no
            token), initialize it there and return slot0's tick.
    """
    out: DynArray[int24, 32] = []
    i: uint256 = 0
    for p: uint160 in prices:
        i += 1
        pool: address = extcall IFactory(factory).createPool(convert(convert(i, uint160), address),
                                                             convert(convert(i + 65536, uint160), address), fee)
        extcall IPool(pool).initialize(p)
        price: uint160 = 0
        tick: int24 = 0
        price, tick = self._slot0(pool)
        out.append(tick)
    return out


@external
def uniswapV3SwapCallback(amount0Delta: int256, amount1Delta: int256, data: Bytes[32]):
    assert amount0Delta <= 0 and amount1Delta <= 0, "probe pays nothing"
