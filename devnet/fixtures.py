"""Deploy the project's contracts on a fresh devnet chain and seed realistic markets.

Everything is deployed by one fixed deployer key in a fixed order, so every address is the same on
every start (networks/devnet.json lists them; a test checks the file against a fresh deploy).

Markets (USD prices: WETH 3000, WBTC 60000, LINK 15, USDC = USDT = DAI = 1), several pools per
pair at slightly different prices and depths, so routing and splitting have something to do:
  uniswap-v2: deep WETH/USDC ($20M), WETH/USDT, WBTC/WETH, WBTC/USDC, USDC/USDT, DAI/USDC, LINK/WETH
  sushiswap:  WETH/USDC 0.2 % richer, thin WBTC/USDC ($50k), WETH/DAI, USDC/USDT, LINK/WETH
  balancer-v2: WETH/DAI 80/20 (fee 0.3 %), WETH/WBTC/USDC 40/30/30 (fee 0.25 %)
LINK trades only against WETH, so LINK -> USDC needs two hops.
Price feeds (AggregatorV3, 8 decimals like Chainlink's USD feeds): one per token at its USD price,
deployed last (so the other addresses did not move when they were added), heartbeat FEED_HEARTBEAT.
Each dev account (the tester's first ten; anvil's on the node) gets 100 WETH, 5 WBTC, 500k USDC,
500k USDT, 500k DAI and 10k LINK.

Run `python -m devnet.fixtures` to rewrite networks/devnet.json and abi/*.json.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from eth_utils import keccak, to_checksum_address

from . import contracts, uniswap_v3
from .contracts import Contract, deploy

# Public devnet key, not a secret: keccak256("rebalancer devnet deployer"). It deploys and owns
# the devnet's contracts so that their addresses are deterministic.
DEPLOYER_PRIVATE_KEY = "0x" + keccak(text="rebalancer devnet deployer").hex()
DEPLOYER_ADDRESS = "0x1Abff215B41A311F20957aDBBb54102286F6D821"

NETWORK_FILE = contracts.REPO_ROOT / "networks" / "devnet.json"

# ETH each dev account hands to the deployer to back the WETH in the pools and the dev accounts' WETH
ETH_FROM_EACH_DEV_ACCOUNT = 900 * 10**18
DEV_ACCOUNTS_FUNDED = 10

# symbol -> (contract, name, decimals, USD price)
TOKENS: dict[str, tuple[str, str, int, Decimal]] = {
    "WETH": ("WETH9", "Wrapped Ether", 18, Decimal(3000)),
    "USDC": ("ERC20", "USD Coin", 6, Decimal(1)),
    "USDT": ("TetherToken", "Tether USD", 6, Decimal(1)),
    "WBTC": ("ERC20", "Wrapped BTC", 8, Decimal(60000)),
    "DAI": ("ERC20", "Dai Stablecoin", 18, Decimal(1)),
    "LINK": ("ERC20", "ChainLink Token", 18, Decimal(15)),
}

DEV_ACCOUNT_TOKENS = {"WETH": 100, "WBTC": 5, "USDC": 500_000, "USDT": 500_000, "DAI": 500_000, "LINK": 10_000}

WETH_FOR_DEV_ACCOUNTS = DEV_ACCOUNT_TOKENS["WETH"] * 10**18

CONSTANT_PRODUCT_DEXES = ("uniswap-v2", "sushiswap")

# (dex, tokenA, tokenB, total USD depth, price of A in B relative to the reference prices)
CONSTANT_PRODUCT_POOLS: list[tuple[str, str, str, int, Decimal]] = [
    ("uniswap-v2", "WETH", "USDC", 20_000_000, Decimal("1")),
    ("uniswap-v2", "WETH", "USDT", 4_000_000, Decimal("1.0005")),
    ("uniswap-v2", "WBTC", "WETH", 6_000_000, Decimal("1.001")),
    ("uniswap-v2", "WBTC", "USDC", 8_000_000, Decimal("1.0003")),
    ("uniswap-v2", "USDC", "USDT", 4_000_000, Decimal("1.0002")),
    ("uniswap-v2", "DAI", "USDC", 6_000_000, Decimal("0.9998")),
    ("uniswap-v2", "LINK", "WETH", 1_000_000, Decimal("1")),
    ("sushiswap", "WETH", "USDC", 4_000_000, Decimal("1.002")),
    ("sushiswap", "WBTC", "USDC", 50_000, Decimal("0.998")),
    ("sushiswap", "WETH", "DAI", 1_000_000, Decimal("0.999")),
    ("sushiswap", "USDC", "USDT", 1_000_000, Decimal("0.9995")),
    ("sushiswap", "LINK", "WETH", 300_000, Decimal("1.004")),
]

# (name, {symbol: weight in 1e18}, swap fee in 1e18, total USD depth, {symbol: price factor})
WEIGHTED_POOLS: list[tuple[str, dict[str, int], int, int, dict[str, Decimal]]] = [
    ("WETH-DAI-80-20", {"WETH": 8 * 10**17, "DAI": 2 * 10**17}, 3 * 10**15, 2_500_000,
     {"WETH": Decimal("1.001"), "DAI": Decimal(1)}),
    ("WETH-WBTC-USDC-40-30-30", {"WETH": 4 * 10**17, "WBTC": 3 * 10**17, "USDC": 3 * 10**17}, 25 * 10**14,
     1_500_000, {"WETH": Decimal("0.9993"), "WBTC": Decimal("1.0005"), "USDC": Decimal(1)}),
]

MAX_DEADLINE = 2**256 - 1

FEED_DECIMALS = 8
# The devnet's feeds are posted once, when the fixtures are deployed: a day's heartbeat keeps them
# fresh (for the vault) for a day of devnet uptime; tests that move the clock further post again
# (the deployer's key is public: keccak256("rebalancer devnet deployer")).
FEED_HEARTBEAT = 86400


@dataclass
class Deployment:
    """What deploy_fixtures made: contract handles and the per-pool facts networks/devnet.json needs."""

    tokens: dict[str, Contract] = field(default_factory=dict)
    multicall3: Contract | None = None
    factories: dict[str, Contract] = field(default_factory=dict)
    routers: dict[str, Contract] = field(default_factory=dict)
    pairs: list[dict] = field(default_factory=list)  # {dex, address, tokens: [sym0, sym1]}
    vault: Contract | None = None
    weighted_pools: list[dict] = field(default_factory=list)  # {name, address, poolId, tokens, ...}
    dev_accounts: list[str] = field(default_factory=list)
    feeds: dict[str, Contract] = field(default_factory=dict)  # symbol -> its USD price feed
    uniswap_v3: uniswap_v3.V3Deployment | None = None

    def summary(self) -> dict[str, str]:
        """Flat name -> address map (pool ids under '<pool>.poolId')."""
        out: dict[str, str] = {"deployer": DEPLOYER_ADDRESS}
        for sym, token in self.tokens.items():
            out[sym] = token.address
        if self.multicall3:
            out["multicall3"] = self.multicall3.address
        for dex in self.factories:
            out[f"{dex}.factory"] = self.factories[dex].address
            out[f"{dex}.router"] = self.routers[dex].address
        for pair in self.pairs:
            out[f"{pair['dex']}.{pair['tokens'][0]}-{pair['tokens'][1]}"] = pair["address"]
        if self.vault:
            out["balancer-v2.vault"] = self.vault.address
        for pool in self.weighted_pools:
            out[f"balancer-v2.{pool['name']}"] = pool["address"]
            out[f"balancer-v2.{pool['name']}.poolId"] = pool["poolId"]
        for sym, feed in self.feeds.items():
            out[f"feed.{sym}"] = feed.address
        if self.uniswap_v3:
            out.update(self.uniswap_v3.summary())
        return out


def _units(amount: Decimal, decimals: int) -> int:
    return int((amount * (Decimal(10) ** decimals)).to_integral_value())


class _Deployer:
    def __init__(self, tester, artifacts):
        self.tester = tester
        self.artifacts = artifacts
        self.address = DEPLOYER_ADDRESS

    def deploy(self, name: str, *args, blueprint: bool = False) -> Contract:
        return deploy(self.tester, self.artifacts[name], *args, sender=self.address, blueprint=blueprint)


def _fund_deployer(tester, dev_accounts: list[str]) -> None:
    accounts = [to_checksum_address(a) for a in tester.get_accounts()]
    if DEPLOYER_ADDRESS not in accounts:
        added = tester.add_account(DEPLOYER_PRIVATE_KEY)
        assert to_checksum_address(added) == DEPLOYER_ADDRESS
    if tester.get_nonce(DEPLOYER_ADDRESS) != 0:
        raise contracts.ContractError("fixtures: the deployer has already sent transactions on this chain")
    for account in dev_accounts:
        tester.send_transaction({"from": account, "to": DEPLOYER_ADDRESS, "value": ETH_FROM_EACH_DEV_ACCOUNT,
                                 "gas": 21000})


def deploy_fixtures(tester) -> dict[str, str]:
    """Deploy and seed everything on `tester` (an eth_tester.EthereumTester); name -> address."""
    return deploy_all(tester).summary()


def deploy_all(tester) -> Deployment:
    artifacts = contracts.compile_all()
    d = _Deployer(tester, artifacts)
    dep = Deployment()
    dep.dev_accounts = [to_checksum_address(a) for a in tester.get_accounts()[:DEV_ACCOUNTS_FUNDED]]
    _fund_deployer(tester, dep.dev_accounts)

    # --- tokens (deploy order fixes the addresses; never reorder) ---
    for sym, (contract, name, decimals, _price) in TOKENS.items():
        dep.tokens[sym] = d.deploy("WETH9") if contract == "WETH9" else d.deploy(contract, name, sym, decimals)
    weth = dep.tokens["WETH"]
    weth.transact("deposit", sender=d.address, value=_weth_needed(len(dep.dev_accounts)))

    # --- Multicall3, Uniswap-V2-style DEXes ---
    dep.multicall3 = d.deploy("Multicall3")
    pair_blueprint = d.deploy("UniswapV2Pair", blueprint=True)
    for dex in CONSTANT_PRODUCT_DEXES:
        dep.factories[dex] = d.deploy("UniswapV2Factory", d.address, pair_blueprint.address)
        dep.routers[dex] = d.deploy("UniswapV2Router02", dep.factories[dex].address, weth.address)

    for spec in CONSTANT_PRODUCT_POOLS:
        dex, sym_a, sym_b = spec[0], spec[1], spec[2]
        amount_a, amount_b = _pool_amounts(spec)
        factory = dep.factories[dex]
        factory.transact("createPair", dep.tokens[sym_a].address, dep.tokens[sym_b].address, sender=d.address)
        pair_address = factory.call("getPair", dep.tokens[sym_a].address, dep.tokens[sym_b].address)
        for sym, amount in ((sym_a, amount_a), (sym_b, amount_b)):
            _give(dep, d.address, sym, pair_address, amount)
        pair = Contract(tester, pair_address, artifacts["UniswapV2Pair"])
        pair.transact("mint", d.address, sender=d.address)
        token0 = pair.call("token0")
        ordered = [sym_a, sym_b] if token0 == dep.tokens[sym_a].address else [sym_b, sym_a]
        dep.pairs.append({"dex": dex, "address": pair_address, "tokens": ordered})

    _deploy_balancer(d, dep)

    # --- dev accounts: one mintBatch per token; WETH handed out through Multicall3 (which calls
    # as itself: the deployer parks the WETH there and one aggregate3 transfers it on) ---
    for sym, whole in DEV_ACCOUNT_TOKENS.items():
        amount = whole * 10 ** TOKENS[sym][2]
        if sym == "WETH":
            weth.transact("transfer", dep.multicall3.address, amount * len(dep.dev_accounts), sender=d.address)
            dep.multicall3.transact("aggregate3", [(weth.address, False, weth.encode("transfer", account, amount))
                                                   for account in dep.dev_accounts], sender=d.address)
        else:
            dep.tokens[sym].transact("mintBatch", dep.dev_accounts, amount, sender=d.address)

    # --- price feeds (last: every address above stays where it was before they existed) ---
    if "PriceFeed" in d.artifacts:
        for sym, (_contract, _name, _decimals, price) in TOKENS.items():
            dep.feeds[sym] = d.deploy("PriceFeed", FEED_DECIMALS, f"{sym} / USD", feed_answer(price))

    # --- Uniswap V3 (its own deployer: nothing above moves) ---
    dep.uniswap_v3 = uniswap_v3.deploy_uniswap_v3(
        tester, dep.tokens, {sym: (spec[2], spec[3]) for sym, spec in TOKENS.items()}, d.address, dep.dev_accounts,
        dep.factories["uniswap-v2"].address)
    return dep


def feed_answer(price: Decimal) -> int:
    """A USD price as a feed's answer (FEED_DECIMALS decimals)."""
    return _units(price, FEED_DECIMALS)


