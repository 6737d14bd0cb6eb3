# pragma version 0.4.3
"""
@title Uniswap-V2-compatible pair
@notice Same external ABI, events and integer math as Uniswap V2's pair: 0.3 % fee enforced by the
        K check on balances adjusted by 1000/997, MINIMUM_LIQUIDITY locked on the first mint,
        uint112 reserves, uint32 timestamp, UQ112x112 price accumulators (wrapping), optional
        protocol fee (1/6 of the growth of sqrt(k)) when the factory's feeTo is set.
        The pair is its own ERC-20 LP token. Deployed by the factory from a blueprint.
"""
import safe_token

interface IFactory:
    def feeTo() -> address: view

interface IERC20:
    def balanceOf(owner: address) -> uint256: view

interface IUniswapV2Callee:
    def uniswapV2Call(sender: address, amount0: uint256, amount1: uint256, data: Bytes[MAX_CALLBACK_DATA]): nonpayable

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

event Mint:
    sender: indexed(address)
    amount0: uint256
    amount1: uint256

event Burn:
    sender: indexed(address)
    amount0: uint256
    amount1: uint256
    to: indexed(address)

event Swap:
    sender: indexed(address)
    amount0In: uint256
    amount1In: uint256
    amount0Out: uint256
    amount1Out: uint256
    to: indexed(address)

event Sync:
    reserve0: uint112
    reserve1: uint112

MAX_CALLBACK_DATA: constant(uint256) = 4096
MINIMUM_LIQUIDITY: public(constant(uint256)) = 1000
Q112: constant(uint256) = 2**112

name: public(constant(String[10])) = "Uniswap V2"
symbol: public(constant(String[6])) = "UNI-V2"
decimals: public(constant(uint8)) = 18
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])

factory: public(address)
token0: public(address)
token1: public(address)

reserve0: uint112
reserve1: uint112
blockTimestampLast: uint32

price0CumulativeLast: public(uint256)
price1CumulativeLast: public(uint256)
kLast: public(uint256)


@deploy
def __init__(_token0: address, _token1: address):
    self.factory = msg.sender
    self.token0 = _token0
    self.token1 = _token1


# ---- ERC-20 (LP token) ----

@internal
def _mint(to: address, amount: uint256):
    self.totalSupply += amount
    self.balanceOf[to] += amount
    log Transfer(sender=empty(address), receiver=to, value=amount)


@internal
def _burn(owner: address, amount: uint256):
    self.balanceOf[owner] -= amount
    self.totalSupply -= amount
    log Transfer(sender=owner, receiver=empty(address), value=amount)


@internal
def _transfer(sender: address, receiver: address, amount: uint256):
    self.balanceOf[sender] -= amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=sender, receiver=receiver, value=amount)


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@external
def transfer(receiver: address, amount: uint256) -> bool:
    self._transfer(msg.sender, receiver, amount)
    return True


@external
def transferFrom(sender: address, receiver: address, amount: uint256) -> bool:
    if self.allowance[sender][msg.sender] != max_value(uint256):
        self.allowance[sender][msg.sender] -= amount
    self._transfer(sender, receiver, amount)
    return True


# ---- pair ----

@external
@view
def getReserves() -> (uint112, uint112, uint32):
    return self.reserve0, self.reserve1, self.blockTimestampLast


@internal
def _safe_transfer(token: address, to: address, amount: uint256):
    assert safe_token.transfer(token, to, amount), "UniswapV2: TRANSFER_FAILED"


