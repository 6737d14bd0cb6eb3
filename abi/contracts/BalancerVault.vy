# pragma version 0.4.3
"""
@title Balancer-V2-compatible vault (swap subset) for the devnet
@notice Same ABI as Balancer V2's Vault for getPoolTokens, getPool, swap, batchSwap and
        queryBatchSwap, and the same Swap event. Pool balances live here; each swap asks the
        pool's `onSwap` for the price (minimal-swap-info flow), moves the balances, and settles the
        net token deltas at the end: positive deltas are pulled with transferFrom from
        funds.sender (which needs an allowance to the vault), negative ones sent to
        funds.recipient. Multi-hop rule as Balancer's: a step with amount 0 takes the previous
        step's calculated amount. Revert strings are Balancer's BAL#<code>.
        Not supported (reverts): ETH as an asset (use WETH), internal balances, relayers
        (funds.sender must be msg.sender), joins/exits (pools are seeded by the owner with
        `seedPool`, an admin function that is not part of Balancer's ABI).
        queryBatchSwap is a view here (Balancer's is non-view and reverts internally); its
        selector and encoding are the same, so eth_call works identically.
"""
import safe_token

MAX_POOL_TOKENS: constant(uint256) = 8
MAX_SWAPS: constant(uint256) = 16
MAX_ASSETS: constant(uint256) = 16
MAX_USER_DATA: constant(uint256) = 512

GIVEN_IN: constant(uint8) = 0
GIVEN_OUT: constant(uint8) = 1
MINIMAL_SWAP_INFO: constant(uint8) = 1
TWO_TOKEN: constant(uint8) = 2

struct SingleSwap:
    poolId: bytes32
    kind: uint8
    assetIn: address
    assetOut: address
    amount: uint256
    userData: Bytes[MAX_USER_DATA]

struct BatchSwapStep:
    poolId: bytes32
    assetInIndex: uint256
    assetOutIndex: uint256
    amount: uint256
    userData: Bytes[MAX_USER_DATA]

struct FundManagement:
    sender: address
    fromInternalBalance: bool
    recipient: address
    toInternalBalance: bool

# the pool's view of a swap (Balancer's IPoolSwapStructs.SwapRequest; `from` renamed `sender`)
struct SwapRequest:
    kind: uint8
    tokenIn: address
    tokenOut: address
    amount: uint256
    poolId: bytes32
    lastChangeBlock: uint256
    sender: address
    to: address
    userData: Bytes[MAX_USER_DATA]

# one executed step, for the Swap events
struct StepResult:
    poolId: bytes32
    tokenIn: address
    tokenOut: address
    amountIn: uint256
    amountOut: uint256

interface IPool:
    def onSwap(request: SwapRequest, balanceTokenIn: uint256, balanceTokenOut: uint256) -> uint256: view
    def getTokens() -> DynArray[address, MAX_POOL_TOKENS]: view
    def setPoolId(poolId: bytes32): nonpayable

event Swap:
    poolId: indexed(bytes32)
    tokenIn: indexed(address)
    tokenOut: indexed(address)
    amountIn: uint256
    amountOut: uint256

event PoolRegistered:
    poolId: indexed(bytes32)
    poolAddress: indexed(address)
    specialization: uint8

event PoolBalanceChanged:
    poolId: indexed(bytes32)
    liquidityProvider: indexed(address)
    tokens: DynArray[address, MAX_POOL_TOKENS]
    deltas: DynArray[int256, MAX_POOL_TOKENS]
    protocolFeeAmounts: DynArray[uint256, MAX_POOL_TOKENS]

owner: public(address)
pool_address: HashMap[bytes32, address]
pool_specialization: HashMap[bytes32, uint8]
pool_tokens: HashMap[bytes32, DynArray[address, MAX_POOL_TOKENS]]
pool_balances: HashMap[bytes32, DynArray[uint256, MAX_POOL_TOKENS]]
pool_last_change_block: HashMap[bytes32, uint256]
next_pool_nonce: uint256


@deploy
def __init__():
    self.owner = msg.sender


# ---- admin (not Balancer's ABI) ----

