# pragma version 0.4.3
"""
@title Wrapped Ether (WETH9 interface)
@notice deposit() or a plain ETH transfer mints WETH 1:1, withdraw() burns it and sends ETH back.
        totalSupply is the contract's ETH balance, as in WETH9.
"""

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

event Deposit:
    dst: indexed(address)
    wad: uint256

event Withdrawal:
    src: indexed(address)
    wad: uint256

name: public(String[64])
symbol: public(String[32])
decimals: public(uint8)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])


@deploy
def __init__():
    self.name = "Wrapped Ether"
    self.symbol = "WETH"
    self.decimals = 18


@internal
@payable
def _deposit():
    self.balanceOf[msg.sender] += msg.value
    log Deposit(dst=msg.sender, wad=msg.value)


@external
@payable
def __default__():
    self._deposit()


@external
@payable
def deposit():
    self._deposit()


@external
@nonreentrant
def withdraw(wad: uint256):
    balance: uint256 = self.balanceOf[msg.sender]
    assert balance >= wad
    self.balanceOf[msg.sender] = balance - wad
    log Withdrawal(src=msg.sender, wad=wad)
    send(msg.sender, wad)


@external
@view
def totalSupply() -> uint256:
    return self.balance


@internal
def _transfer_from(src: address, dst: address, wad: uint256) -> bool:
    balance: uint256 = self.balanceOf[src]
    assert balance >= wad
    if src != msg.sender:
        allowed: uint256 = self.allowance[src][msg.sender]
        if allowed != max_value(uint256):
            assert allowed >= wad
            self.allowance[src][msg.sender] = allowed - wad
    self.balanceOf[src] = balance - wad
    self.balanceOf[dst] += wad
    log Transfer(sender=src, receiver=dst, value=wad)
    return True


@external
def transfer(dst: address, wad: uint256) -> bool:
    return self._transfer_from(msg.sender, dst, wad)


@external
def transferFrom(src: address, dst: address, wad: uint256) -> bool:
    return self._transfer_from(src, dst, wad)


@external
def approve(guy: address, wad: uint256) -> bool:
    self.allowance[msg.sender][guy] = wad
    log Approval(owner=msg.sender, spender=guy, value=wad)
    return True
