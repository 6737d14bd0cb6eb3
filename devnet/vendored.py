"""The other protocols' real build artifacts in devnet/artifacts/ (see its README.md), as Artifacts.

The devnet deploys these unchanged, so every quote, revert and gas figure the tests measure is the
one mainnet's bytecode gives. Contracts that a factory deploys (Uniswap V2 pairs, Balancer weighted
pools) and Multicall3 (deployed from its pre-signed transaction) need only an ABI here: the pair's
comes with its artifact; the weighted pool's and Multicall3's are their published interfaces,
written out below as signatures.
"""

from __future__ import annotations

import json
from functools import cache

from eth_utils import keccak

from .contracts import REPO_ROOT, Artifact

ARTIFACTS_DIR = REPO_ROOT / "devnet" / "artifacts"

# Mainnet's Uniswap V2 pair init-code hash (keccak256 of UniswapV2Pair's creation code).
UNISWAP_V2_PAIR_INIT_CODE_HASH = "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f"

MULTICALL3_ADDRESS = "0xcA11bde05977b3631167028862bE2a173976CA11"
MULTICALL3_SIGNER = "0x05f32B3cC3888453ff71B01135B34FF8e41263F2"


@cache
def artifact(protocol: str, name: str) -> Artifact:
    """devnet/artifacts/<protocol>/<name>.json as an Artifact."""
    data = json.loads((ARTIFACTS_DIR / protocol / f"{name}.json").read_text())
    return Artifact(name=name, abi=data["abi"], bytecode=bytes.fromhex(data["bytecode"].removeprefix("0x")))


def multicall3_deployment() -> bytes:
    """Multicall3's pre-signed deployment transaction (raw, RLP)."""
    text = (ARTIFACTS_DIR / "multicall3" / "presigned-deployment.txt").read_text().strip()
    return bytes.fromhex(text.removeprefix("0x"))


def _split_types(text: str) -> list[str]:
    """'address,(uint8,bytes)[],bool' -> ['address', '(uint8,bytes)[]', 'bool']."""
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    if text[start:]:
        parts.append(text[start:])
    return parts


def _param(abi_type: str) -> dict:
    if abi_type.startswith("("):
        inner, suffix = abi_type[1:abi_type.rindex(")")], abi_type[abi_type.rindex(")") + 1:]
        return {"name": "", "type": "tuple" + suffix, "components": [_param(t) for t in _split_types(inner)]}
    return {"name": "", "type": abi_type}


def interface(name: str, signatures: list[str]) -> Artifact:
    """An ABI-only artifact from 'f(in,...)(out,...)' signatures (view-ness is irrelevant to calls)."""
    abi = []
    for sig in signatures:
        head, _, outputs = sig.partition(")(")
        fname, _, inputs = head.partition("(")
        outputs = outputs.removesuffix(")") if _ else ""
        inputs = inputs.removesuffix(")") if not _ else inputs
        abi.append({"type": "function", "name": fname, "stateMutability": "nonpayable",
                    "inputs": [_param(t) for t in _split_types(inputs)],
                    "outputs": [_param(t) for t in _split_types(outputs)]})
    return Artifact(name=name, abi=abi, bytecode=b"")


# Balancer V2 weighted pools (every factory's pools have these views).
WEIGHTED_POOL = interface("WeightedPool", [
    "getPoolId()(bytes32)", "getNormalizedWeights()(uint256[])", "getSwapFeePercentage()(uint256)",
    "getVault()(address)", "balanceOf(address)(uint256)", "totalSupply()(uint256)",
])

# Multicall3's published interface (the part the devnet and its tests use).
MULTICALL3 = interface("Multicall3", [
    "aggregate3((address,bool,bytes)[])((bool,bytes)[])",
    "aggregate((address,bytes)[])(uint256,bytes[])",
    "getChainId()(uint256)", "getBlockNumber()(uint256)", "getCurrentBlockTimestamp()(uint256)",
    "getEthBalance(address)(uint256)", "getBasefee()(uint256)",
])


def pair_address(factory: str, token_a: str, token_b: str) -> str:
    """Where a Uniswap V2 factory deploys the pair of two tokens (CREATE2 with mainnet's init-code hash)."""
    from eth_utils import to_checksum_address

    t0, t1 = sorted((bytes.fromhex(token_a[2:]), bytes.fromhex(token_b[2:])))
    digest = keccak(b"\xff" + bytes.fromhex(factory[2:]) + keccak(t0 + t1)
                    + bytes.fromhex(UNISWAP_V2_PAIR_INIT_CODE_HASH[2:]))
    return to_checksum_address(digest[12:])
