# pragma version 0.4.3
"""
@title Rebalancing vault
@notice Holds a portfolio of ERC-20 tokens. The owner (a cold treasury address) chooses the
        operator and the guardian, allowlists tokens, factories and pools, sets each token's price
        feed and the loss limits, and is the only one who can withdraw. The operator (the
        rebalancer's hot key) can only call `rebalance`: a list of swap steps executed in order,
        atomically, against allowlisted pools, each with its minimum output, followed by
        post-conditions on the balances; any failure reverts the whole call. The guardian (a
        second key kept apart from the operator's) can only pause.
        Every swap pays its output to this contract (the recipient is never a parameter), so a
        leaked operator key cannot move funds out, call an unlisted contract or change roles.
        What it can still do is trade at bad prices; the bounds below cap that on chain.
@dev    Bounds of a leaked operator key (all values in USD with 18 decimals, at prices from
        owner-set Chainlink-style feeds read inside `rebalance`, which no pool trade can move):
        - per call: the vault's balance change of every allowlisted token is measured; the value
          received must be >= the value given x (1 - maxLossBps) and the value given <=
          maxCallPercent of NAV;
        - per rolling day: value given <= maxDailyPercent of NAV and measured loss
          (given - received) <= maxDailyLossBps of NAV. Both budgets refill linearly (the cap per
          24 hours, at the NAV of the refilling call), so a full budget is whole again 24 hours
          later. Worst case: a budget that starts unused lets its cap through at once and refills
          by one more cap over the next 24 hours, so any 24-hour window sees at most 2 x the cap
          (defaults: 0.6 % of NAV lost), and n consecutive days at most (n + 1) x the cap
          (0.3 % a day in the long run).
        Constant-product pools (Uniswap V2 pairs) are swapped directly: the input is transferred to
        the pair and `swap` is called with the output computed from `getReserves()` by Uniswap V2's
        formula (0.3 % fee). When a constant-product step's output feeds the next step
        (amountIn = 0) and that step is another pair, the first pair pays the second one directly,
        as Uniswap's router does, saving a transfer. Weighted pools are swapped through the
        Balancer V2 vault fixed at deployment (`swap` with a GIVEN_IN SingleSwap), approving
        exactly the input. Concentrated-liquidity pools (Uniswap V3) are called directly: `swap`
        with the step's exact input and the extreme price limit (minAmountOut bounds the price),
        and the input is paid in `uniswapV3SwapCallback`, only to the pool being called, once,
        and never more than the step's input. A V3 step whose output feeds a pair pays that pair
        directly, like a pair does.
"""
import safe_token

# ---------------------------------------------------------------------------- external interfaces

interface IERC20:
    def balanceOf(owner: address) -> uint256: view
    def decimals() -> uint8: view

interface AggregatorV3:
    def decimals() -> uint8: view
    def latestRoundData() -> (uint80, int256, uint256, uint256, uint80): view

interface IUniswapV2Factory:
    def getPair(tokenA: address, tokenB: address) -> address: view

interface IUniswapV2Pair:
    def token0() -> address: view
    def token1() -> address: view
    def getReserves() -> (uint112, uint112, uint32): view
    def swap(amount0Out: uint256, amount1Out: uint256, to: address, data: Bytes[1]): nonpayable

interface IUniswapV3Factory:
    def getPool(tokenA: address, tokenB: address, fee: uint24) -> address: view

interface IUniswapV3Pool:
    def token0() -> address: view
    def token1() -> address: view
    def fee() -> uint24: view

interface IBalancerPool:
    def getPoolId() -> bytes32: view

# Balancer V2's vault structs (SwapKind is an enum: uint8 in the ABI; GIVEN_IN = 0)
struct SingleSwap:
    poolId: bytes32
    kind: uint8
    assetIn: address
    assetOut: address
    amount: uint256
    userData: Bytes[1]

struct FundManagement:
    sender: address
    fromInternalBalance: bool
    recipient: address
    toInternalBalance: bool

interface IBalancerVault:
    def getPoolTokens(poolId: bytes32) -> (DynArray[address, MAX_POOL_TOKENS], DynArray[uint256, MAX_POOL_TOKENS], uint256): view
    def getPool(poolId: bytes32) -> (address, uint8): view
    def swap(singleSwap: SingleSwap, funds: FundManagement, limit: uint256, deadline: uint256) -> uint256: payable

# ---------------------------------------------------------------------------- types and limits

MAX_STEPS: constant(uint256) = 32
MAX_RECEIVED: constant(uint256) = 16
MAX_POOL_TOKENS: constant(uint256) = 8
MAX_POOLS_PER_TOKEN: constant(uint256) = 64
MAX_TOKENS: public(constant(uint256)) = 16  # allowlisted tokens: each is priced on every rebalance

# A feed's answer is accepted up to its heartbeat plus this margin after its updatedAt: Chainlink
# posts on the heartbeat, and the round's transaction can take a few minutes to be mined.
PRICE_STALENESS_MARGIN: public(constant(uint256)) = 600
MAX_HEARTBEAT: constant(uint256) = 7 * 86400
DAY: constant(uint256) = 86400
VALUE_DECIMALS: constant(uint256) = 18  # "value" is USD with 18 decimals

# default limits
DEFAULT_MAX_LOSS_BPS: constant(uint256) = 100
DEFAULT_MAX_CALL_PERCENT: constant(uint256) = 10
DEFAULT_MAX_DAILY_PERCENT: constant(uint256) = 30
DEFAULT_MAX_DAILY_LOSS_BPS: constant(uint256) = 30

KIND_CONSTANT_PRODUCT: constant(uint8) = 0
KIND_WEIGHTED: constant(uint8) = 1
KIND_CONCENTRATED_LIQUIDITY: constant(uint8) = 2

