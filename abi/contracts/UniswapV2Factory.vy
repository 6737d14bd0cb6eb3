# pragma version 0.4.3
"""
@title Uniswap-V2-compatible factory
@notice createPair sorts the two tokens (token0 < token1), deploys a pair from the pair blueprint
        with CREATE2 (salt keccak256(token0 ++ token1)) and records it under both orders.
        Same ABI and events as Uniswap V2's factory.
"""

event PairCreated:
    token0: indexed(address)
    token1: indexed(address)
    pair: address
    allPairsLength: uint256

MAX_PAIRS: constant(uint256) = 2**32

feeTo: public(address)
feeToSetter: public(address)
getPair: public(HashMap[address, HashMap[address, address]])
allPairs: public(DynArray[address, MAX_PAIRS])
pairBlueprint: public(address)


@deploy
def __init__(_feeToSetter: address, _pairBlueprint: address):
    self.feeToSetter = _feeToSetter
    self.pairBlueprint = _pairBlueprint


@external
@view
def allPairsLength() -> uint256:
    return len(self.allPairs)


@external
def createPair(tokenA: address, tokenB: address) -> address:
    assert tokenA != tokenB, "UniswapV2: IDENTICAL_ADDRESSES"
    token0: address = tokenA
    token1: address = tokenB
    if convert(tokenB, uint256) < convert(tokenA, uint256):
        token0 = tokenB
        token1 = tokenA
    assert token0 != empty(address), "UniswapV2: ZERO_ADDRESS"
    assert self.getPair[token0][token1] == empty(address), "UniswapV2: PAIR_EXISTS"
    pair: address = create_from_blueprint(
        self.pairBlueprint, token0, token1, salt=keccak256(concat(convert(token0, bytes20), convert(token1, bytes20)))
    )
    self.getPair[token0][token1] = pair
    self.getPair[token1][token0] = pair
    self.allPairs.append(pair)
    log PairCreated(token0=token0, token1=token1, pair=pair, allPairsLength=len(self.allPairs))
    return pair


@external
def setFeeTo(_feeTo: address):
    assert msg.sender == self.feeToSetter, "UniswapV2: FORBIDDEN"
    self.feeTo = _feeTo


@external
def setFeeToSetter(_feeToSetter: address):
    assert msg.sender == self.feeToSetter, "UniswapV2: FORBIDDEN"
    self.feeToSetter = _feeToSetter
