"""Uniswap V3 on the devnet: mainnet's own bytecode (devnet/artifacts/uniswap-v3, see its
README for sources and licences), deployed by its own deployer key so that its addresses do not
depend on what the main fixtures deploy before it.

Deployed: UniswapV3Factory, NonfungiblePositionManager, QuoterV2, TickLens, SwapRouter02, and pools
for the main pairs at fee tiers 500/3000/10000 (100 for the stable pairs). Every pool is created by
the factory, so it sits at the address mainnet's POOL_INIT_CODE_HASH gives (checked here), and is
seeded through the real position manager: one wide base position reaching three bitmap words
either side of the price, a few small positions further out (initialized ticks in other words) and
many narrow ones near the price (swaps cross 0 to 25+ initialized ticks). Every initialized tick
has been crossed both ways before the positions are minted, as mainnet's long-lived pools' ticks
have: a tick's first crossing writes its fee accumulators from zero (~35k more gas), which no
mainnet swap pays. Dust positions on the same ticks (and a full-range one, so that fees accrue
beyond the outermost ticks) carry the warming swaps, which end exactly at the initial price; the
real positions are minted after and the dust taken out, so price, liquidity and ticks are the
same as without warming.

Also deployed for the tests: V3TickProbe (the V3 deployer's first contract, so at a fixed address)
and an empty LINK/DAI 1 % pool the probe moves around; a trader account with tokens approved to
SwapRouter02 for the Swift exactness suite. Both keys are public devnet keys, not secrets.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from . import contracts, vendored
from .contracts import Artifact, Contract, deploy

PROBE_SOURCE = Path(__file__).resolve().parent / "V3TickProbe.vy"

# Public devnet keys, not secrets: keccak256 of these texts.
DEPLOYER_PRIVATE_KEY = "0x" + keccak(text="rebalancer devnet uniswap-v3 deployer").hex()
TRADER_PRIVATE_KEY = "0x" + keccak(text="rebalancer devnet uniswap-v3 trader").hex()
DEPLOYER_ADDRESS = Account.from_key(DEPLOYER_PRIVATE_KEY).address
TRADER_ADDRESS = Account.from_key(TRADER_PRIVATE_KEY).address

# mainnet's UniswapV3Factory POOL_INIT_CODE_HASH (v3-periphery PoolAddress.sol)
POOL_INIT_CODE_HASH = bytes.fromhex("e34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54")
TICK_SPACING = {100: 1, 500: 10, 3000: 60, 10000: 200}
MIN_TICK, MAX_TICK = -887272, 887272

# ETH each dev account hands over (dev accounts keep > 9000 ETH): for the positions' WETH and the trader
ETH_TO_DEPLOYER_PER_DEV_ACCOUNT = 20 * 10**18
ETH_TO_TRADER_PER_DEV_ACCOUNT = 20 * 10**18
TRADER_WETH = 180 * 10**18
TRADER_USD = 50_000_000  # of each stablecoin, and its worth in WBTC and LINK

# (tokenA, tokenB, fee, USD value of the positions, price of A in B relative to the reference prices)
POOLS: list[tuple[str, str, int, int, Decimal]] = [
    ("WETH", "USDC", 500, 500_000, Decimal("1.0004")),
    ("WETH", "USDC", 3000, 250_000, Decimal("0.9995")),
    ("WETH", "USDC", 10000, 100_000, Decimal("1.001")),
    ("WBTC", "WETH", 3000, 200_000, Decimal("1.0006")),
    ("WBTC", "USDC", 500, 400_000, Decimal("0.9997")),
    ("USDC", "USDT", 100, 2_000_000, Decimal("1.0001")),
    ("DAI", "USDC", 100, 1_000_000, Decimal("0.9999")),
]
PROBE_POOL = ("LINK", "DAI", 10000)

NARROW_POSITIONS = 12
FAR_POSITIONS = 3
BASE_WORDS = 3
DUST = 100_000  # the warming positions hold this fraction of the real ones' value

MINT_TYPES = "(address,address,uint24,int24,int24,uint256,uint256,uint256,uint256,address,uint256)"


@dataclass
class V3Deployment:
    factory: Contract
    position_manager: Contract
    quoter: Contract
    tick_lens: Contract
    router: Contract
    probe: Contract
    pools: list[dict] = field(default_factory=list)  # {address, tokens: [sym0, sym1], fee, tickSpacing}
    probe_pool: str = ""

    def summary(self) -> dict[str, str]:
        out = {"uniswap-v3.deployer": DEPLOYER_ADDRESS, "uniswap-v3.trader": TRADER_ADDRESS,
               "uniswap-v3.factory": self.factory.address, "uniswap-v3.positionManager": self.position_manager.address,
               "uniswap-v3.quoterV2": self.quoter.address, "uniswap-v3.tickLens": self.tick_lens.address,
               "uniswap-v3.swapRouter02": self.router.address, "uniswap-v3.tickProbe": self.probe.address,
               "uniswap-v3.probePool": self.probe_pool}
        for p in self.pools:
            out[f"uniswap-v3.{p['tokens'][0]}-{p['tokens'][1]}-{p['fee']}"] = p["address"]
        return out

    def network_json(self) -> dict:
        """The network file's "uniswapV3" section."""
        return {"factory": self.factory.address, "quoterV2": self.quoter.address, "tickLens": self.tick_lens.address,
                "swapRouter02": self.router.address, "positionManager": self.position_manager.address,
                "pools": [{"address": p["address"], "tokens": p["tokens"], "fee": p["fee"], "tickSpacing": p["tickSpacing"]}
                          for p in self.pools]}


