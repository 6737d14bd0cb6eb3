"""Deploy the devnet's contracts on a fresh chain and seed realistic markets.

Other protocols run as mainnet's own bytecode (devnet/vendored.py): Uniswap V2's factory and
Router02 (twice: `uniswap-v2` and a second V2-style dex `sushiswap`, pairs at the CREATE2 addresses
mainnet's init-code hash gives), Balancer V2's Vault with weighted pools from the 2021 factories
(math version 1) and the 2023 v4 factory (version 2), and Multicall3 at its mainnet address from
its pre-signed deployment. The project's Vyper contracts are the test tokens (ERC20, the USDT-like
TetherToken, WETH9) and the price feeds.

Everything is deployed by one fixed deployer key in a fixed order, so every address is the same on
every start (networks/devnet.json lists them; a test checks the file against a fresh deploy).

Markets (USD prices: WETH 3000, WBTC 60000, LINK 15, USDC = USDT = DAI = 1), several pools per
pair at slightly different prices and depths, so routing and splitting have something to do:
  uniswap-v2: deep WETH/USDC ($20M), WETH/USDT, WBTC/WETH, WBTC/USDC, USDC/USDT, DAI/USDC, LINK/WETH
  sushiswap:  WETH/USDC 0.2 % richer, thin WBTC/USDC ($50k), WETH/DAI, USDC/USDT, LINK/WETH
  balancer-v2: 2021 factories: WETH/DAI 80/20 (fee 0.3 %), WETH/WBTC/USDC 40/30/30 (0.25 %),
               WBTC/WETH 50/50 (0.25 %); v4 factory: WETH/USDC 50/50, WETH/WBTC/USDC 50/25/25 (0.3 %)
LINK trades only against WETH, so LINK -> USDC needs two hops.
Price feeds (AggregatorV3, 8 decimals like Chainlink's USD feeds): one per token at its USD price,
deployed last, heartbeat FEED_HEARTBEAT.
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

from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from . import contracts, uniswap_v3, vendored
from .contracts import Contract, deploy

# Public devnet key, not a secret: keccak256("rebalancer devnet deployer"). It deploys and owns
# the devnet's contracts so that their addresses are deterministic.
DEPLOYER_PRIVATE_KEY = "0x" + keccak(text="rebalancer devnet deployer").hex()
DEPLOYER_ADDRESS = "0x1Abff215B41A311F20957aDBBb54102286F6D821"

NETWORK_FILE = contracts.REPO_ROOT / "networks" / "devnet.json"

# ETH each dev account hands to the deployer to back the WETH in the pools and the dev accounts' WETH
ETH_FROM_EACH_DEV_ACCOUNT = 950 * 10**18
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



@dataclass(frozen=True)
class WeightedPoolSpec:
    """A Balancer weighted pool: weights and swap fee in 1e18, total USD depth, per-token price
    factors (> 1 makes that token dearer), and the factory generation that makes it: 2021 (the
    two-token factory for two tokens, WeightedPoolFactory v1 otherwise; math version 1) or 2023
    (WeightedPoolFactory v4; math version 2)."""

    name: str
    weights: dict[str, int]
    swap_fee: int
    depth: int
    factors: dict[str, Decimal]
    factory: int

    @property
    def math_version(self) -> int:
        return 1 if self.factory == 2021 else 2


WEIGHTED_POOLS: list[WeightedPoolSpec] = [
    WeightedPoolSpec("WETH-DAI-80-20", {"WETH": 8 * 10**17, "DAI": 2 * 10**17}, 3 * 10**15, 2_500_000,
                     {"WETH": Decimal("1.001"), "DAI": Decimal(1)}, 2021),
    WeightedPoolSpec("WETH-WBTC-USDC-40-30-30", {"WETH": 4 * 10**17, "WBTC": 3 * 10**17, "USDC": 3 * 10**17},
                     25 * 10**14, 1_500_000, {"WETH": Decimal("0.9993"), "WBTC": Decimal("1.0005"), "USDC": Decimal(1)},
                     2021),
    WeightedPoolSpec("WBTC-WETH-50-50", {"WBTC": 5 * 10**17, "WETH": 5 * 10**17}, 25 * 10**14, 2_000_000,
                     {"WBTC": Decimal("1.0008"), "WETH": Decimal(1)}, 2021),
    WeightedPoolSpec("WETH-USDC-50-50", {"WETH": 5 * 10**17, "USDC": 5 * 10**17}, 3 * 10**15, 2_000_000,
                     {"WETH": Decimal("1.0004"), "USDC": Decimal(1)}, 2023),
    WeightedPoolSpec("WETH-WBTC-USDC-50-25-25", {"WETH": 5 * 10**17, "WBTC": 25 * 10**16, "USDC": 25 * 10**16},
                     3 * 10**15, 1_500_000, {"WETH": Decimal("0.9997"), "WBTC": Decimal("1.0002"), "USDC": Decimal(1)},
                     2023),
]

# The Balancer vault's pause window and buffer period (its constructor's; mainnet's were 90 and 30 days).
BALANCER_PAUSE_WINDOW = 90 * 86400
BALANCER_BUFFER_PERIOD = 30 * 86400
# The v4 factory's protocol fee provider caps (50 %, as on mainnet); no protocol fee is set.
PROTOCOL_FEE_CAP = 5 * 10**17
WEIGHTED_POOL_JOIN_INIT = 0  # WeightedPool JoinKind.INIT

MAX_DEADLINE = 2**256 - 1
ZERO_ADDRESS = "0x" + "00" * 20

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
    weighted_factories: dict[str, Contract] = field(default_factory=dict)  # artifact name -> factory
    weighted_pools: list[dict] = field(default_factory=list)  # {name, address, poolId, tokens, mathVersion, ...}
    dev_accounts: list[str] = field(default_factory=list)
    feeds: dict[str, Contract] = field(default_factory=dict)  # symbol -> its USD price feed
    uniswap_v3: uniswap_v3.V3Deployment | None = None

    def pair(self, address: str) -> Contract:
        """A Uniswap V2 pair of this chain."""
        return Contract(self.tokens["WETH"].tester, address, vendored.artifact("uniswap-v2", "UniswapV2Pair"))

    def weighted_pool(self, address: str) -> Contract:
        """A Balancer weighted pool of this chain (any factory's)."""
        return Contract(self.tokens["WETH"].tester, address, vendored.WEIGHTED_POOL)

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

    def deploy(self, name: str, *args) -> Contract:
        return deploy(self.tester, self.artifacts[name], *args, sender=self.address)

    def deploy_vendored(self, protocol: str, name: str, *args) -> Contract:
        return deploy(self.tester, vendored.artifact(protocol, name), *args, sender=self.address)


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
    """Each step deploys one protocol; the order fixes every address (never reorder, append)."""
    d = _Deployer(tester, contracts.compile_all())
    dep = Deployment()
    dep.dev_accounts = [to_checksum_address(a) for a in tester.get_accounts()[:DEV_ACCOUNTS_FUNDED]]
    _fund_deployer(tester, dep.dev_accounts)
    _deploy_tokens(d, dep)
    _deploy_multicall3(d, dep)
    _deploy_uniswap_v2(d, dep)
    _deploy_balancer(d, dep)
    _fund_dev_accounts(d, dep)
    _deploy_feeds(d, dep)
    _start_price_accumulators(d, dep)
    # Uniswap V3 last, by its own deployer: nothing above moves
    dep.uniswap_v3 = uniswap_v3.deploy_uniswap_v3(
        tester, dep.tokens, {sym: (spec[2], spec[3]) for sym, spec in TOKENS.items()}, d.address, dep.dev_accounts,
        dep.factories["uniswap-v2"].address)
    return dep


def _deploy_tokens(d: _Deployer, dep: Deployment) -> None:
    for sym, (contract, name, decimals, _price) in TOKENS.items():
        dep.tokens[sym] = d.deploy("WETH9") if contract == "WETH9" else d.deploy(contract, name, sym, decimals)
    dep.tokens["WETH"].transact("deposit", sender=d.address, value=_weth_needed(len(dep.dev_accounts)))


def _deploy_multicall3(d: _Deployer, dep: Deployment) -> None:
    """Multicall3 at its mainnet address, from its pre-signed transaction (its signer needs gas money)."""
    d.tester.send_transaction({"from": d.address, "to": vendored.MULTICALL3_SIGNER, "value": 10**17, "gas": 21000})
    receipt = d.tester.get_transaction_receipt(d.tester.send_raw_transaction("0x" + vendored.multicall3_deployment().hex()))
    if receipt["status"] != 1 or to_checksum_address(receipt["contract_address"]) != vendored.MULTICALL3_ADDRESS:
        raise contracts.ContractError("fixtures: Multicall3's pre-signed deployment did not land at its address")
    dep.multicall3 = Contract(d.tester, vendored.MULTICALL3_ADDRESS, vendored.MULTICALL3)


def _deploy_uniswap_v2(d: _Deployer, dep: Deployment) -> None:
    """Uniswap V2's factory and Router02 once per constant-product dex; pairs seeded by transfer + mint."""
    weth = dep.tokens["WETH"]
    for dex in CONSTANT_PRODUCT_DEXES:
        dep.factories[dex] = d.deploy_vendored("uniswap-v2", "UniswapV2Factory", d.address)
        dep.routers[dex] = d.deploy_vendored("uniswap-v2", "UniswapV2Router02", dep.factories[dex].address, weth.address)
    for spec in CONSTANT_PRODUCT_POOLS:
        dex, sym_a, sym_b = spec[0], spec[1], spec[2]
        a, b = dep.tokens[sym_a].address, dep.tokens[sym_b].address
        dep.factories[dex].transact("createPair", a, b, sender=d.address)
        address = vendored.pair_address(dep.factories[dex].address, a, b)
        for sym, amount in zip((sym_a, sym_b), _pool_amounts(spec)):
            _give(dep, d.address, sym, address, amount)
        dep.pair(address).transact("mint", d.address, sender=d.address)
        # Uniswap V2 orders a pair's tokens by address
        dep.pairs.append({"dex": dex, "address": address, "tokens": [sym_a, sym_b] if int(a, 16) < int(b, 16)
                          else [sym_b, sym_a]})


def _fund_dev_accounts(d: _Deployer, dep: Deployment) -> None:
    """One mintBatch per token; WETH handed out through Multicall3 (which calls as itself: the
    deployer parks the WETH there and one aggregate3 transfers it on)."""
    weth = dep.tokens["WETH"]
    for sym, whole in DEV_ACCOUNT_TOKENS.items():
        amount = whole * 10 ** TOKENS[sym][2]
        if sym == "WETH":
            weth.transact("transfer", dep.multicall3.address, amount * len(dep.dev_accounts), sender=d.address)
            dep.multicall3.transact("aggregate3", [(weth.address, False, weth.encode("transfer", account, amount))
                                                   for account in dep.dev_accounts], sender=d.address)
        else:
            dep.tokens[sym].transact("mintBatch", dep.dev_accounts, amount, sender=d.address)


def _start_price_accumulators(d: _Deployer, dep: Deployment) -> None:
    """Every mainnet pair has traded: its price accumulators are non-zero. A pair's first update in
    a later block than its mint writes them from zero (~34k gas more on its first swap); a `sync`
    here pays that, so swaps on the devnet cost what they cost on mainnet."""
    for pair in dep.pairs:
        dep.pair(pair["address"]).transact("sync", sender=d.address)


def _deploy_feeds(d: _Deployer, dep: Deployment) -> None:
    for sym, (_contract, _name, _decimals, price) in TOKENS.items():
        dep.feeds[sym] = d.deploy("PriceFeed", FEED_DECIMALS, f"{sym} / USD", feed_answer(price))


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


def _weighted_amounts(spec: WeightedPoolSpec) -> dict[str, int]:
    # value share equals weight at the reference prices; a factor > 1 makes that token dearer
    return {sym: _units(Decimal(spec.depth) * Decimal(w) / Decimal(10**18) / (TOKENS[sym][3] * spec.factors[sym]),
                        TOKENS[sym][2]) for sym, w in spec.weights.items()}


def _deploy_balancer(d: _Deployer, dep: Deployment) -> None:
    """Balancer V2's Vault with its Authorizer, the 2021 and 2023 weighted-pool factories, and the
    pools of WEIGHTED_POOLS, each created by its factory and seeded with an INIT join."""
    authorizer = d.deploy_vendored("balancer-v2", "Authorizer", d.address)
    dep.vault = d.deploy_vendored("balancer-v2", "Vault", authorizer.address, dep.tokens["WETH"].address,
                                  BALANCER_PAUSE_WINDOW, BALANCER_BUFFER_PERIOD)
    fees = d.deploy_vendored("balancer-v2", "ProtocolFeePercentagesProvider", dep.vault.address, PROTOCOL_FEE_CAP,
                             PROTOCOL_FEE_CAP)
    for name, args in (("WeightedPool2TokensFactory", ()), ("WeightedPoolFactoryV1", ()),
                       ("WeightedPoolFactoryV4", (fees.address, "devnet v4", "devnet v4 pool"))):
        dep.weighted_factories[name] = d.deploy_vendored("balancer-v2", name, dep.vault.address, *args)
    for spec in WEIGHTED_POOLS:
        dep.weighted_pools.append(create_weighted_pool(dep, d.address, spec, _weighted_amounts(spec)))


def create_weighted_pool(dep: Deployment, owner: str, spec: WeightedPoolSpec, amounts: dict[str, int]) -> dict:
    """Create `spec`'s pool with its factory and seed it with `amounts` from `owner` (an INIT join;
    `owner` mints, or for WETH holds, them); the pool's facts as Deployment.weighted_pools lists them."""
    # Balancer registers a pool's tokens sorted by address; weights follow the same order
    syms = sorted(spec.weights, key=lambda s: int(dep.tokens[s].address, 16))
    addresses = [dep.tokens[s].address for s in syms]
    weights = [spec.weights[s] for s in syms]
    if spec.factory == 2023:
        factory = dep.weighted_factories["WeightedPoolFactoryV4"]
        receipt = factory.transact("create", spec.name, spec.name, addresses, weights, [ZERO_ADDRESS] * len(syms),
                                   spec.swap_fee, owner, keccak(text=spec.name), sender=owner)
    elif len(syms) == 2:
        factory = dep.weighted_factories["WeightedPool2TokensFactory"]
        receipt = factory.transact("create", spec.name, spec.name, addresses, weights, spec.swap_fee, False, owner,
                                   sender=owner)
    else:
        factory = dep.weighted_factories["WeightedPoolFactoryV1"]
        receipt = factory.transact("create", spec.name, spec.name, addresses, weights, spec.swap_fee, owner,
                                   sender=owner)
    pool = dep.weighted_pool(_created_pool(receipt, factory.address))
    pool_id = pool.call("getPoolId")
    for sym in syms:
        token = dep.tokens[sym]
        if sym != "WETH":
            token.transact("mint", owner, amounts[sym], sender=DEPLOYER_ADDRESS)
        if token.call("allowance", owner, dep.vault.address) == 0:
            token.transact("approve", dep.vault.address, 2**256 - 1, sender=owner)
    user_data = abi_encode(["uint256", "uint256[]"], [WEIGHTED_POOL_JOIN_INIT, [amounts[s] for s in syms]])
    dep.vault.transact("joinPool", pool_id, owner, owner, (addresses, [amounts[s] for s in syms], user_data, False),
                       sender=owner)
    return {"name": spec.name, "address": pool.address, "poolId": "0x" + pool_id.hex(), "tokens": syms,
            "weights": weights, "swapFee": spec.swap_fee, "factory": factory.address, "mathVersion": spec.math_version}


POOL_CREATED_TOPIC = keccak(text="PoolCreated(address)")


def _created_pool(receipt: dict, factory: str) -> str:
    """The pool a factory's create made, from its PoolCreated log (an eth_call of create would
    predict another address: the factory's nonce-based CREATE)."""
    for log in receipt["logs"]:
        topics = [bytes.fromhex(t[2:]) if isinstance(t, str) else bytes(t) for t in log["topics"]]
        if to_checksum_address(log["address"]) == factory and topics and topics[0] == POOL_CREATED_TOPIC:
            return to_checksum_address(topics[1][-20:])
    raise contracts.ContractError(f"fixtures: no PoolCreated log from factory {factory}")


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
               "tokens": p["tokens"], "mathVersion": p["mathVersion"]} for p in dep.weighted_pools]
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