# Uniswap V3's TickMath bounds: a swap to one of these limits spends its whole input (or all the
# liquidity there is); the step's minAmountOut is the price bound
MIN_SQRT_RATIO: constant(uint256) = 4295128739
MAX_SQRT_RATIO: constant(uint256) = 1461446703485210103287273052203988822378723970342

# route[pool][tokenIn][tokenOut]: how a swap through an allowlisted pool is executed; 0 unless the
# pool and both tokens are allowed (kept up to date by allowPool, disallowPool and setTokenAllowed)
ROUTE_NONE: constant(uint8) = 0
ROUTE_TOKEN0_FOR_TOKEN1: constant(uint8) = 1  # constant product, tokenIn is the pair's token0
ROUTE_TOKEN1_FOR_TOKEN0: constant(uint8) = 2  # constant product, tokenIn is the pair's token1
ROUTE_WEIGHTED: constant(uint8) = 3  # Balancer weighted pool
ROUTE_V3_ZERO_FOR_ONE: constant(uint8) = 4  # concentrated liquidity, tokenIn is the pool's token0
ROUTE_V3_ONE_FOR_ZERO: constant(uint8) = 5  # concentrated liquidity, tokenIn is the pool's token1

struct Step:
    pool: address
    tokenIn: address
    tokenOut: address
    amountIn: uint256  # 0: all of the previous step's output (multi-hop)
    minAmountOut: uint256

struct MinReceived:
    token: address
    amount: uint256  # required growth of this contract's balance of `token` over the whole call

struct PoolInfo:
    allowed: bool
    kind: uint8
    balancerVault: address  # kind 1 only
    poolId: bytes32  # kind 1 only
    tokens: DynArray[address, MAX_POOL_TOKENS]  # token0, token1 (kinds 0, 2) or getPoolTokens order

# ---------------------------------------------------------------------------- events

event Swapped:
    pool: indexed(address)
    tokenIn: indexed(address)
    tokenOut: indexed(address)
    amountIn: uint256
    amountOut: uint256

event Rebalanced:
    operator: indexed(address)
    steps: uint256
    checks: uint256  # minReceived entries verified
    valueGiven: uint256  # USD, 18 decimals, at the feeds' prices
    valueReceived: uint256

event PriceFeedSet:
    token: indexed(address)
    feed: indexed(address)
    heartbeat: uint256

event LimitsSet:
    maxLossBps: uint256
    maxCallPercent: uint256
    maxDailyPercent: uint256
    maxDailyLossBps: uint256

event GuardianSet:
    previousGuardian: indexed(address)
    newGuardian: indexed(address)

event Paused:
    by: indexed(address)

event Unpaused:
    by: indexed(address)

event FactoryAllowed:
    factory: indexed(address)
    allowed: bool

event ETHSwept:
    to: indexed(address)
    amount: uint256

event OperatorSet:
    previousOperator: indexed(address)
    newOperator: indexed(address)

event OwnershipTransferStarted:
    previousOwner: indexed(address)
    newOwner: indexed(address)

event OwnershipTransferred:
    previousOwner: indexed(address)
    newOwner: indexed(address)

event TokenAllowed:
    token: indexed(address)
    allowed: bool

event PoolAllowed:
    pool: indexed(address)
    kind: uint8
    balancerVault: address
    poolId: bytes32

event PoolDisallowed:
    pool: indexed(address)

event Withdrawn:
    token: indexed(address)
    to: indexed(address)
    amount: uint256

# ---------------------------------------------------------------------------- storage

owner: public(address)
pendingOwner: public(address)
operator: public(address)
guardian: public(address)
balancerVault: public(immutable(address))
tokenAllowed: public(HashMap[address, bool])
_tokenAt: HashMap[uint256, address]  # the allowlisted tokens, 0 .. count - 1 (count: in _config)
factoryAllowed: public(HashMap[address, bool])
poolInfo: public(HashMap[address, PoolInfo])
tokenPools: HashMap[address, DynArray[address, MAX_POOLS_PER_TOKEN]]  # allowlisted pools holding a token
route: public(HashMap[address, HashMap[address, HashMap[address, uint8]]])

# Packed so that `rebalance` reads each with one storage access (getters below):
# _feeds[token]: feed address (bits 0-159), heartbeat (160-191), token decimals (192-199),
#                feed decimals (200-207)
_feeds: HashMap[address, uint256]
# _config: maxLossBps (bits 0-15), maxCallPercent (16-23), maxDailyPercent (24-31),
#          maxDailyLossBps (32-47), paused (48), number of allowlisted tokens (56-63), and the
#          rolling day's budgets as of the timestamp in bits 64-95 (seconds; good until 2106):
#          volume used (96-175) and loss used (176-255), in USD cents (1e16 value units, rounded
#          up), so that `rebalance` reads and writes one slot for all of it
_config: uint256
DAILY_MASK: constant(uint256) = (2**192 - 1) << 64
CENT: constant(uint256) = 10**16

# The one V3 swap in progress, for its callback: the pool being called (only it is paid, once:
# the callback clears it), the input token and the most it may take. Transient: gone after the
# transaction, and never written outside `rebalance`'s V3 steps.
_v3Pool: transient(address)
_v3TokenIn: transient(address)
_v3AmountIn: transient(uint256)
_v3ZeroForOne: transient(bool)


