# pragma version 0.4.3
"""
@title Token transfers that tolerate non-standard ERC-20s
@notice A call succeeds when it does not revert and returns either nothing (USDT-style) or
        an ABI-encoded `true`. Used by the pair, the router and the vault.
"""

@internal
def _check(success: bool, response: Bytes[32]) -> bool:
    if not success:
        return False
    if len(response) == 0:
        return True
    return convert(response, bool)


@internal
def transfer(token: address, receiver: address, amount: uint256) -> bool:
    assert token.is_contract, "safe_token: not a contract"
    success: bool = False
    response: Bytes[32] = b""
    success, response = raw_call(
        token,
        abi_encode(receiver, amount, method_id=method_id("transfer(address,uint256)")),
        max_outsize=32,
        revert_on_failure=False,
    )
    return self._check(success, response)


@internal
def transfer_from(token: address, sender: address, receiver: address, amount: uint256) -> bool:
    assert token.is_contract, "safe_token: not a contract"
    success: bool = False
    response: Bytes[32] = b""
    success, response = raw_call(
        token,
        abi_encode(sender, receiver, amount, method_id=method_id("transferFrom(address,address,uint256)")),
        max_outsize=32,
        revert_on_failure=False,
    )
    return self._check(success, response)
