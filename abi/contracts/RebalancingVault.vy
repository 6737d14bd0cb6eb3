# pragma version 0.4.3
"""
@title Rebalancing vault
@notice Holds a portfolio of ERC-20 tokens. The owner (a cold treasury address) chooses the
        operator, allowlists tokens and pools, and is the only one who can withdraw. The operator
        (the rebalancer's hot key) can only call `rebalance`: a list of swap steps executed in
        order, atomically, against allowlisted pools, each with its minimum output, followed by a
        post-condition on the balances; any failure reverts the whole call.
        Every swap pays its output to this contract (the recipient is never a parameter), so a
        leaked operator key cannot move funds out, call an unlisted contract or change roles.
@dev    Constant-product pools (Uniswap V2 pairs) are swapped directly: the input is transferred to
        the pair and `swap` is called with the output computed from `getReserves()` by Uniswap V2's
        formula (0.3 % fee). When a constant-product step's output feeds the next step
        (amountIn = 0) and that step is another pair, the first pair pays the second one directly,
        as Uniswap's router does, saving a transfer. Weighted pools are swapped through their
        Balancer V2 vault (`swap` with a GIVEN_IN SingleSwap), approving exactly the input.
        Interface and revert strings: /work/brief/VAULT.md.
"""
import safe_token

# ---------------------------------------------------------------------------- external interfaces

interface IERC20:
    def balanceOf(owner: address) -> uint256: view

interface IUniswapV2Pair:
    def token0() -> address: view
    def token1() -> address: view
    def getReserves() -> (uint112, uint112, uint32): view
    def swap(amount0Out: uint256, amount1Out: uint256, to: address, data: Bytes[1]): nonpayable

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

KIND_CONSTANT_PRODUCT: constant(uint8) = 0
KIND_WEIGHTED: constant(uint8) = 1

# route[pool][tokenIn][tokenOut]: how a swap through an allowlisted pool is executed; 0 unless the
# pool and both tokens are allowed (kept up to date by allowPool, disallowPool and setTokenAllowed)
ROUTE_NONE: constant(uint8) = 0
ROUTE_TOKEN0_FOR_TOKEN1: constant(uint8) = 1  # constant product, tokenIn is the pair's token0
ROUTE_TOKEN1_FOR_TOKEN0: constant(uint8) = 2  # constant product, tokenIn is the pair's token1
ROUTE_WEIGHTED: constant(uint8) = 3  # Balancer weighted pool

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
    tokens: DynArray[address, MAX_POOL_TOKENS]  # token0, token1 (kind 0) or getPoolTokens order

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
tokenAllowed: public(HashMap[address, bool])
poolInfo: public(HashMap[address, PoolInfo])
tokenPools: HashMap[address, DynArray[address, MAX_POOLS_PER_TOKEN]]  # allowlisted pools holding a token
route: public(HashMap[address, HashMap[address, HashMap[address, uint8]]])


@deploy
def __init__(_owner: address, _operator: address):
    assert _owner != empty(address), "zero owner"
    self.owner = _owner
    self.operator = _operator
    log OwnershipTransferred(previousOwner=empty(address), newOwner=_owner)
    log OperatorSet(previousOperator=empty(address), newOperator=_operator)


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
    self.tokenAllowed[_token] = _allowed
    for p: address in self.tokenPools[_token]:
        self._write_routes(p, True)
    log TokenAllowed(token=_token, allowed=_allowed)