@deploy
def __init__(_owner: address, _operator: address, _balancerVault: address):
    """@param _balancerVault The Balancer V2 vault weighted pools are swapped in (zero: none)."""
    assert _owner != empty(address), "zero owner"
    assert _balancerVault == empty(address) or _balancerVault.is_contract, "balancer vault not a contract"
    self.owner = _owner
    self.operator = _operator
    balancerVault = _balancerVault
    self._config = self._pack_config(DEFAULT_MAX_LOSS_BPS, DEFAULT_MAX_CALL_PERCENT, DEFAULT_MAX_DAILY_PERCENT,
                                     DEFAULT_MAX_DAILY_LOSS_BPS, False)
    # the rolling day starts now, with its budgets unused
    self._config |= block.timestamp << 64
    log OwnershipTransferred(previousOwner=empty(address), newOwner=_owner)
    log OperatorSet(previousOperator=empty(address), newOperator=_operator)


# ---------------------------------------------------------------------------- packed state

@internal
@pure
def _pack_config(_maxLossBps: uint256, _maxCallPercent: uint256, _maxDailyPercent: uint256,
                 _maxDailyLossBps: uint256, _paused: bool) -> uint256:
    flag: uint256 = 0
    if _paused:
        flag = 1
    return _maxLossBps | (_maxCallPercent << 16) | (_maxDailyPercent << 24) | (_maxDailyLossBps << 32) | (flag << 48)


@external
@view
def maxLossBps() -> uint256:
    return self._config & 65535


@external
@view
def maxCallPercent() -> uint256:
    return (self._config >> 16) & 255


@external
@view
def maxDailyPercent() -> uint256:
    return (self._config >> 24) & 255


@external
@view
def maxDailyLossBps() -> uint256:
    return (self._config >> 32) & 65535


@external
@view
def paused() -> bool:
    return (self._config >> 48) & 1 == 1


@external
@view
def priceFeed(_token: address) -> (address, uint256, uint8, uint8):
    """@notice (feed, heartbeat in seconds, token decimals, feed decimals); a zero feed: none set."""
    packed: uint256 = self._feeds[_token]
    return (convert(convert(packed & (2**160 - 1), uint160), address), (packed >> 160) & (2**32 - 1),
            convert((packed >> 192) & 255, uint8), convert((packed >> 200) & 255, uint8))


@external
@view
def allowedTokenCount() -> uint256:
    return (self._config >> 56) & 255


@external
@view
def allowedTokens(_index: uint256) -> address:
    """@notice The allowlisted tokens, in no particular order: index 0 .. allowedTokenCount() - 1."""
    assert _index < (self._config >> 56) & 255, "index out of range"
    return self._tokenAt[_index]


@internal
@view
def _allowed_tokens(_config: uint256) -> DynArray[address, MAX_TOKENS]:
    tokens: DynArray[address, MAX_TOKENS] = []
    for k: uint256 in range((_config >> 56) & 255, bound=MAX_TOKENS):
        tokens.append(self._tokenAt[k])
    return tokens


# ---------------------------------------------------------------------------- owner: roles

@internal
@view
def _only_owner():
    assert msg.sender == self.owner, "not owner"


@external
def setOperator(_operator: address):
    """@notice Set (or, with the zero address, remove) the operator."""
    self._only_owner()
    log OperatorSet(previousOperator=self.operator, newOperator=_operator)
    self.operator = _operator


@external
def setGuardian(_guardian: address):
    """@notice Set (or, with the zero address, remove) the guardian, who can only pause."""
    self._only_owner()
    log GuardianSet(previousGuardian=self.guardian, newGuardian=_guardian)
    self.guardian = _guardian


@external
def pause():
    """@notice Guardian or owner: stop every rebalance until the owner unpauses."""
    assert msg.sender == self.guardian or msg.sender == self.owner, "not guardian"
    self._config = self._config | (1 << 48)
    log Paused(by=msg.sender)


@external
def unpause():
    """@notice Owner only: let the operator rebalance again."""
    self._only_owner()
    self._config = self._config & ~(1 << 48)
    log Unpaused(by=msg.sender)


@external
def setLimits(_maxLossBps: uint256, _maxCallPercent: uint256, _maxDailyPercent: uint256, _maxDailyLossBps: uint256):
    """@notice Owner only: the per-call and rolling-day bounds (see the contract's notes)."""
    self._only_owner()
    assert _maxLossBps <= 10000 and _maxDailyLossBps <= 10000, "bps above 10000"
    assert _maxCallPercent <= 100 and _maxDailyPercent <= 100, "percent above 100"
    kept: uint256 = self._config & (1 << 48 | 255 << 56 | DAILY_MASK)  # paused, token count, the day's use
    self._config = self._pack_config(_maxLossBps, _maxCallPercent, _maxDailyPercent, _maxDailyLossBps, False) | kept
    log LimitsSet(maxLossBps=_maxLossBps, maxCallPercent=_maxCallPercent, maxDailyPercent=_maxDailyPercent,
                  maxDailyLossBps=_maxDailyLossBps)


@external
def transferOwnership(_newOwner: address):
    """@notice Step one of two: name the next owner, who must call acceptOwnership."""
    self._only_owner()
    self.pendingOwner = _newOwner
    log OwnershipTransferStarted(previousOwner=self.owner, newOwner=_newOwner)


@external
def acceptOwnership():
    """@notice Step two of two: the pending owner takes over."""
    assert msg.sender == self.pendingOwner and msg.sender != empty(address), "not pending owner"
    log OwnershipTransferred(previousOwner=self.owner, newOwner=msg.sender)
    self.owner = msg.sender
    self.pendingOwner = empty(address)


# ---------------------------------------------------------------------------- owner: allowlists

