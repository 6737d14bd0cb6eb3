# pragma version 0.4.3
"""
@title USDT-like token for the devnet
@notice Mirrors the two quirks of Tether's mainnet token that clients must handle:
        `transfer`, `transferFrom` and `approve` return nothing (empty return data), and
        `approve` reverts unless the current allowance or the new value is zero.
"""

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

name: public(String[64])
symbol: public(String[32])
decimals: public(uint8)
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
owner: public(address)


@deploy
def __init__(_name: String[64], _symbol: String[32], _decimals: uint8):
    self.name = _name
    self.symbol = _symbol
    self.decimals = _decimals
    self.owner = msg.sender


@internal
def _transfer(sender: address, receiver: address, amount: uint256):
    assert receiver != empty(address)
    balance: uint256 = self.balanceOf[sender]
    assert balance >= amount
    self.balanceOf[sender] = balance - amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=sender, receiver=receiver, value=amount)


@external
def transfer(receiver: address, amount: uint256):
    self._transfer(msg.sender, receiver, amount)


@external
def transferFrom(sender: address, receiver: address, amount: uint256):
    allowed: uint256 = self.allowance[sender][msg.sender]
    if allowed != max_value(uint256):
        assert allowed >= amount
        self.allowance[sender][msg.sender] = allowed - amount
    self._transfer(sender, receiver, amount)


@external
def approve(spender: address, amount: uint256):
    # Tether's rule: changing a non-zero allowance to another non-zero value is refused,
    # the spender must first be reset to zero (front-running guard of the original token).
    assert amount == 0 or self.allowance[msg.sender][spender] == 0
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)


@external
def mint(receiver: address, amount: uint256):
    """@notice Owner-only: create tokens (devnet seeding)."""
    assert msg.sender == self.owner
    assert receiver != empty(address)
    self.totalSupply += amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=empty(address), receiver=receiver, value=amount)


@external
def mintBatch(receivers: DynArray[address, 64], amount: uint256):
    """@notice Owner-only: mint `amount` to each receiver (one transaction to fund the dev accounts)."""
    assert msg.sender == self.owner
    for receiver: address in receivers:
        assert receiver != empty(address)
        self.totalSupply += amount
        self.balanceOf[receiver] += amount
        log Transfer(sender=empty(address), receiver=receiver, value=amount)
