# pragma version 0.4.3
"""
@title Uniswap-V2-compatible router (Router02 subset)
@notice Same function signatures, integer math and revert strings as Uniswap V2's Router02 and
        UniswapV2Library, for: liquidity add/remove, exact-in/exact-out token swaps, ETH<->token
        swaps through WETH, and the quoting helpers. Pairs are looked up with factory.getPair
        (no CREATE2 init-code hash), so any factory following the V2 ABI works.
"""
import safe_token

interface IFactory:
    def getPair(tokenA: address, tokenB: address) -> address: view
    def createPair(tokenA: address, tokenB: address) -> address: nonpayable

interface IPair:
    def getReserves() -> (uint112, uint112, uint32): view
    def mint(to: address) -> uint256: nonpayable
    def burn(to: address) -> (uint256, uint256): nonpayable
    def swap(amount0Out: uint256, amount1Out: uint256, to: address, data: Bytes[1]): nonpayable
    def transferFrom(sender: address, receiver: address, amount: uint256) -> bool: nonpayable

interface IWETH:
    def deposit(): payable
    def withdraw(wad: uint256): nonpayable
    def transfer(dst: address, wad: uint256) -> bool: nonpayable

# longest accepted path (tokens), i.e. up to MAX_PATH - 1 hops
MAX_PATH: constant(uint256) = 8

factory: public(immutable(address))
WETH: public(immutable(address))


@deploy
def __init__(_factory: address, _WETH: address):
    factory = _factory
    WETH = _WETH


@external
@payable
def __default__():
    assert msg.sender == WETH  # only accept ETH via fallback from the WETH contract


@internal
@view
def _ensure(deadline: uint256):
    assert deadline >= block.timestamp, "UniswapV2Router: EXPIRED"


# ---- library ----

@internal
@pure
def _sort_tokens(tokenA: address, tokenB: address) -> (address, address):
    assert tokenA != tokenB, "UniswapV2Library: IDENTICAL_ADDRESSES"
    token0: address = tokenA
    token1: address = tokenB
    if convert(tokenB, uint256) < convert(tokenA, uint256):
        token0 = tokenB
        token1 = tokenA
    assert token0 != empty(address), "UniswapV2Library: ZERO_ADDRESS"
    return token0, token1


@internal
@view
def _pair_for(tokenA: address, tokenB: address) -> address:
    pair: address = staticcall IFactory(factory).getPair(tokenA, tokenB)
    assert pair != empty(address), "UniswapV2Library: PAIR_NOT_FOUND"
    return pair


@internal
@view
def _get_reserves(tokenA: address, tokenB: address) -> (uint256, uint256):
    token0: address = empty(address)
    token1: address = empty(address)
    token0, token1 = self._sort_tokens(tokenA, tokenB)
    reserve0: uint112 = 0
    reserve1: uint112 = 0
    ts: uint32 = 0
    reserve0, reserve1, ts = staticcall IPair(self._pair_for(tokenA, tokenB)).getReserves()
    if tokenA == token0:
        return convert(reserve0, uint256), convert(reserve1, uint256)
    return convert(reserve1, uint256), convert(reserve0, uint256)


@internal
@pure
def _quote(amountA: uint256, reserveA: uint256, reserveB: uint256) -> uint256:
    assert amountA > 0, "UniswapV2Library: INSUFFICIENT_AMOUNT"
    assert reserveA > 0 and reserveB > 0, "UniswapV2Library: INSUFFICIENT_LIQUIDITY"
    return amountA * reserveB // reserveA


@internal
@pure
def _get_amount_out(amountIn: uint256, reserveIn: uint256, reserveOut: uint256) -> uint256:
    assert amountIn > 0, "UniswapV2Library: INSUFFICIENT_INPUT_AMOUNT"
    assert reserveIn > 0 and reserveOut > 0, "UniswapV2Library: INSUFFICIENT_LIQUIDITY"
    amount_in_with_fee: uint256 = amountIn * 997
    numerator: uint256 = amount_in_with_fee * reserveOut
    denominator: uint256 = reserveIn * 1000 + amount_in_with_fee
    return numerator // denominator


@internal
@pure
def _get_amount_in(amountOut: uint256, reserveIn: uint256, reserveOut: uint256) -> uint256:
    assert amountOut > 0, "UniswapV2Library: INSUFFICIENT_OUTPUT_AMOUNT"
    assert reserveIn > 0 and reserveOut > 0, "UniswapV2Library: INSUFFICIENT_LIQUIDITY"
    numerator: uint256 = reserveIn * amountOut * 1000
    denominator: uint256 = (reserveOut - amountOut) * 997
    return numerator // denominator + 1