@external
def registerPool(pool: address) -> bytes32:
    """
    @notice Owner-only: register `pool` with its tokens. The id is Balancer's layout: pool address
            (20 bytes) | specialization (2 bytes) | nonce (10 bytes).
    """
    assert msg.sender == self.owner, "BAL#401"
    tokens: DynArray[address, MAX_POOL_TOKENS] = staticcall IPool(pool).getTokens()
    specialization: uint8 = MINIMAL_SWAP_INFO
    if len(tokens) == 2:
        specialization = TWO_TOKEN
    nonce: uint256 = self.next_pool_nonce
    self.next_pool_nonce = nonce + 1
    pool_id: bytes32 = convert(
        (convert(pool, uint256) << 96) | (convert(specialization, uint256) << 80) | nonce, bytes32
    )
    self.pool_address[pool_id] = pool
    self.pool_specialization[pool_id] = specialization
    self.pool_tokens[pool_id] = tokens
    balances: DynArray[uint256, MAX_POOL_TOKENS] = []
    for t: address in tokens:
        balances.append(0)
    self.pool_balances[pool_id] = balances
    extcall IPool(pool).setPoolId(pool_id)
    log PoolRegistered(poolId=pool_id, poolAddress=pool, specialization=specialization)
    return pool_id


@external
def seedPool(poolId: bytes32, amounts: DynArray[uint256, MAX_POOL_TOKENS]):
    """@notice Owner-only: add liquidity to a pool, pulled from the owner (needs allowances)."""
    assert msg.sender == self.owner, "BAL#401"
    assert self.pool_address[poolId] != empty(address), "BAL#500"
    tokens: DynArray[address, MAX_POOL_TOKENS] = self.pool_tokens[poolId]
    assert len(amounts) == len(tokens), "BAL#103"
    balances: DynArray[uint256, MAX_POOL_TOKENS] = self.pool_balances[poolId]
    deltas: DynArray[int256, MAX_POOL_TOKENS] = []
    fees: DynArray[uint256, MAX_POOL_TOKENS] = []
    for i: uint256 in range(MAX_POOL_TOKENS):
        if i >= len(tokens):
            break
        assert safe_token.transfer_from(tokens[i], msg.sender, self, amounts[i]), "BAL#418"
        balances[i] += amounts[i]
        deltas.append(convert(amounts[i], int256))
        fees.append(0)
    self.pool_balances[poolId] = balances
    self.pool_last_change_block[poolId] = block.number
    log PoolBalanceChanged(poolId=poolId, liquidityProvider=msg.sender, tokens=tokens, deltas=deltas,
                           protocolFeeAmounts=fees)


# ---- Balancer views ----

@external
@view
def getPoolTokens(poolId: bytes32) -> (DynArray[address, MAX_POOL_TOKENS], DynArray[uint256, MAX_POOL_TOKENS], uint256):
    assert self.pool_address[poolId] != empty(address), "BAL#500"
    return self.pool_tokens[poolId], self.pool_balances[poolId], self.pool_last_change_block[poolId]


@external
@view
def getPool(poolId: bytes32) -> (address, uint8):
    pool: address = self.pool_address[poolId]
    assert pool != empty(address), "BAL#500"
    return pool, self.pool_specialization[poolId]


# ---- swaps ----

@internal
@view
def _index_of(tokens: DynArray[address, MAX_POOL_TOKENS], token: address) -> uint256:
    for i: uint256 in range(MAX_POOL_TOKENS):
        if i >= len(tokens):
            break
        if tokens[i] == token:
            return i
    raise "BAL#521"  # TOKEN_NOT_REGISTERED


@internal
@view
def _check_funds(funds: FundManagement):
    assert not funds.fromInternalBalance and not funds.toInternalBalance, "vault: internal balances not supported"


