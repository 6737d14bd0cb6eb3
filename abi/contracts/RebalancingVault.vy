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
    def swap(singleSwap: SingleSwap, funds: FundManagement, limit: uint256, deadline: uint256) -> uint256: payable

# ---------------------------------------------------------------------------- types and limits

MAX_STEPS: constant(uint256) = 32
MAX_RECEIVED: constant(uint256) = 16
MAX_POOL_TOKENS: constant(uint256) = 8

KIND_CONSTANT_PRODUCT: constant(uint8) = 0
KIND_WEIGHTED: constant(uint8) = 1

# route[pool][tokenIn][tokenOut]: how a swap through an allowlisted pool is executed (0: not allowed)
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
    received: DynArray[uint256, MAX_RECEIVED]  # balance growth of each minReceived token, same order

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

@external
def setTokenAllowed(_token: address, _allowed: bool):
    """@notice Allow or forbid a token as the input or output of any step."""
    self._only_owner()
    if _allowed:
        assert _token.is_contract, "not a contract"
    self.tokenAllowed[_token] = _allowed
    log TokenAllowed(token=_token, allowed=_allowed)


@internal
def _clear_routes(_pool: address):
    tokens: DynArray[address, MAX_POOL_TOKENS] = self.poolInfo[_pool].tokens
    for a: address in tokens:
        for b: address in tokens:
            if a != b:
                self.route[_pool][a][b] = ROUTE_NONE
    self.poolInfo[_pool] = empty(PoolInfo)


@external
def allowPool(_pool: address, _kind: uint8, _balancerVault: address):
    """
    @notice Allow swaps through `_pool` between any two of its tokens (each token must also be
            allowed at swap time). Kind 0: a Uniswap-V2 pair (`_balancerVault` must be zero); its
            token0/token1 are read now. Kind 1: a Balancer weighted pool in `_balancerVault`; its
            pool id is read from the pool and its tokens from the vault now. Allowing a pool again
            replaces its previous entry.
    """
    self._only_owner()
    assert _pool.is_contract, "not a contract"
    self._clear_routes(_pool)
    info: PoolInfo = PoolInfo(allowed=True, kind=_kind, balancerVault=empty(address), poolId=empty(bytes32), tokens=[])
    if _kind == KIND_CONSTANT_PRODUCT:
        assert _balancerVault == empty(address), "balancer vault for a pair"
        t0: address = staticcall IUniswapV2Pair(_pool).token0()
        t1: address = staticcall IUniswapV2Pair(_pool).token1()
        assert t0 != empty(address) and t1 != empty(address) and t0 != t1, "bad pair tokens"
        info.tokens = [t0, t1]
        self.route[_pool][t0][t1] = ROUTE_TOKEN0_FOR_TOKEN1
        self.route[_pool][t1][t0] = ROUTE_TOKEN1_FOR_TOKEN0
    elif _kind == KIND_WEIGHTED:
        assert _balancerVault.is_contract, "balancer vault not a contract"
        pool_id: bytes32 = staticcall IBalancerPool(_pool).getPoolId()
        tokens: DynArray[address, MAX_POOL_TOKENS] = []
        balances: DynArray[uint256, MAX_POOL_TOKENS] = []
        last_change: uint256 = 0
        tokens, balances, last_change = staticcall IBalancerVault(_balancerVault).getPoolTokens(pool_id)
        assert len(tokens) >= 2, "bad pool tokens"
        info.balancerVault = _balancerVault
        info.poolId = pool_id
        info.tokens = tokens
        for a: address in tokens:
            assert a != empty(address), "bad pool tokens"
            for b: address in tokens:
                if a != b:
                    self.route[_pool][a][b] = ROUTE_WEIGHTED
    else:
        raise "unknown pool kind"
    self.poolInfo[_pool] = info
    log PoolAllowed(pool=_pool, kind=_kind, balancerVault=info.balancerVault, poolId=info.poolId)


@external
def disallowPool(_pool: address):
    """@notice Forbid every swap through `_pool`."""
    self._only_owner()
    assert self.poolInfo[_pool].allowed, "pool not allowed"
    self._clear_routes(_pool)
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
def _revert_with(reason: String[128]):
    """Revert with Error(string) for a reason built at run time."""
    raw_revert(concat(method_id("Error(string)"), abi_encode(reason)))


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
        assert safe_token.transfer(step.tokenIn, step.pool, amount_in), "transfer failed"
    if direction == ROUTE_TOKEN0_FOR_TOKEN1:
        extcall IUniswapV2Pair(step.pool).swap(0, amount_out, recipient, b"")
    else:
        extcall IUniswapV2Pair(step.pool).swap(amount_out, 0, recipient, b"")
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
            self._revert_with(concat("pool not allowed: step ", uint2str(i)))
        if not self.tokenAllowed[step.tokenIn] or not self.tokenAllowed[step.tokenOut]:
            self._revert_with(concat("token not allowed: step ", uint2str(i)))
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

    received: DynArray[uint256, MAX_RECEIVED] = []
    for j: uint256 in range(len(minReceived), bound=MAX_RECEIVED):
        token: address = minReceived[j].token
        after: uint256 = staticcall IERC20(token).balanceOf(self)
        if after < before[j] or after - before[j] < minReceived[j].amount:
            self._revert_with(concat("post-condition: ", self._hex_address(token)))
        received.append(after - before[j])
    log Rebalanced(operator=msg.sender, steps=n, received=received)