@internal
def _write_routes(_pool: address, _enable: bool):
    """
    Write route[pool][a][b] for every ordered pair of the pool's tokens: its code when `_enable`
    and both tokens are allowed, 0 otherwise. Keeping the token allowlist folded into the routes
    lets `rebalance` check pool, tokens and direction with one storage read per step.
    """
    kind: uint8 = self.poolInfo[_pool].kind
    tokens: DynArray[address, MAX_POOL_TOKENS] = self.poolInfo[_pool].tokens
    for i: uint256 in range(len(tokens), bound=MAX_POOL_TOKENS):
        for j: uint256 in range(len(tokens), bound=MAX_POOL_TOKENS):
            if i == j:
                continue
            code: uint8 = ROUTE_NONE
            if _enable and self.tokenAllowed[tokens[i]] and self.tokenAllowed[tokens[j]]:
                if kind == KIND_WEIGHTED:
                    code = ROUTE_WEIGHTED
                elif kind == KIND_CONCENTRATED_LIQUIDITY:
                    code = ROUTE_V3_ZERO_FOR_ONE if i == 0 else ROUTE_V3_ONE_FOR_ZERO
                elif i == 0:
                    code = ROUTE_TOKEN0_FOR_TOKEN1
                else:
                    code = ROUTE_TOKEN1_FOR_TOKEN0
            self.route[_pool][tokens[i]][tokens[j]] = code


@internal
def _forget_pool(_pool: address):
    """Clear a pool's routes, its entry and its place in its tokens' pool lists."""
    self._write_routes(_pool, False)
    for t: address in self.poolInfo[_pool].tokens:
        listed: DynArray[address, MAX_POOLS_PER_TOKEN] = self.tokenPools[t]
        for k: uint256 in range(len(listed), bound=MAX_POOLS_PER_TOKEN):
            if listed[k] == _pool:
                listed[k] = listed[len(listed) - 1]
                listed.pop()
                break
        self.tokenPools[t] = listed
    self.poolInfo[_pool] = empty(PoolInfo)


@external
def setTokenAllowed(_token: address, _allowed: bool):
    """@notice Allow or forbid a token as the input or output of any step (in every pool)."""
    self._only_owner()
    if _allowed:
        assert _token.is_contract, "not a contract"
    config: uint256 = self._config
    count: uint256 = (config >> 56) & 255
    if _allowed and not self.tokenAllowed[_token]:
        assert count < MAX_TOKENS, "too many tokens"
        self._tokenAt[count] = _token
        count += 1
    elif not _allowed and self.tokenAllowed[_token]:
        for k: uint256 in range(count, bound=MAX_TOKENS):
            if self._tokenAt[k] == _token:
                self._tokenAt[k] = self._tokenAt[count - 1]
                self._tokenAt[count - 1] = empty(address)
                count -= 1
                break
    self._config = (config & ~(255 << 56)) | (count << 56)
    self.tokenAllowed[_token] = _allowed
    for p: address in self.tokenPools[_token]:
        self._write_routes(p, True)
    log TokenAllowed(token=_token, allowed=_allowed)


@external
def setFactoryAllowed(_factory: address, _allowed: bool):
    """@notice Owner only: allow pools of this factory to be listed (allowPool): a Uniswap-V2-style
            factory's pairs (kind 0) or a Uniswap-V3-style factory's pools (kind 2)."""
    self._only_owner()
    if _allowed:
        assert _factory.is_contract, "not a contract"
    self.factoryAllowed[_factory] = _allowed
    log FactoryAllowed(factory=_factory, allowed=_allowed)


@external
def setPriceFeed(_token: address, _feed: address, _heartbeat: uint256):
    """
    @notice Owner only: the Chainlink-style AggregatorV3 USD feed that prices `_token`, and how
            often it posts (`_heartbeat`, seconds); a zero `_feed` removes it. The feed's and the
            token's decimals are read now.
    """
    self._only_owner()
    if _feed == empty(address):
        self._feeds[_token] = 0
        log PriceFeedSet(token=_token, feed=_feed, heartbeat=0)
        return
    assert _token.is_contract and _feed.is_contract, "not a contract"
    assert _heartbeat > 0 and _heartbeat <= MAX_HEARTBEAT, "bad heartbeat"
    token_decimals: uint8 = staticcall IERC20(_token).decimals()
    feed_decimals: uint8 = staticcall AggregatorV3(_feed).decimals()
    assert token_decimals <= 36 and feed_decimals <= 36, "bad decimals"
    self._feeds[_token] = (convert(_feed, uint256) | (_heartbeat << 160) | (convert(token_decimals, uint256) << 192)
                           | (convert(feed_decimals, uint256) << 200))
    log PriceFeedSet(token=_token, feed=_feed, heartbeat=_heartbeat)