@internal
@view
def _simulate(kind: uint8, swaps: DynArray[BatchSwapStep, MAX_SWAPS], assets: DynArray[address, MAX_ASSETS],
              funds: FundManagement) -> (DynArray[int256, MAX_ASSETS], DynArray[bytes32, MAX_SWAPS],
                                         DynArray[DynArray[uint256, MAX_POOL_TOKENS], MAX_SWAPS],
                                         DynArray[StepResult, MAX_SWAPS]):
    """
    @notice Run the steps against a copy of the touched pools' balances. Returns the asset deltas
            (positive: the vault receives), the touched pools with their new balances, and the steps.
    """
    assert kind == GIVEN_IN or kind == GIVEN_OUT, "BAL#435"
    n_assets: uint256 = len(assets)
    deltas: DynArray[int256, MAX_ASSETS] = []
    for a: address in assets:
        assert a != empty(address), "vault: ETH not supported, use WETH"
        deltas.append(0)

    touched_ids: DynArray[bytes32, MAX_SWAPS] = []
    touched_balances: DynArray[DynArray[uint256, MAX_POOL_TOKENS], MAX_SWAPS] = []
    results: DynArray[StepResult, MAX_SWAPS] = []
    previous_token: address = empty(address)
    previous_amount: uint256 = 0

    for i: uint256 in range(MAX_SWAPS):
        if i >= len(swaps):
            break
        step: BatchSwapStep = swaps[i]
        assert step.assetInIndex < n_assets and step.assetOutIndex < n_assets, "BAL#100"  # OUT_OF_BOUNDS
        token_in: address = assets[step.assetInIndex]
        token_out: address = assets[step.assetOutIndex]
        assert token_in != token_out, "BAL#509"  # CANNOT_SWAP_SAME_TOKEN

        amount: uint256 = step.amount
        if amount == 0:
            # multi-hop: take the previous step's calculated amount
            assert i > 0, "BAL#510"  # UNKNOWN_AMOUNT_IN_FIRST_SWAP
            if kind == GIVEN_IN:
                assert previous_token == token_in, "BAL#511"  # MALCONSTRUCTED_MULTIHOP_SWAP
            else:
                assert previous_token == token_out, "BAL#511"
            amount = previous_amount

        pool: address = self.pool_address[step.poolId]
        assert pool != empty(address), "BAL#500"  # INVALID_POOL_ID

        slot: uint256 = max_value(uint256)
        for j: uint256 in range(MAX_SWAPS):
            if j >= len(touched_ids):
                break
            if touched_ids[j] == step.poolId:
                slot = j
                break
        if slot == max_value(uint256):
            slot = len(touched_ids)
            touched_ids.append(step.poolId)
            touched_balances.append(self.pool_balances[step.poolId])

        tokens: DynArray[address, MAX_POOL_TOKENS] = self.pool_tokens[step.poolId]
        i_in: uint256 = self._index_of(tokens, token_in)
        i_out: uint256 = self._index_of(tokens, token_out)
        request: SwapRequest = SwapRequest(
            kind=kind, tokenIn=token_in, tokenOut=token_out, amount=amount, poolId=step.poolId,
            lastChangeBlock=self.pool_last_change_block[step.poolId], sender=funds.sender,
            to=funds.recipient, userData=step.userData,
        )
        calculated: uint256 = staticcall IPool(pool).onSwap(
            request, touched_balances[slot][i_in], touched_balances[slot][i_out]
        )

        amount_in: uint256 = amount
        amount_out: uint256 = calculated
        previous_token = token_out
        if kind == GIVEN_OUT:
            amount_in = calculated
            amount_out = amount
            previous_token = token_in
        previous_amount = calculated

        touched_balances[slot][i_in] += amount_in
        assert touched_balances[slot][i_out] >= amount_out, "BAL#001"  # SUB_OVERFLOW
        touched_balances[slot][i_out] -= amount_out
        deltas[step.assetInIndex] += convert(amount_in, int256)
        deltas[step.assetOutIndex] -= convert(amount_out, int256)
        results.append(StepResult(poolId=step.poolId, tokenIn=token_in, tokenOut=token_out,
                                  amountIn=amount_in, amountOut=amount_out))
    return deltas, touched_ids, touched_balances, results


@internal
def _execute(kind: uint8, swaps: DynArray[BatchSwapStep, MAX_SWAPS], assets: DynArray[address, MAX_ASSETS],
             funds: FundManagement) -> DynArray[int256, MAX_ASSETS]:
    """@notice Simulate, write the new balances, emit Swap events; settlement is left to the caller."""
    self._check_funds(funds)
    assert funds.sender == msg.sender, "BAL#401"  # no relayers on the devnet
    deltas: DynArray[int256, MAX_ASSETS] = []
    touched_ids: DynArray[bytes32, MAX_SWAPS] = []
    touched_balances: DynArray[DynArray[uint256, MAX_POOL_TOKENS], MAX_SWAPS] = []
    results: DynArray[StepResult, MAX_SWAPS] = []
    deltas, touched_ids, touched_balances, results = self._simulate(kind, swaps, assets, funds)
    for j: uint256 in range(MAX_SWAPS):
        if j >= len(touched_ids):
            break
        self.pool_balances[touched_ids[j]] = touched_balances[j]
        self.pool_last_change_block[touched_ids[j]] = block.number
    for r: StepResult in results:
        log Swap(poolId=r.poolId, tokenIn=r.tokenIn, tokenOut=r.tokenOut, amountIn=r.amountIn, amountOut=r.amountOut)
    return deltas