@external
def allowPool(_pool: address, _kind: uint8, _balancerVault: address):
    """
    @notice Allow swaps through `_pool` between any two of its tokens that are allowed (now or
            later). Kind 0: a Uniswap-V2 pair (`_balancerVault` must be zero); its token0/token1
            are read now. Kind 1: a Balancer weighted pool in `_balancerVault`; its pool id is read
            from the pool and its tokens from the vault now. Allowing a pool again replaces its
            previous entry.
    """
    self._only_owner()
    assert _pool.is_contract, "not a contract"
    if self.poolInfo[_pool].allowed:
        self._forget_pool(_pool)
    info: PoolInfo = PoolInfo(allowed=True, kind=_kind, balancerVault=empty(address), poolId=empty(bytes32), tokens=[])
    if _kind == KIND_CONSTANT_PRODUCT:
        assert _balancerVault == empty(address), "balancer vault for a pair"
        t0: address = staticcall IUniswapV2Pair(_pool).token0()
        t1: address = staticcall IUniswapV2Pair(_pool).token1()
        info.tokens = [t0, t1]
    elif _kind == KIND_WEIGHTED:
        assert _balancerVault.is_contract, "balancer vault not a contract"
        info.balancerVault = _balancerVault
        info.poolId = staticcall IBalancerPool(_pool).getPoolId()
        registered: address = empty(address)
        specialization: uint8 = 0
        registered, specialization = staticcall IBalancerVault(_balancerVault).getPool(info.poolId)
        assert registered == _pool, "pool not in balancer vault"
        balances: DynArray[uint256, MAX_POOL_TOKENS] = []
        last_change: uint256 = 0
        info.tokens, balances, last_change = staticcall IBalancerVault(_balancerVault).getPoolTokens(info.poolId)
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


# ---------------------------------------------------------------------------- owner: withdraw

@external
@nonreentrant
def withdraw(_token: address, _amount: uint256, _to: address):
    """@notice Owner only: send `_amount` of ERC-20 `_token` to `_to` (USDT-style tokens handled)."""
    self._only_owner()
    assert _to != empty(address), "zero recipient"
    assert safe_token.transfer(_token, _to, _amount), "transfer failed"
    log Withdrawn(token=_token, to=_to, amount=_amount)


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
    balancer_vault: address = self.poolInfo[step.pool].balancerVault
    self._approve_exactly(step.tokenIn, balancer_vault, amount_in)
    return extcall IBalancerVault(balancer_vault).swap(
        SingleSwap(poolId=self.poolInfo[step.pool].poolId, kind=0, assetIn=step.tokenIn, assetOut=step.tokenOut,
                   amount=amount_in, userData=b""),
        FundManagement(sender=self, fromInternalBalance=False, recipient=self, toInternalBalance=False),
        step.minAmountOut,
        deadline,
    )


@external
@nonreentrant
def rebalance(steps: DynArray[Step, MAX_STEPS], minReceived: DynArray[MinReceived, MAX_RECEIVED], deadline: uint256):
    """
    @notice Operator only: execute `steps` in order, then require every `minReceived` token's
            balance to have grown by at least its amount; revert everything otherwise.
    """
    assert msg.sender == self.operator, "not operator"
    assert block.timestamp <= deadline, "expired"
    assert len(steps) > 0, "no steps"

    before: DynArray[uint256, MAX_RECEIVED] = []
    for m: MinReceived in minReceived:
        before.append(staticcall IERC20(m.token).balanceOf(self))

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

        amount_out: uint256 = 0
        if direction == ROUTE_WEIGHTED:
            amount_out = self._swap_weighted(step, amount_in, deadline)
            delivered = False
        else:
            # pay straight into the next pair when it spends all of this output
            recipient: address = self
            if i + 1 < n:
                nxt: Step = steps[i + 1]
                if nxt.amountIn == 0 and nxt.tokenIn == step.tokenOut and nxt.pool != step.pool:
                    next_direction: uint8 = self.route[nxt.pool][nxt.tokenIn][nxt.tokenOut]
                    if next_direction == ROUTE_TOKEN0_FOR_TOKEN1 or next_direction == ROUTE_TOKEN1_FOR_TOKEN0:
                        recipient = nxt.pool
            amount_out = self._swap_constant_product(step, direction, amount_in, delivered, recipient)
            delivered = recipient != self
        if amount_out < step.minAmountOut:
            self._revert_with(concat("min out: step ", uint2str(i)))
        log Swapped(pool=step.pool, tokenIn=step.tokenIn, tokenOut=step.tokenOut, amountIn=amount_in, amountOut=amount_out)
        previous_out = amount_out
        previous_token = step.tokenOut

    for j: uint256 in range(len(minReceived), bound=MAX_RECEIVED):
        token: address = minReceived[j].token
        after: uint256 = staticcall IERC20(token).balanceOf(self)
        if after < before[j] or after - before[j] < minReceived[j].amount:
            self._revert_with(concat("post-condition: ", self._hex_address(token)))
    log Rebalanced(operator=msg.sender, steps=n, checks=len(minReceived))