@external
def allowPool(_pool: address, _kind: uint8, _factory: address):
    """
    @notice Allow swaps through `_pool` between any two of its tokens that are allowed (now or
            later). Kind 0: a Uniswap-V2 pair made by `_factory`, an allowed factory whose
            getPair(token0, token1) must be `_pool`. Kind 1: a Balancer weighted pool registered
            in the vault's Balancer vault (`_factory` must be zero); its pool id is read from the
            pool and its tokens from the Balancer vault now. Kind 2: a Uniswap-V3 pool made by
            `_factory`, an allowed factory whose getPool(token0, token1, fee) must be `_pool`.
            Allowing a pool again replaces its previous entry.
    """
    self._only_owner()
    assert _pool.is_contract, "not a contract"
    if self.poolInfo[_pool].allowed:
        self._forget_pool(_pool)
    info: PoolInfo = PoolInfo(allowed=True, kind=_kind, balancerVault=empty(address), poolId=empty(bytes32), tokens=[])
    if _kind == KIND_CONSTANT_PRODUCT:
        assert self.factoryAllowed[_factory], "factory not allowed"
        t0: address = staticcall IUniswapV2Pair(_pool).token0()
        t1: address = staticcall IUniswapV2Pair(_pool).token1()
        assert staticcall IUniswapV2Factory(_factory).getPair(t0, t1) == _pool, "pair not from factory"
        info.tokens = [t0, t1]
    elif _kind == KIND_WEIGHTED:
        assert _factory == empty(address), "factory for a weighted pool"
        assert balancerVault != empty(address), "no balancer vault"
        info.balancerVault = balancerVault
        info.poolId = staticcall IBalancerPool(_pool).getPoolId()
        registered: address = empty(address)
        specialization: uint8 = 0
        registered, specialization = staticcall IBalancerVault(balancerVault).getPool(info.poolId)
        assert registered == _pool, "pool not in balancer vault"
        balances: DynArray[uint256, MAX_POOL_TOKENS] = []
        last_change: uint256 = 0
        info.tokens, balances, last_change = staticcall IBalancerVault(balancerVault).getPoolTokens(info.poolId)
    elif _kind == KIND_CONCENTRATED_LIQUIDITY:
        assert self.factoryAllowed[_factory], "factory not allowed"
        t0: address = staticcall IUniswapV3Pool(_pool).token0()
        t1: address = staticcall IUniswapV3Pool(_pool).token1()
        fee: uint24 = staticcall IUniswapV3Pool(_pool).fee()
        assert staticcall IUniswapV3Factory(_factory).getPool(t0, t1, fee) == _pool, "pool not from factory"
        info.tokens = [t0, t1]
    else:
        raise "unknown pool kind"
    assert len(info.tokens) >= 2, "bad pool tokens"
    for i: uint256 in range(len(info.tokens), bound=MAX_POOL_TOKENS):
        assert info.tokens[i] != empty(address), "bad pool tokens"
        for j: uint256 in range(i, bound=MAX_POOL_TOKENS):
            assert info.tokens[i] != info.tokens[j], "bad pool tokens"
        listed: DynArray[address, MAX_POOLS_PER_TOKEN] = self.tokenPools[info.tokens[i]]
        assert len(listed) < MAX_POOLS_PER_TOKEN, "too many pools for a token"
        listed.append(_pool)
        self.tokenPools[info.tokens[i]] = listed
    self.poolInfo[_pool] = info
    self._write_routes(_pool, True)
    log PoolAllowed(pool=_pool, kind=_kind, balancerVault=info.balancerVault, poolId=info.poolId)


@external
def disallowPool(_pool: address):
    """@notice Forbid every swap through `_pool`."""
    self._only_owner()
    assert self.poolInfo[_pool].allowed, "pool not allowed"
    self._forget_pool(_pool)
    log PoolDisallowed(pool=_pool)


# ---------------------------------------------------------------------------- owner: withdraw and sweep

@external
@nonreentrant
def withdraw(_token: address, _amount: uint256, _to: address):
    """@notice Owner only: send `_amount` of ERC-20 `_token` to `_to` (USDT-style tokens handled)."""
    self._only_owner()
    assert _to != empty(address), "zero recipient"
    assert safe_token.transfer(_token, _to, _amount), "transfer failed"
    log Withdrawn(token=_token, to=_to, amount=_amount)


@external
@nonreentrant
def sweepETH(_to: address):
    """@notice Owner only: send ETH forced into the vault (it accepts none itself) to `_to`."""
    self._only_owner()
    assert _to != empty(address), "zero recipient"
    amount: uint256 = self.balance
    # a plain call with all the gas, not send's 2300: the owner's address may be a multisig
    raw_call(_to, b"", value=amount)
    log ETHSwept(to=_to, amount=amount)


# ---------------------------------------------------------------------------- operator: rebalance

@internal
@pure
def _revert_with(reason: String[128]):
    """Revert with Error(string) for a reason built at run time."""
    raw_revert(concat(method_id("Error(string)"), abi_encode(reason)))


@internal
@view
def _revert_refused_step(step: Step, i: uint256):
    """Say why a step has no route: a listed pool holding both tokens means a token is not allowed."""
    tokens: DynArray[address, MAX_POOL_TOKENS] = self.poolInfo[step.pool].tokens
    if step.tokenIn != step.tokenOut and step.tokenIn in tokens and step.tokenOut in tokens:
        self._revert_with(concat("token not allowed: step ", uint2str(i)))
    self._revert_with(concat("pool not allowed: step ", uint2str(i)))