@internal
def _settle(assets: DynArray[address, MAX_ASSETS], deltas: DynArray[int256, MAX_ASSETS], funds: FundManagement):
    for i: uint256 in range(MAX_ASSETS):
        if i >= len(assets):
            break
        delta: int256 = deltas[i]
        if delta > 0:
            assert safe_token.transfer_from(assets[i], funds.sender, self, convert(delta, uint256)), "BAL#418"
        elif delta < 0:
            assert safe_token.transfer(assets[i], funds.recipient, convert(-delta, uint256)), "BAL#418"


@external
@payable
@nonreentrant
def swap(singleSwap: SingleSwap, funds: FundManagement, limit: uint256, deadline: uint256) -> uint256:
    """@notice One swap against one pool; `limit` is the minimum out (GIVEN_IN) or maximum in (GIVEN_OUT)."""
    assert msg.value == 0, "vault: ETH not supported, use WETH"
    assert block.timestamp <= deadline, "BAL#508"  # SWAP_DEADLINE
    assert singleSwap.amount > 0, "BAL#510"  # UNKNOWN_AMOUNT_IN_FIRST_SWAP
    step: BatchSwapStep = BatchSwapStep(poolId=singleSwap.poolId, assetInIndex=0, assetOutIndex=1,
                                        amount=singleSwap.amount, userData=singleSwap.userData)
    assets: DynArray[address, MAX_ASSETS] = [singleSwap.assetIn, singleSwap.assetOut]
    deltas: DynArray[int256, MAX_ASSETS] = self._execute(singleSwap.kind, [step], assets, funds)
    amount_in: uint256 = convert(deltas[0], uint256)
    amount_out: uint256 = convert(-deltas[1], uint256)
    if singleSwap.kind == GIVEN_IN:
        assert amount_out >= limit, "BAL#507"  # SWAP_LIMIT
    else:
        assert amount_in <= limit, "BAL#507"
    self._settle(assets, deltas, funds)
    if singleSwap.kind == GIVEN_IN:
        return amount_out
    return amount_in


@external
@payable
@nonreentrant
def batchSwap(kind: uint8, swaps: DynArray[BatchSwapStep, MAX_SWAPS], assets: DynArray[address, MAX_ASSETS],
              funds: FundManagement, limits: DynArray[int256, MAX_ASSETS], deadline: uint256) -> DynArray[int256, MAX_ASSETS]:
    """@notice Several steps; returns the asset deltas; each must be <= its limit (positive = paid in)."""
    assert msg.value == 0, "vault: ETH not supported, use WETH"
    assert block.timestamp <= deadline, "BAL#508"
    assert len(limits) == len(assets), "BAL#103"  # INPUT_LENGTH_MISMATCH
    deltas: DynArray[int256, MAX_ASSETS] = self._execute(kind, swaps, assets, funds)
    for i: uint256 in range(MAX_ASSETS):
        if i >= len(assets):
            break
        assert deltas[i] <= limits[i], "BAL#507"
    self._settle(assets, deltas, funds)
    return deltas


@external
@view
def queryBatchSwap(kind: uint8, swaps: DynArray[BatchSwapStep, MAX_SWAPS], assets: DynArray[address, MAX_ASSETS],
                   funds: FundManagement) -> DynArray[int256, MAX_ASSETS]:
    """@notice The deltas batchSwap would produce now, without limits, deadline or transfers."""
    self._check_funds(funds)
    deltas: DynArray[int256, MAX_ASSETS] = []
    touched_ids: DynArray[bytes32, MAX_SWAPS] = []
    touched_balances: DynArray[DynArray[uint256, MAX_POOL_TOKENS], MAX_SWAPS] = []
    results: DynArray[StepResult, MAX_SWAPS] = []
    deltas, touched_ids, touched_balances, results = self._simulate(kind, swaps, assets, funds)
    return deltas