def _weth_needed(dev_accounts: int) -> int:
    """All the WETH the deployer hands out: pools on every DEX plus the dev accounts' share."""
    in_pairs = sum(a for spec in CONSTANT_PRODUCT_POOLS
                   for sym, a in zip(spec[1:3], _pool_amounts(spec)) if sym == "WETH")
    in_weighted = sum(_weighted_amounts(spec).get("WETH", 0) for spec in WEIGHTED_POOLS)
    return in_pairs + in_weighted + WETH_FOR_DEV_ACCOUNTS * dev_accounts


def _give(dep: Deployment, deployer: str, sym: str, to: str, amount: int) -> None:
    """Mint (deployer owns the tokens) or, for WETH, transfer from the deployer's wrapped ETH."""
    if sym == "WETH":
        dep.tokens["WETH"].transact("transfer", to, amount, sender=deployer)
    else:
        dep.tokens[sym].transact("mint", to, amount, sender=deployer)


def _pool_amounts(spec) -> tuple[int, int]:
    _dex, sym_a, sym_b, depth, factor = spec
    half = Decimal(depth) / 2
    price_a, price_b = TOKENS[sym_a][3], TOKENS[sym_b][3]
    # A is worth `factor` times its reference price in B: more B per A
    return _units(half / price_a, TOKENS[sym_a][2]), _units(half * factor / price_b, TOKENS[sym_b][2])


