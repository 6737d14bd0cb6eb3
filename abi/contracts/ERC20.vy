# pragma version 0.4.3
"""
@title Standard ERC-20 token for the devnet
@notice Plain EIP-20 token (returns bool) with an owner-only mint used to seed the devnet.
        An allowance of max(uint256) is treated as infinite and not decremented.
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
    assert receiver != empty(address), "ERC20: transfer to the zero address"
    balance: uint256 = self.balanceOf[sender]
    assert balance >= amount, "ERC20: transfer amount exceeds balance"
    self.balanceOf[sender] = balance - amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=sender, receiver=receiver, value=amount)


@external
def transfer(receiver: address, amount: uint256) -> bool:
    self._transfer(msg.sender, receiver, amount)
    return True


@external
def transferFrom(sender: address, receiver: address, amount: uint256) -> bool:
    allowed: uint256 = self.allowance[sender][msg.sender]
    if allowed != max_value(uint256):
        assert allowed >= amount, "ERC20: insufficient allowance"
        self.allowance[sender][msg.sender] = allowed - amount
    self._transfer(sender, receiver, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@external
def mint(receiver: address, amount: uint256):
    """@notice Owner-only: create tokens (devnet seeding)."""
    assert msg.sender == self.owner, "ERC20: caller is not the owner"
    assert receiver != empty(address), "ERC20: mint to the zero address"
    self.totalSupply += amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=empty(address), receiver=receiver, value=amount)


@external
def mintBatch(receivers: DynArray[address, 64], amount: uint256):
    """@notice Owner-only: mint `amount` to each receiver (one transaction to fund the dev accounts)."""
    assert msg.sender == self.owner, "ERC20: caller is not the owner"
    for receiver: address in receivers:
        assert receiver != empty(address)
        self.totalSupply += amount
        self.balanceOf[receiver] += amount
        log Transfer(sender=empty(address), receiver=receiver, value=amount)


@external
def transferOwnership(new_owner: address):
    assert msg.sender == self.owner, "ERC20: caller is not the owner"
    self.owner = new_owner