def artifact(name: str) -> Artifact:
    return vendored.artifact("uniswap-v3", name)


def pool_address(factory: str, token_a: str, token_b: str, fee: int) -> str:
    """CREATE2 address of the factory's pool (v3-periphery's PoolAddress.computeAddress)."""
    t0, t1 = sorted([token_a, token_b], key=lambda a: int(a, 16))
    salt = keccak(abi_encode(["address", "address", "uint24"], [t0, t1, fee]))
    return to_checksum_address(keccak(b"\xff" + bytes.fromhex(factory[2:]) + salt + POOL_INIT_CODE_HASH)[12:])


def sqrt_price_x96(price: Fraction) -> int:
    """floor(sqrt(price) · 2^96) for a token1-per-token0 price in raw units."""
    return math.isqrt(price.numerator * 2**192 // price.denominator)


def tick_at(sqrt_price: int) -> int:
    """The tick whose price is at or just below sqrt_price (float guess, good to ±1: only for placing positions)."""
    return math.floor(math.log((sqrt_price / 2**96) ** 2) / math.log(1.0001))


def deploy_uniswap_v3(tester, tokens: dict[str, Contract], token_prices: dict[str, tuple[int, Decimal]],
                      token_owner: str, dev_accounts: list[str], v2_factory: str) -> V3Deployment:
    """Deploy and seed everything (see the module docstring). `tokens`: symbol -> contract (WETH is
    WETH9, the others mintable by `token_owner`); `token_prices`: symbol -> (decimals, USD price)."""
    for key in (DEPLOYER_PRIVATE_KEY, TRADER_PRIVATE_KEY):
        if to_checksum_address(Account.from_key(key).address) not in [to_checksum_address(a) for a in tester.get_accounts()]:
            tester.add_account(key)
    if tester.get_nonce(DEPLOYER_ADDRESS) != 0:
        raise contracts.ContractError("uniswap-v3: the deployer has already sent transactions on this chain")
    for account in dev_accounts:
        for to, value in ((DEPLOYER_ADDRESS, ETH_TO_DEPLOYER_PER_DEV_ACCOUNT), (TRADER_ADDRESS, ETH_TO_TRADER_PER_DEV_ACCOUNT)):
            tester.send_transaction({"from": account, "to": to, "value": value, "gas": 21000})

    me = DEPLOYER_ADDRESS
    probe = deploy(tester, contracts.compile_source("V3TickProbe", PROBE_SOURCE.read_text()), sender=me)  # nonce 0
    weth = tokens["WETH"]
    factory = deploy(tester, artifact("UniswapV3Factory"), sender=me)
    factory.transact("enableFeeAmount", 100, 1, sender=me)  # as mainnet's owner did in Nov 2021
    npm = deploy(tester, artifact("NonfungiblePositionManager"), factory.address, weth.address,
                 "0x0000000000000000000000000000000000000001", sender=me)  # token descriptor: tokenURI is never asked
    quoter = deploy(tester, artifact("QuoterV2"), factory.address, weth.address, sender=me)
    lens = deploy(tester, artifact("TickLens"), sender=me)
    router = deploy(tester, artifact("SwapRouter02"), v2_factory, factory.address, npm.address, weth.address, sender=me)
    dep = V3Deployment(factory=factory, position_manager=npm, quoter=quoter, tick_lens=lens, router=router, probe=probe)

    # tokens: WETH wrapped from the ETH handed over, the rest minted by their owner
    weth.transact("deposit", sender=me, value=ETH_TO_DEPLOYER_PER_DEV_ACCOUNT * len(dev_accounts) - 10**18)
    weth.transact("deposit", sender=TRADER_ADDRESS, value=TRADER_WETH)
    for sym, token in tokens.items():
        decimals, price = token_prices[sym]
        if sym != "WETH":
            worth = sum(value for a, b, _f, value, _x in POOLS if sym in (a, b)) * 2 + 1_000_000
            token.transact("mint", me, int(Decimal(worth) / price * 10**decimals), sender=token_owner)
            token.transact("mint", TRADER_ADDRESS, int(Decimal(TRADER_USD) / price * 10**decimals), sender=token_owner)
        token.transact("approve", npm.address, 2**256 - 1, sender=me)
        token.transact("approve", router.address, 2**256 - 1, sender=me)
        token.transact("approve", router.address, 2**256 - 1, sender=TRADER_ADDRESS)

    pool_abi = artifact("UniswapV3Pool")
    for k, (sym_a, sym_b, fee, value, factor) in enumerate(POOLS):
        rng = random.Random(1000 + k)
        dep.pools.append(_seed_pool(tester, dep, pool_abi, tokens, token_prices, sym_a, sym_b, fee, value, factor, rng))

    sym_a, sym_b, fee = PROBE_POOL
    factory.transact("createPool", tokens[sym_a].address, tokens[sym_b].address, fee, sender=me)
    dep.probe_pool = factory.call("getPool", tokens[sym_a].address, tokens[sym_b].address, fee)
    Contract(tester, dep.probe_pool, pool_abi).transact("initialize", 2**96, sender=me)
    return dep


def _seed_pool(tester, dep: V3Deployment, pool_abi: Artifact, tokens, token_prices, sym_a: str, sym_b: str, fee: int,
               value: int, factor: Decimal, rng: random.Random) -> dict:
    me = DEPLOYER_ADDRESS
    a, b = tokens[sym_a].address, tokens[sym_b].address
    dep.factory.transact("createPool", a, b, fee, sender=me)
    address = dep.factory.call("getPool", a, b, fee)
    if address != pool_address(dep.factory.address, a, b, fee):
        raise contracts.ContractError(f"uniswap-v3: pool {sym_a}/{sym_b} {fee} is not at its POOL_INIT_CODE_HASH address")
    (dec_a, usd_a), (dec_b, usd_b) = token_prices[sym_a], token_prices[sym_b]
    # raw token1 per raw token0
    price_a_in_b = Fraction(usd_a * factor) / Fraction(usd_b) * Fraction(10**dec_b, 10**dec_a)
    t0_is_a = int(a, 16) < int(b, 16)
    symbols = [sym_a, sym_b] if t0_is_a else [sym_b, sym_a]
    price = price_a_in_b if t0_is_a else 1 / price_a_in_b
    pool = Contract(tester, address, pool_abi)
    pool.transact("initialize", sqrt_price_x96(price), sender=me)
    tick = pool.call("slot0")[1]
    spacing = TICK_SPACING[fee]
    lowest, highest = -(MAX_TICK // spacing) * spacing, (MAX_TICK // spacing) * spacing
    center = tick // spacing * spacing
    word = 256 * spacing

    # USD -> raw amounts of token0 and token1 offered to the position manager (it takes what the range needs)
    usd = [token_prices[s][1] for s in symbols]
    dec = [token_prices[s][0] for s in symbols]

    def offer(usd_value: float) -> tuple[int, int]:
        return tuple(int(Decimal(usd_value / 2) / usd[i] * 10**dec[i]) for i in (0, 1))

    ranges: list[tuple[int, int, float]] = [(max(lowest, center - BASE_WORDS * word), min(highest, center + BASE_WORDS * word), value * 0.4)]
    for _ in range(FAR_POSITIONS):  # out of range, in other bitmap words
        side = rng.choice((-1, 1))
        lo = center + side * rng.randint(word // spacing, (BASE_WORDS * word) // spacing - 40) * spacing
        ranges.append((lo, lo + rng.randint(2, 30) * spacing, value * 0.02))
    reach = 150 if spacing == 1 else 60
    for _ in range(NARROW_POSITIONS):
        lo = center + rng.randint(-reach, reach) * spacing
        ranges.append((lo, lo + rng.randint(1, 30) * spacing, value * 0.52 / NARROW_POSITIONS * rng.uniform(0.5, 1.5)))
    ranges = [(max(lo, lowest), min(hi, highest), usd_value) for lo, hi, usd_value in ranges]

    def mint(lo: int, hi: int, usd_value: float) -> int:
        amount0, amount1 = offer(usd_value)
        params = (tokens[symbols[0]].address, tokens[symbols[1]].address, fee, lo, hi, amount0, amount1, 0, 0,
                  me, 2**64)
        dep.position_manager.transact("mint", params, sender=me)
        return dep.position_manager.call("tokenOfOwnerByIndex", me, dep.position_manager.call("balanceOf", me) - 1)

    dust_ranges: dict[tuple[int, int], float] = {}
    for lo, hi, usd_value in ranges:
        dust_ranges.setdefault((lo, hi), usd_value)
    dust = [mint(lo, hi, usd_value / DUST) for (lo, hi), usd_value in dust_ranges.items()]
    dust.append(mint(lowest, highest, value / DUST))
    _warm_ticks(dep, pool, [tokens[s].address for s in symbols], fee, sorted({t for lo, hi, _u in ranges for t in (lo, hi)}))
    for lo, hi, usd_value in ranges:
        mint(lo, hi, usd_value)
    for token_id in dust:
        liquidity = dep.position_manager.call("positions", token_id)[7]
        dep.position_manager.transact("decreaseLiquidity", (token_id, liquidity, 0, 0, 2**64), sender=me)
    return {"address": address, "tokens": symbols, "fee": fee, "tickSpacing": spacing}


def _warm_ticks(dep: V3Deployment, pool: Contract, token_addresses: list[str], fee: int, ticks: list[int]) -> None:
    """Cross every one of `ticks` both ways (down past the lowest, up past the highest, back down to
    the initial price exactly), then check each holds non-zero fee accumulators outside."""
    me = DEPLOYER_ADDRESS
    initial = pool.call("slot0")[:2]

    def sqrt_between(tick: float) -> int:
        return int(Decimal("1.0001") ** (Decimal(tick) / 2) * 2**96)

    for zero_for_one, limit in ((True, sqrt_between(ticks[0] - 0.5)), (False, sqrt_between(ticks[-1] + 0.5)),
                                (True, initial[0])):
        token_in, token_out = token_addresses if zero_for_one else token_addresses[::-1]
        dep.router.transact("exactInputSingle", (token_in, token_out, fee, me, 2**127, 0, limit), sender=me)
    if pool.call("slot0")[:2] != initial:
        raise contracts.ContractError(f"uniswap-v3: warming pool {pool.address} did not return it to {initial}")
    for t in ticks:
        info = pool.call("ticks", t)
        if info[2] == 0 or info[3] == 0:
            raise contracts.ContractError(f"uniswap-v3: warming pool {pool.address} left tick {t} with a zero accumulator")
