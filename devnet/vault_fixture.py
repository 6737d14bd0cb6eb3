"""Deploy the rebalancing vault on a devnet chain and allowlist the devnet's tokens and pools.

`deploy_vault(tester, fixtures_dict, owner, operator)` takes the name -> address map that
`devnet.fixtures.deploy_fixtures` returns; the owner (an unlocked account of `tester`) deploys the
vault and allowlists every token and every pool in that map: Uniswap-V2-style pairs as kind 0,
Balancer weighted pools (when the devnet has them) as kind 1 in the map's Balancer vault.

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


def vault_artifact() -> contracts.Artifact:
    return contracts.compile_all()[VAULT_CONTRACT]


def allowlist_entries(fixtures_dict: dict[str, str]) -> tuple[list[str], list[tuple[str, int, str]]]:
    """(token addresses, [(pool address, kind, balancer vault or zero address)]) found in the map."""
    zero = "0x" + "00" * 20
    tokens = [fixtures_dict[sym] for sym in fixtures.TOKENS if sym in fixtures_dict]
    pools: list[tuple[str, int, str]] = []
    for key, address in fixtures_dict.items():
        dex, _, rest = key.partition(".")
        if dex in fixtures.CONSTANT_PRODUCT_DEXES and rest not in ("factory", "router"):
            pools.append((address, KIND_CONSTANT_PRODUCT, zero))
        elif dex == "balancer-v2" and key != BALANCER_VAULT_KEY and not rest.endswith(".poolId"):
            pools.append((address, KIND_WEIGHTED, fixtures_dict[BALANCER_VAULT_KEY]))
    return tokens, pools


def deploy_vault(tester, fixtures_dict: dict[str, str], owner: str, operator: str) -> str:
    """Deploy the vault owned by `owner` with `operator`, allowlist the map's tokens and pools."""
    owner = to_checksum_address(owner)
    vault = deploy(tester, vault_artifact(), owner, to_checksum_address(operator), sender=owner)
    tokens, pools = allowlist_entries(fixtures_dict)
    for token in tokens:
        vault.transact("setTokenAllowed", token, True, sender=owner)
    for pool, kind, balancer_vault in pools:
        vault.transact("allowPool", pool, kind, balancer_vault, sender=owner)
    return vault.address


def vault_contract(tester, address: str) -> Contract:
    return Contract(tester, address, vault_artifact())


def write_abi_file() -> None:
    VAULT_ABI_FILE.write_text(json.dumps(vault_artifact().abi, indent=2) + "\n")


if __name__ == "__main__":
    write_abi_file()
    print(f"wrote {VAULT_ABI_FILE.relative_to(contracts.REPO_ROOT)}")
    sys.exit(0)