@internal
@pure
def _hex_address(a: address) -> String[42]:
    """Lower-case 0x-hex of an address (only built on the failure path)."""
    value: uint256 = convert(a, uint256)
    halves: uint256[2] = [0, 0]  # ASCII of the first and last 20 hex digits
    for i: uint256 in range(40):
        nibble: uint256 = (value >> (4 * (39 - i))) & 15
        char: uint256 = nibble + 48
        if nibble >= 10:
            char = nibble + 87
        halves[i // 20] = (halves[i // 20] << 8) | char
    text: Bytes[42] = concat(b"0x", slice(convert(halves[0], bytes32), 12, 20), slice(convert(halves[1], bytes32), 12, 20))
    return convert(text, String[42])


@internal
def _pay(token: address, to: address, amount: uint256):
    """ERC-20 transfer that accepts tokens returning nothing (USDT); only called for listed tokens,
    which are contracts, so no extcodesize check."""
    success: bool = False
    response: Bytes[32] = b""
    success, response = raw_call(
        token,
        abi_encode(to, amount, method_id=method_id("transfer(address,uint256)")),
        max_outsize=32,
        revert_on_failure=False,
    )
    assert success and (len(response) == 0 or convert(response, bool)), "transfer failed"


@internal
def _approve(token: address, spender: address, amount: uint256) -> bool:
    success: bool = False
    response: Bytes[32] = b""
    success, response = raw_call(
        token,
        abi_encode(spender, amount, method_id=method_id("approve(address,uint256)")),
        max_outsize=32,
        revert_on_failure=False,
    )
    if not success:
        return False
    if len(response) == 0:
        return True  # USDT-style: no return value
    return convert(response, bool)


@internal
def _approve_exactly(token: address, spender: address, amount: uint256):
    """Approve `amount`; a token that refuses to change a non-zero allowance is reset to 0 first."""
    if self._approve(token, spender, amount):
        return
    assert self._approve(token, spender, 0) and self._approve(token, spender, amount), "approve failed"


@internal
def _swap_constant_product(step: Step, direction: uint8, amount_in: uint256, input_delivered: bool, recipient: address) -> uint256:
    reserve0: uint112 = 0
    reserve1: uint112 = 0
    timestamp: uint32 = 0
    reserve0, reserve1, timestamp = staticcall IUniswapV2Pair(step.pool).getReserves()
    reserve_in: uint256 = convert(reserve0, uint256)
    reserve_out: uint256 = convert(reserve1, uint256)
    if direction == ROUTE_TOKEN1_FOR_TOKEN0:
        reserve_in = convert(reserve1, uint256)
        reserve_out = convert(reserve0, uint256)
    # Uniswap V2: out = in * 997 * rOut / (rIn * 1000 + in * 997)
    in_with_fee: uint256 = amount_in * 997
    amount_out: uint256 = in_with_fee * reserve_out // (reserve_in * 1000 + in_with_fee)
    if amount_out < step.minAmountOut:
        return amount_out  # the caller reverts with the step's index
    if not input_delivered:
        self._pay(step.tokenIn, step.pool, amount_in)
    # raw calls: a listed pool is a contract, so the extcodesize check of a typed call is not needed
    amount0_out: uint256 = 0
    amount1_out: uint256 = amount_out
    if direction == ROUTE_TOKEN1_FOR_TOKEN0:
        amount0_out = amount_out
        amount1_out = 0
    raw_call(step.pool, abi_encode(amount0_out, amount1_out, recipient, b"", method_id=method_id("swap(uint256,uint256,address,bytes)")))
    return amount_out


@internal
def _swap_weighted(step: Step, amount_in: uint256, deadline: uint256) -> uint256:
    self._approve_exactly(step.tokenIn, balancerVault, amount_in)
    return extcall IBalancerVault(balancerVault).swap(
        SingleSwap(poolId=self.poolInfo[step.pool].poolId, kind=0, assetIn=step.tokenIn, assetOut=step.tokenOut,
                   amount=amount_in, userData=b""),
        FundManagement(sender=self, fromInternalBalance=False, recipient=self, toInternalBalance=False),
        step.minAmountOut,
        deadline,
    )


@internal
def _swap_concentrated(step: Step, direction: uint8, amount_in: uint256, recipient: address) -> uint256:
    """Uniswap V3 `swap` of exactly `amount_in` (paid in the callback); returns what the pool says
    it paid `recipient` (the caller measures the vault's own balance instead when it is the recipient)."""
    zero_for_one: bool = direction == ROUTE_V3_ZERO_FOR_ONE
    limit: uint256 = MAX_SQRT_RATIO - 1
    if zero_for_one:
        limit = MIN_SQRT_RATIO + 1
    self._v3Pool = step.pool
    self._v3TokenIn = step.tokenIn
    self._v3AmountIn = amount_in
    self._v3ZeroForOne = zero_for_one
    response: Bytes[64] = raw_call(
        step.pool,
        abi_encode(recipient, zero_for_one, convert(amount_in, int256), convert(limit, uint160), b"",
                   method_id=method_id("swap(address,bool,int256,uint160,bytes)")),
        max_outsize=64,
    )
    # a pool that never called back took nothing; it must not be paid later either
    self._v3Pool = empty(address)
    amount0: int256 = 0
    amount1: int256 = 0
    amount0, amount1 = abi_decode(response, (int256, int256))
    paid: int256 = amount0
    if zero_for_one:
        paid = amount1
    if paid >= 0:
        return 0
    return convert(-paid, uint256)


@external
def uniswapV3SwapCallback(amount0Delta: int256, amount1Delta: int256, data: Bytes[32]):
    """
    @notice Pays a Uniswap V3 pool the input of the swap this contract is making with it: only the
            pool of the step in progress may call, only once, and it is paid at most the step's
            input, in the step's input token.
    """
    pool: address = self._v3Pool
    assert pool != empty(address) and msg.sender == pool, "callback not from the pool"
    self._v3Pool = empty(address)  # one payment per swap, and none to a reentrant call
    owed: int256 = amount1Delta
    if self._v3ZeroForOne:
        owed = amount0Delta
    assert owed >= 0, "callback asks too much"
    assert convert(owed, uint256) <= self._v3AmountIn, "callback asks too much"
    if owed > 0:
        self._pay(self._v3TokenIn, pool, convert(owed, uint256))


@internal
@view
def _price(_token: address, _packed: uint256) -> uint256:
    """
    USD value (18 decimals) of 10**36 raw units of `_token`, from its feed: scaling by 10**36
    keeps the precision of an 18-decimal token priced by an 8-decimal feed exact. Reverts naming
    the token when it has no feed or the feed's answer is unusable or older than its heartbeat
    plus PRICE_STALENESS_MARGIN.
    """
    if _packed == 0:
        self._revert_with(concat("no price: ", self._hex_address(_token)))
    feed: address = convert(convert(_packed & (2**160 - 1), uint160), address)
    heartbeat: uint256 = (_packed >> 160) & (2**32 - 1)
    # raw staticcall: a reverting or malformed feed must give the token's name, not a bare revert
    success: bool = False
    response: Bytes[160] = b""
    success, response = raw_call(feed, method_id("latestRoundData()"), max_outsize=160, is_static_call=True,
                                 revert_on_failure=False)
    if not success or len(response) != 160:
        self._revert_with(concat("no price: ", self._hex_address(_token)))
    answer: int256 = convert(slice(response, 32, 32), int256)
    updated_at: uint256 = convert(slice(response, 96, 32), uint256)
    if answer <= 0 or updated_at == 0 or updated_at > block.timestamp:
        self._revert_with(concat("bad price: ", self._hex_address(_token)))
    if block.timestamp - updated_at > heartbeat + PRICE_STALENESS_MARGIN:
        self._revert_with(concat("stale price: ", self._hex_address(_token)))
    decimals: uint256 = ((_packed >> 192) & 255) + ((_packed >> 200) & 255)  # token's + feed's
    # value of 1e36 raw = answer * 1e36 * 1e18 / 10**decimals; decimals <= 72 (checked at set time)
    if decimals <= 54:
        return convert(answer, uint256) * 10 ** (54 - decimals)
    return convert(answer, uint256) // 10 ** (decimals - 54)


@internal
@view
def _value(_amount: uint256, _price: uint256) -> uint256:
    return _amount * _price // 10**36


@internal
@view
def _valuation(_config: uint256) -> (DynArray[address, MAX_TOKENS], DynArray[uint256, MAX_TOKENS], DynArray[uint256, MAX_TOKENS], uint256):
    """(allowlisted tokens, the vault's balances, their prices, NAV) now."""
    tokens: DynArray[address, MAX_TOKENS] = self._allowed_tokens(_config)
    balances: DynArray[uint256, MAX_TOKENS] = []
    prices: DynArray[uint256, MAX_TOKENS] = []
    nav: uint256 = 0
    for t: address in tokens:
        price: uint256 = self._price(t, self._feeds[t])
        held: uint256 = staticcall IERC20(t).balanceOf(self)
        balances.append(held)
        prices.append(price)
        nav += self._value(held, price)
    return tokens, balances, prices, nav


@internal
@view
def _daily_used(_nav: uint256, _config: uint256) -> (uint256, uint256):
    """(volume used, loss used) now: the stored amounts less what refilled since they were stored,
    at the rate of one full cap (at today's NAV) per 24 hours."""
    elapsed: uint256 = block.timestamp - ((_config >> 64) & (2**32 - 1))
    volume_refill: uint256 = _nav * ((_config >> 24) & 255) // 100 * elapsed // DAY
    loss_refill: uint256 = _nav * ((_config >> 32) & 65535) // 10000 * elapsed // DAY
    volume_used: uint256 = ((_config >> 96) & (2**80 - 1)) * CENT
    loss_used: uint256 = (_config >> 176) * CENT
    if volume_used > volume_refill:
        volume_used -= volume_refill
    else:
        volume_used = 0
    if loss_used > loss_refill:
        loss_used -= loss_refill
    else:
        loss_used = 0
    return volume_used, loss_used


@external
@view
def valueOf(_token: address, _amount: uint256) -> uint256:
    """@notice USD value (18 decimals) of `_amount` raw units of `_token` at its feed's price."""
    return self._value(_amount, self._price(_token, self._feeds[_token]))


@external
@view
def nav() -> uint256:
    """@notice USD value (18 decimals) of the vault's balances of every allowlisted token."""
    tokens: DynArray[address, MAX_TOKENS] = []
    balances: DynArray[uint256, MAX_TOKENS] = []
    prices: DynArray[uint256, MAX_TOKENS] = []
    nav: uint256 = 0
    tokens, balances, prices, nav = self._valuation(self._config)
    return nav


@external
@view
def budget() -> (uint256, uint256):
    """
    @notice What one more rebalance may use now, USD 18 decimals: (value it may give: the smaller
            of the per-call cap and the daily volume left; measured loss it may take: the daily
            loss left). The per-call loss bound (maxLossBps of the value given) applies on top.
    """
    tokens: DynArray[address, MAX_TOKENS] = []
    balances: DynArray[uint256, MAX_TOKENS] = []
    prices: DynArray[uint256, MAX_TOKENS] = []
    nav: uint256 = 0
    config: uint256 = self._config
    tokens, balances, prices, nav = self._valuation(config)
    volume_used: uint256 = 0
    loss_used: uint256 = 0
    volume_used, loss_used = self._daily_used(nav, config)
    volume_cap: uint256 = nav * ((config >> 24) & 255) // 100
    loss_cap: uint256 = nav * ((config >> 32) & 65535) // 10000
    volume_left: uint256 = min(nav * ((config >> 16) & 255) // 100, volume_cap - min(volume_used, volume_cap))
    return volume_left, loss_cap - min(loss_used, loss_cap)


@internal
def _check_bounds(_given: uint256, _received: uint256, _nav: uint256, _config: uint256):
    """The per-call and rolling-day bounds of the contract's notes; records the day's use."""
    assert _received * 10000 >= _given * (10000 - (_config & 65535)), "loss bound"
    assert _given * 100 <= _nav * ((_config >> 16) & 255), "call size cap"
    volume_used: uint256 = 0
    loss_used: uint256 = 0
    volume_used, loss_used = self._daily_used(_nav, _config)
    volume_used += _given
    assert volume_used * 100 <= _nav * ((_config >> 24) & 255), "daily volume cap"
    if _given > _received:
        loss_used += _given - _received
    assert loss_used * 10000 <= _nav * ((_config >> 32) & 65535), "daily loss cap"
    # in cents, rounded up (the budgets only err towards less); each is at most NAV (caps are
    # <= 100 %) and the conversions revert rather than wrap beyond 2**80 cents (~1e22 USD)
    volume_cents: uint256 = convert(convert((volume_used + CENT - 1) // CENT, uint80), uint256)
    loss_cents: uint256 = convert(convert((loss_used + CENT - 1) // CENT, uint80), uint256)
    timestamp: uint256 = convert(convert(block.timestamp, uint32), uint256)
    # re-read (warm, 100 gas): nothing else should have written it during the steps, but never
    # write back a stale copy of the limits, pause flag or token count
    self._config = (self._config & ~DAILY_MASK) | (timestamp << 64) | (volume_cents << 96) | (loss_cents << 176)


@external
@nonreentrant
def rebalance(steps: DynArray[Step, MAX_STEPS], minReceived: DynArray[MinReceived, MAX_RECEIVED], deadline: uint256):
    """
    @notice Operator only: execute `steps` in order, then require every `minReceived` token's
            balance to have grown by at least its amount and the value given and received (all
            allowlisted tokens' balance changes at the feeds' prices) to be within the limits;
            revert everything otherwise.
    """
    assert msg.sender == self.operator, "not operator"
    config: uint256 = self._config
    assert (config >> 48) & 1 == 0, "paused"
    assert block.timestamp <= deadline, "expired"
    assert len(steps) > 0, "no steps"

    # every allowlisted token's balance and price before any step: NAV and the reference for the
    # value given and received
    tokens: DynArray[address, MAX_TOKENS] = []
    before: DynArray[uint256, MAX_TOKENS] = []
    prices: DynArray[uint256, MAX_TOKENS] = []
    nav: uint256 = 0
    tokens, before, prices, nav = self._valuation(config)
    for m: MinReceived in minReceived:
        assert m.token in tokens, "minReceived token not allowed"

    previous_out: uint256 = 0
    previous_token: address = empty(address)
    delivered: bool = False  # this step's input was already paid to its pair by the previous pair
    n: uint256 = len(steps)
    for i: uint256 in range(n, bound=MAX_STEPS):
        step: Step = steps[i]
        direction: uint8 = self.route[step.pool][step.tokenIn][step.tokenOut]
        if direction == ROUTE_NONE:
            self._revert_refused_step(step, i)
        amount_in: uint256 = step.amountIn
        if amount_in == 0:
            if i == 0 or previous_token != step.tokenIn or previous_out == 0:
                self._revert_with(concat("no input: step ", uint2str(i)))
            amount_in = previous_out

        # pay straight into the next pair when it spends all of this output (a Balancer step pays
        # only this contract)
        recipient: address = self
        if direction != ROUTE_WEIGHTED and i + 1 < n:
            nxt: Step = steps[i + 1]
            if nxt.amountIn == 0 and nxt.tokenIn == step.tokenOut and nxt.pool != step.pool:
                next_direction: uint8 = self.route[nxt.pool][nxt.tokenIn][nxt.tokenOut]
                if next_direction == ROUTE_TOKEN0_FOR_TOKEN1 or next_direction == ROUTE_TOKEN1_FOR_TOKEN0:
                    recipient = nxt.pool
        # The output is what this contract's balance grew by, not what a pool says it paid. When a
        # pair or a V3 pool pays the next pair directly, the next pair's own constant-product check guards it:
        # that pair is asked for the output of `amount_out` in, and reverts if it received less.
        held: uint256 = 0
        if recipient == self:
            held = staticcall IERC20(step.tokenOut).balanceOf(self)
        amount_out: uint256 = 0
        if direction == ROUTE_WEIGHTED:
            amount_out = self._swap_weighted(step, amount_in, deadline)
            delivered = False
        elif direction == ROUTE_V3_ZERO_FOR_ONE or direction == ROUTE_V3_ONE_FOR_ZERO:
            amount_out = self._swap_concentrated(step, direction, amount_in, recipient)
            delivered = recipient != self
        else:
            amount_out = self._swap_constant_product(step, direction, amount_in, delivered, recipient)
            delivered = recipient != self
        if recipient == self:
            grown: uint256 = staticcall IERC20(step.tokenOut).balanceOf(self)
            amount_out = 0
            if grown > held:
                amount_out = grown - held
        if amount_out < step.minAmountOut:
            self._revert_with(concat("min out: step ", uint2str(i)))
        log Swapped(pool=step.pool, tokenIn=step.tokenIn, tokenOut=step.tokenOut, amountIn=amount_in, amountOut=amount_out)
        previous_out = amount_out
        previous_token = step.tokenOut

    given: uint256 = 0
    received: uint256 = 0
    after: DynArray[uint256, MAX_TOKENS] = []
    for k: uint256 in range(len(tokens), bound=MAX_TOKENS):
        now_held: uint256 = staticcall IERC20(tokens[k]).balanceOf(self)
        after.append(now_held)
        if now_held < before[k]:
            given += self._value(before[k] - now_held, prices[k])
        else:
            received += self._value(now_held - before[k], prices[k])

    for m: MinReceived in minReceived:
        for k: uint256 in range(len(tokens), bound=MAX_TOKENS):
            if tokens[k] == m.token:
                if after[k] < before[k] or after[k] - before[k] < m.amount:
                    self._revert_with(concat("post-condition: ", self._hex_address(m.token)))
                break

    self._check_bounds(given, received, nav, config)
    log Rebalanced(operator=msg.sender, steps=n, checks=len(minReceived), valueGiven=given, valueReceived=received)