@internal
def _update(balance0: uint256, balance1: uint256, _reserve0: uint112, _reserve1: uint112):
    assert balance0 <= convert(max_value(uint112), uint256) and balance1 <= convert(max_value(uint112), uint256), "UniswapV2: OVERFLOW"
    block_timestamp: uint32 = convert(block.timestamp % 2**32, uint32)
    time_elapsed: uint32 = unsafe_sub(block_timestamp, self.blockTimestampLast)  # wraps, as intended
    if time_elapsed > 0 and _reserve0 != 0 and _reserve1 != 0:
        r0: uint256 = convert(_reserve0, uint256)
        r1: uint256 = convert(_reserve1, uint256)
        elapsed: uint256 = convert(time_elapsed, uint256)
        # UQ112x112 price (fits in 224 bits) times a uint32: fits in 256 bits; the sum wraps.
        self.price0CumulativeLast = unsafe_add(self.price0CumulativeLast, unsafe_mul(r1 * Q112 // r0, elapsed))
        self.price1CumulativeLast = unsafe_add(self.price1CumulativeLast, unsafe_mul(r0 * Q112 // r1, elapsed))
    self.reserve0 = convert(balance0, uint112)
    self.reserve1 = convert(balance1, uint112)
    self.blockTimestampLast = block_timestamp
    log Sync(reserve0=self.reserve0, reserve1=self.reserve1)


@internal
def _mint_fee(_reserve0: uint112, _reserve1: uint112) -> bool:
    fee_to: address = staticcall IFactory(self.factory).feeTo()
    fee_on: bool = fee_to != empty(address)
    k_last: uint256 = self.kLast
    if fee_on:
        if k_last != 0:
            root_k: uint256 = isqrt(convert(_reserve0, uint256) * convert(_reserve1, uint256))
            root_k_last: uint256 = isqrt(k_last)
            if root_k > root_k_last:
                numerator: uint256 = self.totalSupply * (root_k - root_k_last)
                denominator: uint256 = root_k * 5 + root_k_last
                liquidity: uint256 = numerator // denominator
                if liquidity > 0:
                    self._mint(fee_to, liquidity)
    elif k_last != 0:
        self.kLast = 0
    return fee_on


@external
@nonreentrant
def mint(to: address) -> uint256:
    _reserve0: uint112 = self.reserve0
    _reserve1: uint112 = self.reserve1
    balance0: uint256 = staticcall IERC20(self.token0).balanceOf(self)
    balance1: uint256 = staticcall IERC20(self.token1).balanceOf(self)
    amount0: uint256 = balance0 - convert(_reserve0, uint256)
    amount1: uint256 = balance1 - convert(_reserve1, uint256)

    fee_on: bool = self._mint_fee(_reserve0, _reserve1)
    total_supply: uint256 = self.totalSupply  # read after _mint_fee, which may mint
    liquidity: uint256 = 0
    if total_supply == 0:
        liquidity = isqrt(amount0 * amount1) - MINIMUM_LIQUIDITY
        self._mint(empty(address), MINIMUM_LIQUIDITY)  # locked forever
    else:
        liquidity = min(amount0 * total_supply // convert(_reserve0, uint256), amount1 * total_supply // convert(_reserve1, uint256))
    assert liquidity > 0, "UniswapV2: INSUFFICIENT_LIQUIDITY_MINTED"
    self._mint(to, liquidity)

    self._update(balance0, balance1, _reserve0, _reserve1)
    if fee_on:
        self.kLast = convert(self.reserve0, uint256) * convert(self.reserve1, uint256)
    log Mint(sender=msg.sender, amount0=amount0, amount1=amount1)
    return liquidity


@external
@nonreentrant
def burn(to: address) -> (uint256, uint256):
    _reserve0: uint112 = self.reserve0
    _reserve1: uint112 = self.reserve1
    _token0: address = self.token0
    _token1: address = self.token1
    balance0: uint256 = staticcall IERC20(_token0).balanceOf(self)
    balance1: uint256 = staticcall IERC20(_token1).balanceOf(self)
    liquidity: uint256 = self.balanceOf[self]

    fee_on: bool = self._mint_fee(_reserve0, _reserve1)
    total_supply: uint256 = self.totalSupply
    amount0: uint256 = liquidity * balance0 // total_supply  # pro-rata
    amount1: uint256 = liquidity * balance1 // total_supply
    assert amount0 > 0 and amount1 > 0, "UniswapV2: INSUFFICIENT_LIQUIDITY_BURNED"
    self._burn(self, liquidity)
    self._safe_transfer(_token0, to, amount0)
    self._safe_transfer(_token1, to, amount1)
    balance0 = staticcall IERC20(_token0).balanceOf(self)
    balance1 = staticcall IERC20(_token1).balanceOf(self)

    self._update(balance0, balance1, _reserve0, _reserve1)
    if fee_on:
        self.kLast = convert(self.reserve0, uint256) * convert(self.reserve1, uint256)
    log Burn(sender=msg.sender, amount0=amount0, amount1=amount1, to=to)
    return amount0, amount1


@external
@nonreentrant
def swap(amount0Out: uint256, amount1Out: uint256, to: address, data: Bytes[MAX_CALLBACK_DATA]):
    assert amount0Out > 0 or amount1Out > 0, "UniswapV2: INSUFFICIENT_OUTPUT_AMOUNT"
    _reserve0: uint112 = self.reserve0
    _reserve1: uint112 = self.reserve1
    assert amount0Out < convert(_reserve0, uint256) and amount1Out < convert(_reserve1, uint256), "UniswapV2: INSUFFICIENT_LIQUIDITY"

    _token0: address = self.token0
    _token1: address = self.token1
    assert to != _token0 and to != _token1, "UniswapV2: INVALID_TO"
    # optimistic transfer: pay out first, check the invariant on the balances afterwards
    if amount0Out > 0:
        self._safe_transfer(_token0, to, amount0Out)
    if amount1Out > 0:
        self._safe_transfer(_token1, to, amount1Out)
    if len(data) > 0:
        extcall IUniswapV2Callee(to).uniswapV2Call(msg.sender, amount0Out, amount1Out, data)
    balance0: uint256 = staticcall IERC20(_token0).balanceOf(self)
    balance1: uint256 = staticcall IERC20(_token1).balanceOf(self)

    r0: uint256 = convert(_reserve0, uint256)
    r1: uint256 = convert(_reserve1, uint256)
    amount0In: uint256 = 0
    amount1In: uint256 = 0
    if balance0 > r0 - amount0Out:
        amount0In = balance0 - (r0 - amount0Out)
    if balance1 > r1 - amount1Out:
        amount1In = balance1 - (r1 - amount1Out)
    assert amount0In > 0 or amount1In > 0, "UniswapV2: INSUFFICIENT_INPUT_AMOUNT"
    balance0_adjusted: uint256 = balance0 * 1000 - amount0In * 3
    balance1_adjusted: uint256 = balance1 * 1000 - amount1In * 3
    assert balance0_adjusted * balance1_adjusted >= r0 * r1 * 1000**2, "UniswapV2: K"

    self._update(balance0, balance1, _reserve0, _reserve1)
    log Swap(sender=msg.sender, amount0In=amount0In, amount1In=amount1In, amount0Out=amount0Out, amount1Out=amount1Out, to=to)


@external
@nonreentrant
def skim(to: address):
    """@notice Send balances above the reserves to `to`."""
    _token0: address = self.token0
    _token1: address = self.token1
    self._safe_transfer(_token0, to, staticcall IERC20(_token0).balanceOf(self) - convert(self.reserve0, uint256))
    self._safe_transfer(_token1, to, staticcall IERC20(_token1).balanceOf(self) - convert(self.reserve1, uint256))


@external
@nonreentrant
def sync():
    """@notice Set the reserves to the balances."""
    self._update(staticcall IERC20(self.token0).balanceOf(self), staticcall IERC20(self.token1).balanceOf(self), self.reserve0, self.reserve1)