def _weighted_amounts(spec) -> dict[str, int]:
    _name, weights, _fee, depth, factors = spec
    # value share equals weight at the reference prices; a factor > 1 makes that token dearer
    return {sym: _units(Decimal(depth) * Decimal(w) / Decimal(10**18) / (TOKENS[sym][3] * factors[sym]),
                        TOKENS[sym][2]) for sym, w in weights.items()}


def _deploy_balancer(d: _Deployer, dep: Deployment) -> None:
    """Balancer-V2-style vault with weighted pools (added with the vault contract)."""
    if "BalancerVault" not in d.artifacts:
        return
    dep.vault = d.deploy("BalancerVault")
    for spec in WEIGHTED_POOLS:
        name, weights, fee, _depth, _factors = spec
        amounts = _weighted_amounts(spec)
        # Balancer registers a pool's tokens sorted by address; weights follow the same order
        syms = sorted(weights, key=lambda s: int(dep.tokens[s].address, 16))
        pool = d.deploy("WeightedPool", dep.vault.address, [dep.tokens[s].address for s in syms],
                        [weights[s] for s in syms], fee, d.address)
        dep.vault.transact("registerPool", pool.address, sender=d.address)
        pool_id = "0x" + pool.call("getPoolId").hex()
        for sym in syms:
            token = dep.tokens[sym]
            if sym != "WETH":
                token.transact("mint", d.address, amounts[sym], sender=d.address)
            if token.call("allowance", d.address, dep.vault.address) == 0:
                token.transact("approve", dep.vault.address, 2**256 - 1, sender=d.address)
        dep.vault.transact("seedPool", bytes.fromhex(pool_id[2:]), [amounts[s] for s in syms], sender=d.address)
        dep.weighted_pools.append({"name": name, "address": pool.address, "poolId": pool_id, "tokens": syms,
                                   "weights": [weights[s] for s in syms], "swapFee": fee})


