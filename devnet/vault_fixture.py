"""Deploy the rebalancing vault on a devnet chain and allowlist the devnet's tokens and pools.

`deploy_vault(tester, fixtures_dict, owner, operator)` takes the name -> address map that
`devnet.fixtures.deploy_fixtures` returns; the owner (an unlocked account of `tester`) deploys the
vault (fixed to the map's Balancer vault), allows the map's Uniswap-V2-style factories and its
Uniswap V3 factory, sets every token's price feed, and allowlists every token and every pool in
that map: Uniswap-V2-style pairs as kind 0 (with their factory), Balancer weighted pools (when the
devnet has them) as kind 1, Uniswap V3 pools as kind 2 (with the V3 factory; not the probe's pool).

Run `python -m devnet.vault_fixture` to rewrite abi/RebalancingVault.json from the source.
"""

from __future__ import annotations

import json
import sys

from eth_utils import to_checksum_address

from . import contracts, fixtures
from .contracts import Contract, deploy

VAULT_CONTRACT = "RebalancingVault"
VAULT_ABI_FILE = contracts.ABI_DIR / f"{VAULT_CONTRACT}.json"
BALANCER_VAULT_KEY = "balancer-v2.vault"

KIND_CONSTANT_PRODUCT = 0
KIND_WEIGHTED = 1
KIND_CONCENTRATED_LIQUIDITY = 2
V3_FACTORY_KEY = "uniswap-v3.factory"


def vault_artifact() -> contracts.Artifact:
    return contracts.compile_all()[VAULT_CONTRACT]


ZERO = "0x" + "00" * 20


def allowlist_entries(fixtures_dict: dict[str, str]) -> tuple[list[str], list[tuple[str, int, str]]]:
    """(token addresses, [(pool address, kind, factory or zero address)]) found in the map."""
    tokens = [fixtures_dict[sym] for sym in fixtures.TOKENS if sym in fixtures_dict]
    pools: list[tuple[str, int, str]] = []
    for key, address in fixtures_dict.items():
        dex, _, rest = key.partition(".")
        if dex in fixtures.CONSTANT_PRODUCT_DEXES and rest not in ("factory", "router"):
            pools.append((address, KIND_CONSTANT_PRODUCT, fixtures_dict[f"{dex}.factory"]))
        elif dex == "balancer-v2" and key != BALANCER_VAULT_KEY and not rest.endswith(".poolId"):
            pools.append((address, KIND_WEIGHTED, ZERO))
        elif dex == "uniswap-v3" and _is_v3_pool_key(rest):
            pools.append((address, KIND_CONCENTRATED_LIQUIDITY, fixtures_dict[V3_FACTORY_KEY]))
    return tokens, pools


def _is_v3_pool_key(rest: str) -> bool:
    """`USDC-WETH-500`: a V3 pool's key after `uniswap-v3.` (the others name contracts and accounts)."""
    parts = rest.split("-")
    return len(parts) == 3 and parts[2].isdigit()


def feed_entries(fixtures_dict: dict[str, str]) -> list[tuple[str, str, int]]:
    """[(token address, feed address, heartbeat)] for the map's tokens that have a feed."""
    return [(fixtures_dict[sym], fixtures_dict[f"feed.{sym}"], fixtures.FEED_HEARTBEAT)
            for sym in fixtures.TOKENS if sym in fixtures_dict and f"feed.{sym}" in fixtures_dict]


