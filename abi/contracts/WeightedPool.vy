# pragma version 0.4.3
"""
@title Balancer-V2-compatible weighted pool (swap pricing only)
@notice Holds no tokens: the vault keeps the balances and asks `onSwap` for the price, exactly as
        Balancer V2's minimal-swap-info pools do. Pricing follows Balancer V2's weighted pool to the
        wei (docs/BALANCER_MATH.md): amounts are upscaled to 18 decimals with per-token scaling factors,
        the swap fee is taken from the amount in (GIVEN_IN) or added to it (GIVEN_OUT), and the
        WeightedMath formulas round in the pool's favour. Joins/exits and BPT are not implemented
        (the devnet vault seeds balances with an admin function).
        Public views with Balancer's ABI: getNormalizedWeights, getSwapFeePercentage, getPoolId,
        getVault, getScalingFactors; plus getTokens for the vault's registration.
"""
import fixed_point
import weighted_math

MAX_TOKENS: constant(uint256) = 8
MAX_USER_DATA: constant(uint256) = 512
MIN_WEIGHT: constant(uint256) = 10**16  # 1 %
MIN_SWAP_FEE: constant(uint256) = 10**12  # 0.0001 %
MAX_SWAP_FEE: constant(uint256) = 10**17  # 10 %

GIVEN_IN: constant(uint8) = 0
GIVEN_OUT: constant(uint8) = 1

interface IERC20Decimals:
    def decimals() -> uint8: view

# Balancer's IPoolSwapStructs.SwapRequest (its `from` field is called `sender` here: a Vyper keyword)
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

event SwapFeePercentageChanged:
    swapFeePercentage: uint256

vault: immutable(address)
owner: public(address)
poolId: bytes32
tokens: DynArray[address, MAX_TOKENS]
weights: DynArray[uint256, MAX_TOKENS]
scaling_factors: DynArray[uint256, MAX_TOKENS]
swap_fee: uint256


@deploy
def __init__(_vault: address, _tokens: DynArray[address, MAX_TOKENS], _weights: DynArray[uint256, MAX_TOKENS],
             _swapFeePercentage: uint256, _owner: address):
    n: uint256 = len(_tokens)
    assert n == len(_weights), "BAL#103"  # INPUT_LENGTH_MISMATCH
    assert n >= 2, "BAL#200"  # MIN_TOKENS
    total: uint256 = 0
    for i: uint256 in range(MAX_TOKENS):
        if i >= n:
            break
        if i > 0:
            assert convert(_tokens[i - 1], uint256) < convert(_tokens[i], uint256), "BAL#102"  # UNSORTED_TOKENS
        assert _weights[i] >= MIN_WEIGHT, "BAL#302"  # MIN_WEIGHT
        total += _weights[i]
        decimals: uint8 = staticcall IERC20Decimals(_tokens[i]).decimals()
        assert decimals <= 18, "BAL#001"
        self.scaling_factors.append(fixed_point.ONE * 10 ** (18 - convert(decimals, uint256)))
    assert total == fixed_point.ONE, "BAL#308"  # NORMALIZED_WEIGHT_INVARIANT
    vault = _vault
    self.tokens = _tokens
    self.weights = _weights
    self.owner = _owner
    self._set_swap_fee(_swapFeePercentage)


@internal
def _set_swap_fee(fee: uint256):
    assert fee >= MIN_SWAP_FEE, "BAL#203"
    assert fee <= MAX_SWAP_FEE, "BAL#202"
    self.swap_fee = fee
    log SwapFeePercentageChanged(swapFeePercentage=fee)


@external
def setSwapFeePercentage(swapFeePercentage: uint256):
    assert msg.sender == self.owner, "BAL#401"
    self._set_swap_fee(swapFeePercentage)


@external
def setPoolId(_poolId: bytes32):
    """@notice Called once by the vault when it registers the pool."""
    assert msg.sender == vault, "BAL#205"  # CALLER_NOT_VAULT
    assert self.poolId == empty(bytes32), "BAL#523"  # TOKENS_ALREADY_SET
    self.poolId = _poolId


@external
@view
def getVault() -> address:
    return vault


@external
@view
def getPoolId() -> bytes32:
    return self.poolId


@external
@view
def getSwapFeePercentage() -> uint256:
    return self.swap_fee


@external
@view
def getNormalizedWeights() -> DynArray[uint256, MAX_TOKENS]:
    return self.weights


@external
@view
def getScalingFactors() -> DynArray[uint256, MAX_TOKENS]:
    return self.scaling_factors


@external
@view
def getTokens() -> DynArray[address, MAX_TOKENS]:
    return self.tokens


@internal
@view
def _index_of(token: address) -> uint256:
    for i: uint256 in range(MAX_TOKENS):
        if i >= len(self.tokens):
            break
        if self.tokens[i] == token:
            return i
    raise "BAL#309"  # INVALID_TOKEN


@external
@view
def onSwap(request: SwapRequest, balanceTokenIn: uint256, balanceTokenOut: uint256) -> uint256:
    """
    @notice Balancer's IMinimalSwapInfoPool.onSwap: the amount out (GIVEN_IN) or in (GIVEN_OUT),
            in the tokens' own decimals. A view: it prices, the vault moves the balances.
    """
    i_in: uint256 = self._index_of(request.tokenIn)
    i_out: uint256 = self._index_of(request.tokenOut)
    sf_in: uint256 = self.scaling_factors[i_in]
    sf_out: uint256 = self.scaling_factors[i_out]
    w_in: uint256 = self.weights[i_in]
    w_out: uint256 = self.weights[i_out]
    fee: uint256 = self.swap_fee

    # upscale: mulDown(amount, scalingFactor)
    balance_in: uint256 = fixed_point.mul_down(balanceTokenIn, sf_in)
    balance_out: uint256 = fixed_point.mul_down(balanceTokenOut, sf_out)

    if request.kind == GIVEN_IN:
        # the fee comes off the amount in, before scaling (rounded up: in the pool's favour)
        amount: uint256 = request.amount - fixed_point.mul_up(request.amount, fee)
        amount = fixed_point.mul_down(amount, sf_in)
        amount_out: uint256 = weighted_math.calc_out_given_in(balance_in, w_in, balance_out, w_out, amount)
        return fixed_point.div_down(amount_out, sf_out)  # leaving the pool: round down

    assert request.kind == GIVEN_OUT, "BAL#435"  # INVALID_OPERATION
    amount_out: uint256 = fixed_point.mul_down(request.amount, sf_out)
    amount_in: uint256 = weighted_math.calc_in_given_out(balance_in, w_in, balance_out, w_out, amount_out)
    amount_in = fixed_point.div_up(amount_in, sf_in)  # entering the pool: round up
    return fixed_point.div_up(amount_in, fixed_point.complement(fee))