# ----------------------------------------------------------------------------- networks/devnet.json


def network_json(dep: Deployment) -> dict:
    """networks/devnet.json content (format: the lead's NETWORK.md) for this deployment."""
    dexes: list[dict] = []
    for dex in CONSTANT_PRODUCT_DEXES:
        dexes.append({"name": dex, "kind": "constant-product", "factory": dep.factories[dex].address,
                      "router": dep.routers[dex].address, "feeBps": 30})
    if dep.vault:
        dexes.append({"name": "balancer-v2", "kind": "weighted", "vault": dep.vault.address})
    tokens = []
    for sym, (contract, _name, decimals, _price) in TOKENS.items():
        entry: dict = {"symbol": sym, "address": dep.tokens[sym].address, "decimals": decimals}
        if contract == "TetherToken":
            entry["approvalResetRequired"] = True
            entry["returnsBool"] = False
        if sym in dep.feeds:
            entry["priceFeed"] = {"address": dep.feeds[sym].address, "heartbeat": FEED_HEARTBEAT}
        tokens.append(entry)
    pools: list[dict] = [{"dex": p["dex"], "kind": "constant-product", "address": p["address"],
                          "tokens": p["tokens"], "feeBps": 30} for p in dep.pairs]
    pools += [{"dex": "balancer-v2", "kind": "weighted", "address": p["address"], "poolId": p["poolId"],
               "tokens": p["tokens"]} for p in dep.weighted_pools]
    return {
        "name": "devnet",
        "chainId": 31337,
        "mainnet": False,
        "rpcUrlEnv": "DEVNET_RPC_URL",
        "defaultRpcUrl": "http://127.0.0.1:8545",
        "multicall3": dep.multicall3.address,
        "wrappedNative": "WETH",
        "tokens": tokens,
        "dexes": dexes,
        "pools": pools,
        "gas": {"maxFeePerGas": "300000000000", "maxPriorityFeePerGas": "5000000000"},
        "confirmations": 1,
        "replaceAfterBlocks": 3,
        **({"uniswapV3": dep.uniswap_v3.network_json()} if dep.uniswap_v3 else {}),
    }