@internal
@view
def _get_amounts_out(amountIn: uint256, path: DynArray[address, MAX_PATH]) -> DynArray[uint256, MAX_PATH]:
    assert len(path) >= 2, "UniswapV2Library: INVALID_PATH"
    amounts: DynArray[uint256, MAX_PATH] = [amountIn]
    for i: uint256 in range(MAX_PATH - 1):
        if i + 1 >= len(path):
            break
        reserve_in: uint256 = 0
        reserve_out: uint256 = 0
        reserve_in, reserve_out = self._get_reserves(path[i], path[i + 1])
        amounts.append(self._get_amount_out(amounts[i], reserve_in, reserve_out))
    return amounts


@internal
@view
def _get_amounts_in(amountOut: uint256, path: DynArray[address, MAX_PATH]) -> DynArray[uint256, MAX_PATH]:
    assert len(path) >= 2, "UniswapV2Library: INVALID_PATH"
    n: uint256 = len(path)
    amounts: DynArray[uint256, MAX_PATH] = []
    for i: uint256 in range(MAX_PATH):
        if i >= n:
            break
        amounts.append(0)
    amounts[n - 1] = amountOut
    for j: uint256 in range(MAX_PATH - 1):
        if j + 1 >= n:
            break
        i: uint256 = n - 1 - j
        reserve_in: uint256 = 0
        reserve_out: uint256 = 0
        reserve_in, reserve_out = self._get_reserves(path[i - 1], path[i])
        amounts[i - 1] = self._get_amount_in(amounts[i], reserve_in, reserve_out)
    return amounts


@external
@pure
def quote(amountA: uint256, reserveA: uint256, reserveB: uint256) -> uint256:
    return self._quote(amountA, reserveA, reserveB)


@external
@pure
def getAmountOut(amountIn: uint256, reserveIn: uint256, reserveOut: uint256) -> uint256:
    return self._get_amount_out(amountIn, reserveIn, reserveOut)


@external
@pure
def getAmountIn(amountOut: uint256, reserveIn: uint256, reserveOut: uint256) -> uint256:
    return self._get_amount_in(amountOut, reserveIn, reserveOut)


@external
@view
def getAmountsOut(amountIn: uint256, path: DynArray[address, MAX_PATH]) -> DynArray[uint256, MAX_PATH]:
    return self._get_amounts_out(amountIn, path)


@external
@view
def getAmountsIn(amountOut: uint256, path: DynArray[address, MAX_PATH]) -> DynArray[uint256, MAX_PATH]:
    return self._get_amounts_in(amountOut, path)


# ---- transfers ----

@internal
def _safe_transfer_from(token: address, sender: address, receiver: address, amount: uint256):
    assert safe_token.transfer_from(token, sender, receiver, amount), "TransferHelper::transferFrom: transferFrom failed"


@internal
def _safe_transfer(token: address, receiver: address, amount: uint256):
    assert safe_token.transfer(token, receiver, amount), "TransferHelper::safeTransfer: transfer failed"


@internal
def _safe_transfer_eth(receiver: address, amount: uint256):
    raw_call(receiver, b"", value=amount)


# ---- liquidity ----

@internal
def _add_liquidity(tokenA: address, tokenB: address, amountADesired: uint256, amountBDesired: uint256,
                   amountAMin: uint256, amountBMin: uint256) -> (uint256, uint256):
    if staticcall IFactory(factory).getPair(tokenA, tokenB) == empty(address):
        extcall IFactory(factory).createPair(tokenA, tokenB)
    reserve_a: uint256 = 0
    reserve_b: uint256 = 0
    reserve_a, reserve_b = self._get_reserves(tokenA, tokenB)
    if reserve_a == 0 and reserve_b == 0:
        return amountADesired, amountBDesired
    amount_b_optimal: uint256 = self._quote(amountADesired, reserve_a, reserve_b)
    if amount_b_optimal <= amountBDesired:
        assert amount_b_optimal >= amountBMin, "UniswapV2Router: INSUFFICIENT_B_AMOUNT"
        return amountADesired, amount_b_optimal
    amount_a_optimal: uint256 = self._quote(amountBDesired, reserve_b, reserve_a)
    assert amount_a_optimal <= amountADesired
    assert amount_a_optimal >= amountAMin, "UniswapV2Router: INSUFFICIENT_A_AMOUNT"
    return amount_a_optimal, amountBDesired


@external
def addLiquidity(tokenA: address, tokenB: address, amountADesired: uint256, amountBDesired: uint256,
                 amountAMin: uint256, amountBMin: uint256, to: address, deadline: uint256) -> (uint256, uint256, uint256):
    self._ensure(deadline)
    amount_a: uint256 = 0
    amount_b: uint256 = 0
    amount_a, amount_b = self._add_liquidity(tokenA, tokenB, amountADesired, amountBDesired, amountAMin, amountBMin)
    pair: address = self._pair_for(tokenA, tokenB)
    self._safe_transfer_from(tokenA, msg.sender, pair, amount_a)
    self._safe_transfer_from(tokenB, msg.sender, pair, amount_b)
    liquidity: uint256 = extcall IPair(pair).mint(to)
    return amount_a, amount_b, liquidity