def deploy_vault(tester, fixtures_dict: dict[str, str], owner: str, operator: str,
                 symbols: list[str] | None = None) -> str:
    """Deploy the vault owned by `owner` with `operator`, allow the map's factories, set its feeds
    and allowlist its tokens and pools (only `symbols` and the pools between them, when given)."""
    owner = to_checksum_address(owner)
    vault = deploy(tester, vault_artifact(), owner, to_checksum_address(operator),
                   fixtures_dict.get(BALANCER_VAULT_KEY, ZERO), sender=owner)
    for dex in fixtures.CONSTANT_PRODUCT_DEXES:
        if f"{dex}.factory" in fixtures_dict:
            vault.transact("setFactoryAllowed", fixtures_dict[f"{dex}.factory"], True, sender=owner)
    if V3_FACTORY_KEY in fixtures_dict:
        vault.transact("setFactoryAllowed", fixtures_dict[V3_FACTORY_KEY], True, sender=owner)
    chosen = None if symbols is None else {fixtures_dict[s] for s in symbols}
    for token, feed, heartbeat in feed_entries(fixtures_dict):
        if chosen is None or token in chosen:
            vault.transact("setPriceFeed", token, feed, heartbeat, sender=owner)
    tokens, pools = allowlist_entries(fixtures_dict)
    for token in tokens:
        if chosen is None or token in chosen:
            vault.transact("setTokenAllowed", token, True, sender=owner)
    for pool, kind, factory in pools:
        vault.transact("allowPool", pool, kind, factory, sender=owner)
    return vault.address


def vault_contract(tester, address: str) -> Contract:
    return Contract(tester, address, vault_artifact())


# maxLossBps, maxCallPercent, maxDailyPercent, maxDailyLossBps: no value limit gets in the way
LOOSE_LIMITS = (10_000, 100, 100, 10_000)


def loose_vault_env(funding: dict[str, int]) -> dict:
    """What the vault's mechanics tests share: a fresh chain with the fixtures, a vault owned by dev
    account 1 with account 2 as operator (3 an outsider) holding `funding` (whole tokens), every
    value limit opened (test_vault_bounds.py tests them)."""
    tester = fixtures.make_tester()
    dep = fixtures.deploy_all(tester)
    names = dep.summary()
    accounts = [to_checksum_address(a) for a in tester.get_accounts()]
    owner, operator, outsider = accounts[1], accounts[2], accounts[3]
    vault = vault_contract(tester, deploy_vault(tester, names, owner, operator))
    for sym, whole in funding.items():
        dep.tokens[sym].transact("transfer", vault.address, whole * 10 ** fixtures.TOKENS[sym][2], sender=owner)
    vault.transact("setLimits", *LOOSE_LIMITS, sender=owner)
    return {"tester": tester, "dep": dep, "names": names, "vault": vault, "owner": owner, "operator": operator,
            "outsider": outsider}


VAULT_SWIFT_BYTECODE = contracts.REPO_ROOT / "Sources" / "Execution" / "Vault" / "RebalancingVaultBytecode.swift"


def swift_bytecode_source(bytecode: bytes) -> str:
    """The vault's deploy code as a Swift constant, so `rebalancer vault deploy` needs no compiler."""
    hex_code = bytecode.hex()
    lines = [hex_code[i:i + 100] for i in range(0, len(hex_code), 100)]
    body = "\n".join(f'        "{line}",' for line in lines)
    return (
        "// Generated by `python -m devnet.vault_fixture` from abi/contracts/RebalancingVault.vy with the\n"
        "// pinned vyper; a test (devnet/tests/test_vault_artifacts.py) checks it matches a fresh compile.\n"
        "enum RebalancingVaultBytecode {\n"
        "    /// Deploy (init) code; the ABI-encoded constructor arguments (owner, operator, balancerVault) follow it.\n"
        "    static let hex: String = [\n"
        f"{body}\n"
        '    ].joined()\n'
        "}\n"
    )


def write_abi_file() -> None:
    VAULT_ABI_FILE.write_text(json.dumps(vault_artifact().abi, indent=2) + "\n")
    VAULT_SWIFT_BYTECODE.parent.mkdir(parents=True, exist_ok=True)
    VAULT_SWIFT_BYTECODE.write_text(swift_bytecode_source(vault_artifact().bytecode))


if __name__ == "__main__":
    write_abi_file()
    print(f"wrote {VAULT_ABI_FILE.relative_to(contracts.REPO_ROOT)} and {VAULT_SWIFT_BYTECODE.relative_to(contracts.REPO_ROOT)}")
    sys.exit(0)