def make_tester():
    """A fresh chain like the node's: anvil's mnemonic accounts with 10,000 ETH each, chain id 31337."""
    from eth_tester import EthereumTester, PyEVMBackend

    from . import CHAIN_ID, DEV_ACCOUNT_BALANCE_WEI, DEV_ACCOUNT_COUNT, DEV_HD_PATH, DEV_MNEMONIC

    backend = PyEVMBackend.from_mnemonic(DEV_MNEMONIC, genesis_state_overrides={"balance": DEV_ACCOUNT_BALANCE_WEI},
                                         num_accounts=DEV_ACCOUNT_COUNT, hd_path=DEV_HD_PATH)
    type(backend.chain).chain_id = CHAIN_ID
    return EthereumTester(backend=backend, auto_mine_transactions=True)


def main(argv: list[str]) -> int:
    import time

    start = time.time()
    dep = deploy_all(make_tester())
    elapsed = time.time() - start
    NETWORK_FILE.parent.mkdir(exist_ok=True)
    NETWORK_FILE.write_text(json.dumps(network_json(dep), indent=2) + "\n")
    contracts.write_abi_files()
    print(f"deployed in {elapsed:.2f}s; wrote {NETWORK_FILE.relative_to(contracts.REPO_ROOT)} and abi/*.json")
    for name, address in dep.summary().items():
        print(f"  {name:40s} {address}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