@external
def removeLiquidity(tokenA: address, tokenB: address, liquidity: uint256, amountAMin: uint256,
                    amountBMin: uint256, to: address, deadline: uint256) -> (uint256, uint256):
    self._ensure(deadline)
    pair: address = self._pair_for(tokenA, tokenB)
    extcall IPair(pair).transferFrom(msg.sender, pair, liquidity)  # send liquidity to pair
    amount0: uint256 = 0
    amount1: uint256 = 0
    amount0, amount1 = extcall IPair(pair).burn(to)
    token0: address = empty(address)
    token1: address = empty(address)
    token0, token1 = self._sort_tokens(tokenA, tokenB)
    amount_a: uint256 = amount0
    amount_b: uint256 = amount1
    if tokenA != token0:
        amount_a = amount1
        amount_b = amount0
    assert amount_a >= amountAMin, "UniswapV2Router: INSUFFICIENT_A_AMOUNT"
    assert amount_b >= amountBMin, "UniswapV2Router: INSUFFICIENT_B_AMOUNT"
    return amount_a, amount_b


# ---- swaps ----

@internal
def _swap(amounts: DynArray[uint256, MAX_PATH], path: DynArray[address, MAX_PATH], _to: address):
    """@dev requires the initial amount to have already been sent to the first pair"""
    n: uint256 = len(path)
    for i: uint256 in range(MAX_PATH - 1):
        if i + 1 >= n:
            break
        input: address = path[i]
        output: address = path[i + 1]
        token0: address = empty(address)
        token1: address = empty(address)
        token0, token1 = self._sort_tokens(input, output)
        amount_out: uint256 = amounts[i + 1]
        # input token0 -> the pair pays out token1, and vice versa
        amount0_out: uint256 = amount_out
        amount1_out: uint256 = 0
        if input == token0:
            amount0_out = 0
            amount1_out = amount_out
        to: address = _to
        if i + 2 < n:
            to = self._pair_for(output, path[i + 2])
        extcall IPair(self._pair_for(input, output)).swap(amount0_out, amount1_out, to, b"")


@external
def swapExactTokensForTokens(amountIn: uint256, amountOutMin: uint256, path: DynArray[address, MAX_PATH],
                             to: address, deadline: uint256) -> DynArray[uint256, MAX_PATH]:
    self._ensure(deadline)
    amounts: DynArray[uint256, MAX_PATH] = self._get_amounts_out(amountIn, path)
    assert amounts[len(amounts) - 1] >= amountOutMin, "UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT"
    self._safe_transfer_from(path[0], msg.sender, self._pair_for(path[0], path[1]), amounts[0])
    self._swap(amounts, path, to)
    return amounts


@external
def swapTokensForExactTokens(amountOut: uint256, amountInMax: uint256, path: DynArray[address, MAX_PATH],
                             to: address, deadline: uint256) -> DynArray[uint256, MAX_PATH]:
    self._ensure(deadline)
    amounts: DynArray[uint256, MAX_PATH] = self._get_amounts_in(amountOut, path)
    assert amounts[0] <= amountInMax, "UniswapV2Router: EXCESSIVE_INPUT_AMOUNT"
    self._safe_transfer_from(path[0], msg.sender, self._pair_for(path[0], path[1]), amounts[0])
    self._swap(amounts, path, to)
    return amounts


@external
@payable
def swapExactETHForTokens(amountOutMin: uint256, path: DynArray[address, MAX_PATH], to: address,
                          deadline: uint256) -> DynArray[uint256, MAX_PATH]:
    self._ensure(deadline)
    assert len(path) >= 2 and path[0] == WETH, "UniswapV2Router: INVALID_PATH"
    amounts: DynArray[uint256, MAX_PATH] = self._get_amounts_out(msg.value, path)
    assert amounts[len(amounts) - 1] >= amountOutMin, "UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT"
    extcall IWETH(WETH).deposit(value=amounts[0])
    assert extcall IWETH(WETH).transfer(self._pair_for(path[0], path[1]), amounts[0])
    self._swap(amounts, path, to)
    return amounts


@external
def swapExactTokensForETH(amountIn: uint256, amountOutMin: uint256, path: DynArray[address, MAX_PATH],
                          to: address, deadline: uint256) -> DynArray[uint256, MAX_PATH]:
    self._ensure(deadline)
    assert len(path) >= 2 and path[len(path) - 1] == WETH, "UniswapV2Router: INVALID_PATH"
    amounts: DynArray[uint256, MAX_PATH] = self._get_amounts_out(amountIn, path)
    amount_out: uint256 = amounts[len(amounts) - 1]
    assert amount_out >= amountOutMin, "UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT"
    self._safe_transfer_from(path[0], msg.sender, self._pair_for(path[0], path[1]), amounts[0])
    self._swap(amounts, path, self)
    extcall IWETH(WETH).withdraw(amount_out)
    self._safe_transfer_eth(to, amount_out)
    return amounts
