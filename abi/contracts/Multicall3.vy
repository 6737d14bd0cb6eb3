# pragma version 0.4.3
"""
@title Multicall3-compatible aggregator (aggregate3 subset)
@notice `aggregate3((address,bool,bytes)[])` with Multicall3's selector and ABI: every call is made in
        order; a failing call with allowFailure=false reverts the whole batch ("Multicall3: call
        failed"), otherwise its (false, revert data) is returned. Plus the block/balance getters.
        Vyper needs static bounds: at most MAX_CALLS calls, call data up to MAX_CALLDATA bytes per
        call, return data up to MAX_RETURNDATA bytes per call. A longer return is never truncated:
        that call counts as failed with empty return data (and reverts the batch unless
        allowFailure). Memory for the bounds is paid as gas: fine for eth_call snapshots.
"""

MAX_CALLS: constant(uint256) = 512
MAX_CALLDATA: constant(uint256) = 1024
MAX_RETURNDATA: constant(uint256) = 768
# one byte more than allowed, to detect (not silently truncate) a longer return
RETURN_BUFFER: constant(uint256) = MAX_RETURNDATA + 1

struct Call3:
    target: address
    allowFailure: bool
    callData: Bytes[MAX_CALLDATA]

struct Result:
    success: bool
    returnData: Bytes[RETURN_BUFFER]


@external
@payable
def aggregate3(calls: DynArray[Call3, MAX_CALLS]) -> DynArray[Result, MAX_CALLS]:
    results: DynArray[Result, MAX_CALLS] = []
    for call: Call3 in calls:
        success: bool = False
        data: Bytes[RETURN_BUFFER] = b""
        success, data = raw_call(call.target, call.callData, max_outsize=RETURN_BUFFER, revert_on_failure=False)
        if len(data) > MAX_RETURNDATA:
            success = False
            data = b""
        if not call.allowFailure:
            assert success, "Multicall3: call failed"
        results.append(Result(success=success, returnData=data))
    return results


@external
@view
def getEthBalance(addr: address) -> uint256:
    return addr.balance


@external
@view
def getBlockNumber() -> uint256:
    return block.number


@external
@view
def getCurrentBlockTimestamp() -> uint256:
    return block.timestamp


@external
@view
def getBasefee() -> uint256:
    return block.basefee


@external
@view
def getChainId() -> uint256:
    return chain.id
