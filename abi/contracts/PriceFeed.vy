# pragma version 0.4.3
"""
@title Devnet price feed
@notice Chainlink AggregatorV3Interface (`decimals`, `description`, `version`, `latestRoundData`,
        `getRoundData`) with an owner who posts answers: the devnet's stand-in for Chainlink's USD
        feeds, which the rebalancing vault reads. `setAnswer` starts a new round stamped now;
        `setRoundData` starts one with a chosen timestamp (tests of stale prices). A round's
        startedAt is its updatedAt.
"""

owner: public(address)
decimals: public(uint8)
description: public(String[64])
version: public(constant(uint256)) = 4

# One slot per round, and the latest one again in its own slot so that latestRoundData (read by
# the vault on every rebalance) costs one storage read: answer (int128 as two's complement) in
# bits 0-127, updatedAt in 128-191, round id in 192-255.
_latest: uint256
_rounds: HashMap[uint80, uint256]

event AnswerUpdated:
    current: indexed(int256)
    roundId: indexed(uint256)
    updatedAt: uint256


@deploy
def __init__(_decimals: uint8, _description: String[64], _answer: int256):
    self.owner = msg.sender
    self.decimals = _decimals
    self.description = _description
    self._post(_answer, block.timestamp)


@internal
def _post(_answer: int256, _updatedAt: uint256):
    narrow: int128 = convert(_answer, int128)  # reverts outside int128
    assert _updatedAt < 2**64, "timestamp out of range"
    round_id: uint256 = (self._latest >> 192) + 1
    low: uint256 = convert(convert(convert(narrow, int256), bytes32), uint256) & (2**128 - 1)
    packed: uint256 = low | (_updatedAt << 128) | (round_id << 192)
    self._rounds[convert(round_id, uint80)] = packed
    self._latest = packed
    log AnswerUpdated(current=_answer, roundId=round_id, updatedAt=_updatedAt)


@external
@view
def latestRound() -> uint256:
    return self._latest >> 192


@external
def setAnswer(_answer: int256):
    """@notice Owner: a new round with `_answer`, updated now."""
    assert msg.sender == self.owner, "not owner"
    self._post(_answer, block.timestamp)


@external
def setRoundData(_answer: int256, _updatedAt: uint256):
    """@notice Owner: a new round with a chosen timestamp (an old `_updatedAt` makes the feed stale)."""
    assert msg.sender == self.owner, "not owner"
    self._post(_answer, _updatedAt)


@internal
@pure
def _round(_packed: uint256) -> (uint80, int256, uint256, uint256, uint80):
    low: uint256 = _packed & (2**128 - 1)
    answer: int256 = convert(low, int256)
    if low >= 2**127:
        answer -= 2**128
    round_id: uint80 = convert(_packed >> 192, uint80)
    updated_at: uint256 = (_packed >> 128) & (2**64 - 1)
    return round_id, answer, updated_at, updated_at, round_id


@external
@view
def latestRoundData() -> (uint80, int256, uint256, uint256, uint80):
    """@notice (roundId, answer, startedAt, updatedAt, answeredInRound)"""
    return self._round(self._latest)


@external
@view
def getRoundData(_roundId: uint80) -> (uint80, int256, uint256, uint256, uint80):
    assert _roundId != 0 and convert(_roundId, uint256) <= self._latest >> 192, "no data present"
    return self._round(self._rounds[_roundId])
