"""RebalancingVault's bounds on a leaked operator key, on the devnet's own chain (DevChain: a
transaction pool ordered by tip, automine off when a test builds a block): the issue's attacks
with an accomplice account, each refused or held to the daily loss cap; price feeds (missing,
stale, bad); the guardian; sweep; the factory check on allowPool; the views the planner reads.

The vault is the demo's: about $100,000 in WETH, WBTC and USDC, every devnet token and pool listed,
default limits (1 % loss per call, 10 % of NAV per call, 30 % of NAV and 0.3 % of NAV lost per
rolling day). Values are USD with 18 decimals at the feeds' prices."""

from __future__ import annotations

import pytest
from eth_utils import to_canonical_address, to_checksum_address

from devnet import fixtures, vault_fixture, vendored
from devnet.oracles import uniswap_v2_amount_out as amount_out
from devnet.contracts import Contract, ContractError, compile_all
from devnet.node_chain import DevChain, decode_revert_reason
from devnet.node_errors import RpcError

GWEI = 10**9
USD = 10**18
DAY = 86400
ZERO = "0x" + "00" * 20
DEMO_FUNDING = {"WETH": 20_666_666 * 10**12, "WBTC": 13_333_333, "USDC": 30_000 * 10**6}
DEFAULT_LIMITS = (100, 10, 30, 30)


class Node:
    """The devnet chain in-process: setup through eth-tester, then every transaction through the
    pool (automine, or a block built by `mine` in tip order)."""

    def __init__(self):
        self.chain = DevChain()
        tester = self.chain.tester
        self.dep = fixtures.deploy_all(tester)
        self.names = self.dep.summary()
        accounts = [to_checksum_address(a) for a in tester.get_accounts()]
        self.owner, self.operator, self.guardian, self.accomplice = accounts[1], accounts[2], accounts[3], accounts[6]
        self.vault = vault_fixture.vault_contract(
            tester, vault_fixture.deploy_vault(tester, self.names, self.owner, self.operator))
        for sym, amount in DEMO_FUNDING.items():
            self.dep.tokens[sym].transact("transfer", self.vault.address, amount, sender=self.owner)
        self.vault.transact("setGuardian", self.guardian, sender=self.owner)
        self.chain.after_fixtures()
        # the accomplice's capital: its own fixture tokens plus WETH from two more dev accounts
        for donor in (accounts[7], accounts[8]):
            self.transact(donor, self.token("WETH"), "transfer", self.accomplice, 100 * 10**18)

    # ------------------------------------------------------------------ addresses and contracts

    def token(self, sym: str) -> Contract:
        return self.dep.tokens[sym]

    def pair(self, dex: str, a: str, b: str) -> Contract:
        address = self.names.get(f"{dex}.{a}-{b}") or self.names[f"{dex}.{b}-{a}"]
        return Contract(self.chain.tester, address, vendored.artifact("uniswap-v2", "UniswapV2Pair"))

    def feed(self, sym: str) -> Contract:
        return self.dep.feeds[sym]

    # ------------------------------------------------------------------ transactions

    def send(self, sender: str, contract: Contract, fn: str, *args, tip: int = GWEI, gas: int = 5_000_000) -> bytes:
        call = {"from": to_canonical_address(sender), "to": to_canonical_address(contract.address),
                "data": contract.encode(fn, *args), "gas": gas, "maxPriorityFeePerGas": tip,
                "maxFeePerGas": 2 * self.chain.pending_base_fee() + tip}
        return self.chain.send_transaction(call)

    def outcome(self, tx_hash: bytes) -> tuple[bool, int, str | None]:
        """(succeeded, gas used, revert reason) of a mined transaction."""
        tx, _sender, block, index = self.chain.find_transaction(tx_hash)
        assert block is not None, "not mined"
        receipts = self.chain.receipts(block)
        gas = receipts[index].gas_used - (receipts[index - 1].gas_used if index else 0)
        if receipts[index].state_root == b"\x01":
            return True, gas, None
        # replay the block's transactions before it on the parent state for the reason
        parent = self.chain.header_by_hash(block.header.parent_hash)
        state = self.chain.chain.get_vm(at_header=block.header.copy(state_root=parent.state_root)).state
        for earlier in block.transactions[:index]:
            state.apply_transaction(earlier)
        computation = state.apply_transaction(tx)
        return False, gas, decode_revert_reason(computation.output) or "reverted"

    def transact(self, sender: str, contract: Contract, fn: str, *args, tip: int = GWEI) -> int:
        """Send and mine on its own; raises ContractError with the reason; returns the gas used."""
        try:
            self.chain.call(self.chain.head(), {"from": to_canonical_address(sender),
                                                "to": to_canonical_address(contract.address),
                                                "data": contract.encode(fn, *args), "gas": 5_000_000})
        except RpcError as error:
            raise ContractError(f"{contract.artifact.name}.{fn}: {error.message}") from None
        ok, gas, reason = self.outcome(self.send(sender, contract, fn, *args, tip=tip))
        if not ok:
            raise ContractError(f"{contract.artifact.name}.{fn}: {reason}")
        return gas

    def block(self, *txs) -> list[tuple[bool, int, str | None]]:
        """Send every (sender, contract, fn, args, tip) with automine off and mine them in one block
        (the pool orders them by tip); their outcomes in the order given."""
        self.chain.automine = False
        try:
            hashes = [self.send(sender, contract, fn, *args, tip=tip) for sender, contract, fn, args, tip in txs]
            self.chain.mine_block()
        finally:
            self.chain.automine = True
        mined = self.chain.block(self.chain.head())
        assert len(mined.transactions) == len(txs)
        return [self.outcome(h) for h in hashes]

    def advance(self, seconds: int) -> None:
        # from the head's time, not the wall clock's: a deploy that mines blocks faster than one a
        # second leaves the head ahead of the clock, and the bounds' refill is measured in seconds
        self.chain.mine_block(timestamp=self.chain.head().timestamp + seconds)

    def refresh_feeds(self) -> None:
        for sym in fixtures.TOKENS:
            self.transact(fixtures.DEPLOYER_ADDRESS, self.feed(sym), "setAnswer", fixtures.feed_answer(fixtures.TOKENS[sym][3]))

    # ------------------------------------------------------------------ the vault

    def rebalance(self, steps, min_received=(), sender: str | None = None) -> int:
        return self.transact(sender or self.operator, self.vault, "rebalance", list(steps), list(min_received), 2**40)

    def nav(self) -> int:
        return self.vault.call("nav")

    def value(self, who: str) -> int:
        """Everything `who` holds of the devnet tokens, at the feeds' prices."""
        return sum(self.vault.call("valueOf", t.address, t.call("balanceOf", who)) for t in self.dep.tokens.values())

    def step(self, pair: Contract, sym_in: str, sym_out: str, amount_in: int, min_out: int = 0) -> tuple:
        return (pair.address, self.token(sym_in).address, self.token(sym_out).address, amount_in, min_out)

    def reserves(self, pair: Contract, sym_in: str) -> tuple[int, int]:
        r0, r1, _ = pair.call("getReserves")
        return (r0, r1) if pair.call("token0") == self.token(sym_in).address else (r1, r0)


@pytest.fixture(scope="module")
def node():
    return Node()


@pytest.fixture(autouse=True)
def isolated(node):
    snapshot = node.chain.snapshot()
    yield
    node.chain.revert(snapshot)


def expect_revert(reason: str, fn, *args, **kwargs):
    with pytest.raises(ContractError) as info:
        fn(*args, **kwargs)
    assert reason in str(info.value), str(info.value)


def created_address(sender: str, nonce: int) -> str:
    import rlp
    from eth_utils import keccak

    return to_checksum_address(keccak(rlp.encode([to_canonical_address(sender), nonce]))[12:])


def pct(part: int, whole: int) -> float:
    return 100 * part / whole


# ----------------------------------------------------------------------------- the views


def test_views_prices_nav_budget_and_defaults(node):
    vault = node.vault
    assert vault.call("valueOf", node.token("WETH").address, 10**18) == 3000 * USD
    assert vault.call("valueOf", node.token("WBTC").address, 10**8) == 60_000 * USD
    assert vault.call("valueOf", node.token("USDC").address, 10**6) == USD
    nav = node.nav()
    assert nav == 20_666_666 * 3 * 10**15 + 13_333_333 * 6 * 10**14 + 30_000 * USD  # $99,999.998
    assert (vault.call("maxLossBps"), vault.call("maxCallPercent"), vault.call("maxDailyPercent"),
            vault.call("maxDailyLossBps")) == DEFAULT_LIMITS
    assert vault.call("budget") == (nav * 10 // 100, nav * 30 // 10000)
    assert vault.call("PRICE_STALENESS_MARGIN") == 600
    assert vault.call("allowedTokenCount") == len(fixtures.TOKENS)
    assert {vault.call("allowedTokens", i) for i in range(len(fixtures.TOKENS))} == {
        t.address for t in node.dep.tokens.values()}
    expect_revert("index out of range", vault.call, "allowedTokens", len(fixtures.TOKENS))
    assert vault.call("priceFeed", node.token("WBTC").address) == (node.feed("WBTC").address, fixtures.FEED_HEARTBEAT, 8, 8)
    assert vault.call("balancerVault") == node.names["balancer-v2.vault"]
    assert vault.call("factoryAllowed", node.names["uniswap-v2.factory"]) is True
    assert (vault.call("guardian"), vault.call("paused")) == (node.guardian, False)
    print(f"\ndemo vault NAV ${nav / USD:,.2f}; budget now: give ${vault.call('budget')[0] / USD:,.2f}, "
          f"lose ${vault.call('budget')[1] / USD:,.2f}")


def test_a_normal_rebalance_passes_and_is_recorded(node):
    weth_usdc = node.pair("uniswap-v2", "WETH", "USDC")
    a_in = 3 * 10**18  # $9,000: 9 % of NAV
    out = amount_out(a_in, *node.reserves(weth_usdc, "WETH"))
    nav = node.nav()
    gas = node.rebalance([node.step(weth_usdc, "WETH", "USDC", a_in, out)], [(node.token("USDC").address, out)])
    given, received = 9000 * USD, out * 10**12
    volume_left, loss_left = node.vault.call("budget")
    # the cap at today's NAV (lower by the loss) less the loss, plus a few seconds' refill
    assert node.nav() == nav - (given - received)
    assert loss_left == pytest.approx(node.nav() * 30 // 10000 - (given - received), abs=5 * 10**16)
    print(f"\nsold 3 WETH for {out / 1e6:,.2f} USDC: loss ${(given - received) / USD:.2f}, gas {gas}; "
          f"budget left: give ${volume_left / USD:,.2f}, lose ${loss_left / USD:,.2f}")
    # with the per-call cap raised to 30 % the day's volume shows: 21 % left (setLimits keeps the
    # day's use); it refills linearly, a quarter of the 30 % cap in 6 hours
    node.transact(node.owner, node.vault, "setLimits", 100, 30, 30, 30)
    assert node.vault.call("budget")[0] == pytest.approx(node.nav() * 21 // 100, rel=1e-3)
    traded_at = node.chain.head().timestamp - 1  # the rebalance's block, before setLimits'
    node.advance(6 * 3600)
    nav_now, elapsed = node.nav(), node.chain.head().timestamp - traded_at
    assert abs(elapsed - 6 * 3600) < 600
    used = given - nav_now * 30 // 100 * elapsed // DAY
    assert node.vault.call("budget") == (pytest.approx(nav_now * 30 // 100 - used, abs=10**18), nav_now * 30 // 10000)


# ----------------------------------------------------------------------------- the attacks


def sell_everything_into(node: Node, pair: Contract) -> list[tuple]:
    """The leaked key's plan: all WBTC and USDC to WETH, then all WETH into `pair`, minAmountOut 1."""
    v = node.vault.address
    uni = "uniswap-v2"
    weth_in = node.token("WETH").call("balanceOf", v)
    return [node.step(node.pair(uni, "WBTC", "WETH"), "WBTC", "WETH", node.token("WBTC").call("balanceOf", v), 1),
            node.step(node.pair(uni, "WETH", "USDC"), "USDC", "WETH", node.token("USDC").call("balanceOf", v), 1),
            node.step(pair, "WETH", "LINK", weth_in, 1)]


def test_self_sandwich_in_one_block_is_refused(node):
    """Accomplice skews the thin LINK/WETH pair, the operator sells into it with minAmountOut 1 and no
    minReceived, the accomplice sells back: all in one block, ordered by tip."""
    thin = node.pair("sushiswap", "LINK", "WETH")
    weth, link = node.token("WETH"), node.token("LINK")
    nav, accomplice_before = node.nav(), node.value(node.accomplice)
    node.transact(node.accomplice, weth, "approve", node.dep.routers["sushiswap"].address, 2**256 - 1)
    node.transact(node.accomplice, link, "approve", node.dep.routers["sushiswap"].address, 2**256 - 1)
    router = node.dep.routers["sushiswap"]
    front_in = 250 * 10**18
    link_bought = router.call("getAmountsOut", front_in, [weth.address, link.address])[-1]

    for what, steps in (("everything", sell_everything_into(node, thin)),
                        ("9 % of NAV", [node.step(thin, "WETH", "LINK", 3 * 10**18, 1)])):
        snapshot = node.chain.snapshot()
        outcomes = node.block(
            (node.accomplice, router, "swapExactTokensForTokens",
             (front_in, 0, [weth.address, link.address], node.accomplice, 2**40), 100 * GWEI),
            (node.operator, node.vault, "rebalance", (steps, [], 2**40), 50 * GWEI),
            (node.accomplice, router, "swapExactTokensForTokens",
             (link_bought, 0, [link.address, weth.address], node.accomplice, 2**40), 10 * GWEI))
        (front_ok, _, _), (op_ok, _, reason), (back_ok, _, _) = outcomes
        assert front_ok and back_ok and not op_ok
        # selling everything also breaks the call size cap; the loss bound is checked first
        assert reason == "loss bound", reason
        assert node.nav() == nav
        gain = node.value(node.accomplice) - accomplice_before
        print(f"\nself-sandwich, selling {what}: rebalance refused ({reason}); vault NAV ${nav / USD:,.2f} -> "
              f"${node.nav() / USD:,.2f}; accomplice ${gain / USD:+,.2f} (pool fees)")
        assert gain < 0
        node.chain.revert(snapshot)


def largest_passing(node: Node, make_steps, amounts) -> tuple[int, list] | None:
    """The largest of `amounts` whose rebalance the vault would accept now (eth_call)."""
    for amount in amounts:
        steps = make_steps(amount)
        try:
            node.chain.call(node.chain.head(), {"from": to_canonical_address(node.operator),
                                                "to": to_canonical_address(node.vault.address),
                                                "data": node.vault.encode("rebalance", steps, [], 2**40), "gas": 5_000_000})
            return amount, steps
        except RpcError:
            continue
    return None


def test_dump_into_the_thin_pair_with_a_back_run_is_held_to_the_daily_loss_cap(node):
    """No capital: the operator dumps WETH into the thin pair at minAmountOut 1, the accomplice
    back-runs in the same block; repeated for as long as the vault accepts, over one day."""
    thin = node.pair("sushiswap", "LINK", "WETH")
    weth, link = node.token("WETH"), node.token("LINK")
    router = node.dep.routers["sushiswap"]
    node.transact(node.accomplice, link, "approve", router.address, 2**256 - 1)
    nav, accomplice_before = node.nav(), node.value(node.accomplice)
    sizes = [int(10**18 * x) for x in (3, 2, 1.5, 1, 0.7, 0.5, 0.3, 0.2, 0.1, 0.05)]
    calls = 0
    start = node.chain.head().timestamp
    while True:
        # the budget only shrinks (a minute refills little): start from the last size that passed
        found = largest_passing(node, lambda a: [node.step(thin, "WETH", "LINK", a, 1)], sizes)
        if found is None:
            break
        amount, steps = found
        sizes = sizes[sizes.index(amount):]
        r_link, r_weth = node.reserves(thin, "LINK")
        link_out = amount_out(amount, r_weth, r_link)
        back = router.call("getAmountsOut", link_out, [link.address, weth.address])[-1]
        outcomes = node.block(
            (node.operator, node.vault, "rebalance", (steps, [], 2**40), 50 * GWEI),
            (node.accomplice, router, "swapExactTokensForTokens",
             (link_out, back, [link.address, weth.address], node.accomplice, 2**40), 10 * GWEI))
        assert all(ok for ok, _, _ in outcomes), outcomes
        calls += 1
        node.advance(60)
        assert calls < 200
    elapsed = node.chain.head().timestamp - start
    loss = nav - node.nav()
    allowed = nav * 30 // 10000 * (DAY + elapsed) // DAY  # the cap, plus what refilled meanwhile
    gain = node.value(node.accomplice) - accomplice_before
    print(f"\ndump + back-run: {calls} calls in {elapsed} s until every size was refused; vault NAV "
          f"${nav / USD:,.2f} -> ${node.nav() / USD:,.2f} ({pct(-loss, nav):+.3f} %); accomplice ${gain / USD:+,.2f}; "
          f"bound {pct(allowed, nav):.3f} %")
    assert 0 < loss <= allowed
    with pytest.raises(ContractError) as info:
        node.rebalance([node.step(thin, "WETH", "LINK", sizes[-1], 1)])
    assert any(r in str(info.value) for r in ("daily loss cap", "daily volume cap", "loss bound")), str(info.value)


def round_trips(node: Node, start_amount: int, hops: int, start: str = "WETH") -> list[tuple]:
    """`hops` chained WETH<->USDC steps on the deep pair from `start`, each minAmountOut the exact
    spot output."""
    weth_usdc = node.pair("uniswap-v2", "WETH", "USDC")
    reserves = dict(zip(("WETH", "USDC"), node.reserves(weth_usdc, "WETH")))
    steps, amount, sym = [], start_amount, start
    for i in range(hops):
        other = "USDC" if sym == "WETH" else "WETH"
        out = amount_out(amount, reserves[sym], reserves[other])
        reserves[sym] += amount
        reserves[other] -= out
        steps.append(node.step(weth_usdc, sym, other, amount if i == 0 else 0, out))
        amount, sym = out, other
    return steps


def test_32_chained_round_trips_at_exact_spot_are_refused_and_repeats_held_to_the_daily_cap(node):
    nav = node.nav()
    # the call: 32 hops, every minAmountOut exactly the spot output, ~9 % of NAV
    expect_revert("loss bound", node.rebalance, round_trips(node, 3 * 10**18, 32))
    assert node.nav() == nav
    # the most a per-call bound of 1 % lets through: one round trip then the trade (3 hops), repeated
    # every 3 hours for a simulated day
    start = node.chain.head().timestamp
    accepted, reasons = 0, set()
    while node.chain.head().timestamp - start < DAY - 3 * 3600:
        # alternate the direction so that the pool comes back to where the feeds are
        start_amount, start_token = (3 * 10**18, "WETH") if accepted % 2 == 0 else (9_000 * 10**6, "USDC")
        try:
            node.rebalance(round_trips(node, start_amount, 3, start_token))
            accepted += 1
        except ContractError as error:
            reasons.add(str(error).rsplit(": ", 1)[-1])
        node.advance(3 * 3600)
    elapsed = node.chain.head().timestamp - start
    loss = nav - node.nav()
    allowed = nav * 30 // 10000 * (DAY + elapsed) // DAY
    print(f"\n32 chained round trips: refused (loss bound). 3-hop round trip + trade every 3 hours for {elapsed} s: "
          f"{accepted} accepted, refused by {sorted(reasons)}; NAV ${nav / USD:,.2f} -> ${node.nav() / USD:,.2f} "
          f"({pct(-loss, nav):+.3f} %, bound {pct(allowed, nav):.3f} %)")
    assert accepted > 0 and reasons
    assert loss <= allowed


def test_min_received_naming_an_unlisted_contract_is_refused(node):
    weth_usdc = node.pair("uniswap-v2", "WETH", "USDC")
    probe = node.names["multicall3"]  # operator-chosen code the old vault would have staticcalled
    expect_revert("minReceived token not allowed", node.rebalance,
                  [node.step(weth_usdc, "WETH", "USDC", 10**18)], [(probe, 0)])
    expect_revert("minReceived token not allowed", node.rebalance,
                  [node.step(weth_usdc, "WETH", "USDC", 10**18)], [(node.operator, 0)])


# ----------------------------------------------------------------------------- the per-call and daily bounds


def test_call_size_cap_and_daily_volume_cap(node):
    weth_usdc = node.pair("uniswap-v2", "WETH", "USDC")
    nav = node.nav()
    # just over 10 % of NAV in one call
    over = nav // 10 // 3000 + 10**15
    expect_revert("call size cap", node.rebalance, [node.step(weth_usdc, "WETH", "USDC", over)])
    # three calls of ~9.9 %, then the fourth is over 30 % a day; an hour later ~1.25 % refilled
    for _ in range(3):
        node.rebalance([node.step(weth_usdc, "WETH", "USDC", 33 * 10**17)])
    expect_revert("daily volume cap", node.rebalance, [node.step(weth_usdc, "WETH", "USDC", 33 * 10**17)])
    # three hours later 3.75 % of NAV has refilled (each sale moved the pool 0.2 %: buy back now)
    node.advance(3 * 3600)
    node.rebalance([node.step(weth_usdc, "USDC", "WETH", 3_500 * 10**6)])
    expect_revert("daily volume cap", node.rebalance, [node.step(weth_usdc, "USDC", "WETH", 1_000 * 10**6)])
    # a day later the whole budget is back
    node.advance(DAY)
    node.refresh_feeds()
    for _ in range(3):
        node.rebalance([node.step(weth_usdc, "USDC", "WETH", 9_500 * 10**6)])


def test_loss_bound_and_daily_loss_cap(node):
    thin = node.pair("sushiswap", "LINK", "WETH")
    # 1.5 WETH into the $300k pair: ~2 % impact plus fee, over the 1 % bound
    expect_revert("loss bound", node.rebalance, [node.step(thin, "WETH", "LINK", 15 * 10**17)])
    owner = node.owner
    # with the per-call bound opened, the daily loss cap still holds
    node.transact(owner, node.vault, "setLimits", 10_000, 10, 30, 30)
    expect_revert("daily loss cap", node.rebalance, [node.step(thin, "WETH", "LINK", 3 * 10**18)])
    node.transact(owner, node.vault, "setLimits", 10_000, 10, 30, 10_000)
    node.rebalance([node.step(thin, "WETH", "LINK", 3 * 10**18)])


def test_set_limits_is_checked_and_owner_only(node):
    vault, owner = node.vault, node.owner
    expect_revert("bps above 10000", node.transact, owner, vault, "setLimits", 10_001, 10, 30, 30)
    expect_revert("bps above 10000", node.transact, owner, vault, "setLimits", 100, 10, 30, 10_001)
    expect_revert("percent above 100", node.transact, owner, vault, "setLimits", 100, 101, 30, 30)
    expect_revert("percent above 100", node.transact, owner, vault, "setLimits", 100, 10, 101, 30)
    for who in (node.operator, node.guardian):
        expect_revert("not owner", node.transact, who, vault, "setLimits", 10_000, 100, 100, 10_000)
    node.transact(owner, vault, "setLimits", 50, 5, 20, 10)
    assert (vault.call("maxLossBps"), vault.call("maxCallPercent"), vault.call("maxDailyPercent"),
            vault.call("maxDailyLossBps")) == (50, 5, 20, 10)
    assert vault.call("paused") is False and vault.call("allowedTokenCount") == len(fixtures.TOKENS)


# ----------------------------------------------------------------------------- prices


def test_stale_missing_and_bad_prices_stop_rebalance_naming_the_token(node):
    weth_usdc = node.pair("uniswap-v2", "WETH", "USDC")
    steps = [node.step(weth_usdc, "WETH", "USDC", 10**18)]
    link = node.token("LINK").address  # not traded here: every allowlisted token needs a price
    deployer = fixtures.DEPLOYER_ADDRESS
    node.advance(1)
    now = node.chain.head().timestamp
    limit = fixtures.FEED_HEARTBEAT + 600
    node.transact(deployer, node.feed("LINK"), "setRoundData", 15 * 10**8, now - limit + 600)
    node.rebalance(steps)  # still fresh, for 10 more minutes
    node.advance(1200)
    expect_revert(f"stale price: {link.lower()}", node.rebalance, steps)
    expect_revert(f"stale price: {link.lower()}", node.vault.call, "nav")
    node.transact(deployer, node.feed("LINK"), "setAnswer", 0)
    expect_revert(f"bad price: {link.lower()}", node.rebalance, steps)
    node.transact(deployer, node.feed("LINK"), "setAnswer", -1)
    expect_revert(f"bad price: {link.lower()}", node.vault.call, "valueOf", link, 1)
    node.transact(deployer, node.feed("LINK"), "setRoundData", 15 * 10**8, node.chain.head().timestamp + 3600)
    expect_revert(f"bad price: {link.lower()}", node.rebalance, steps)
    node.transact(deployer, node.feed("LINK"), "setAnswer", 15 * 10**8)
    node.rebalance(steps)
    # the owner removes the feed: no price
    node.transact(node.owner, node.vault, "setPriceFeed", link, ZERO, 0)
    assert node.vault.call("priceFeed", link) == (ZERO, 0, 0, 0)
    expect_revert(f"no price: {link.lower()}", node.rebalance, steps)
    expect_revert(f"no price: {link.lower()}", node.vault.call, "budget")
    expect_revert("bad heartbeat", node.transact, node.owner, node.vault, "setPriceFeed", link, node.feed("LINK").address, 0)
    expect_revert("bad heartbeat", node.transact, node.owner, node.vault, "setPriceFeed", link,
                  node.feed("LINK").address, 7 * DAY + 1)
    expect_revert("not a contract", node.transact, node.owner, node.vault, "setPriceFeed", link, node.operator, 3600)
    # disallowing the token takes it out of the valuation: rebalancing works again
    node.transact(node.owner, node.vault, "setTokenAllowed", link, False)
    assert node.vault.call("allowedTokenCount") == len(fixtures.TOKENS) - 1
    node.rebalance(steps)


def test_a_contract_that_is_not_a_feed_is_refused_at_set_time(node):
    link = node.token("LINK").address
    # Multicall3 has no decimals(): setPriceFeed reverts rather than store a feed it cannot read
    with pytest.raises(ContractError):
        node.transact(node.owner, node.vault, "setPriceFeed", link, node.names["multicall3"], 3600)
    assert node.vault.call("priceFeed", link)[0] == node.feed("LINK").address


# ----------------------------------------------------------------------------- roles


def test_paused_and_guardian_powers(node):
    vault, guardian, owner, op = node.vault, node.guardian, node.owner, node.operator
    steps = [node.step(node.pair("uniswap-v2", "WETH", "USDC"), "WETH", "USDC", 10**18)]
    for fn, args in (("setOperator", (ZERO,)), ("setLimits", (10_000, 100, 100, 10_000)), ("unpause", ()),
                     ("withdraw", (node.token("USDC").address, 1, guardian)), ("setGuardian", (op,)),
                     ("setTokenAllowed", (node.token("USDC").address, False)), ("sweepETH", (guardian,)),
                     ("setPriceFeed", (node.token("USDC").address, ZERO, 0)), ("transferOwnership", (guardian,)),
                     ("setFactoryAllowed", (node.names["uniswap-v2.factory"], False))):
        expect_revert("not owner", node.transact, guardian, vault, fn, *args)
    expect_revert("not operator", node.rebalance, steps, sender=guardian)
    expect_revert("not guardian", node.transact, op, vault, "pause")
    node.transact(guardian, vault, "pause")
    assert vault.call("paused") is True
    expect_revert("paused", node.rebalance, steps)
    expect_revert("not owner", node.transact, guardian, vault, "unpause")
    node.transact(owner, vault, "unpause")
    node.rebalance(steps)
    node.transact(owner, vault, "pause")  # the owner can pause too
    expect_revert("paused", node.rebalance, steps)
    # pausing keeps the limits, setting limits keeps the pause
    node.transact(owner, vault, "setLimits", 100, 10, 30, 30)
    assert vault.call("paused") is True
    node.transact(owner, vault, "setGuardian", ZERO)
    expect_revert("not guardian", node.transact, guardian, vault, "pause")


def test_owner_sweeps_forced_eth(node):
    """The vault accepts no ETH; ETH sent to its address before it existed (as a selfdestruct or a
    block reward would force it in) is swept by the owner only."""
    tester_accounts = node.chain.tester.get_accounts()
    owner = node.owner
    nonce = node.chain.state_at(node.chain.head()).get_nonce(to_canonical_address(owner))
    future = created_address(owner, nonce)
    node.chain.send_transaction({"from": to_canonical_address(tester_accounts[0]), "to": to_canonical_address(future),
                                 "value": 10**18, "gas": 21000})
    artifact = vault_fixture.vault_artifact()
    ctor = artifact.bytecode + bytes(12) + to_canonical_address(owner) + bytes(12) + to_canonical_address(node.operator) + bytes(32)
    tx = node.chain.send_transaction({"from": to_canonical_address(owner), "data": ctor, "gas": 8_000_000})
    assert node.outcome(tx)[0]
    vault = Contract(node.chain.tester, future, artifact)
    assert node.chain.tester.get_balance(future) == 10**18
    expect_revert("not owner", node.transact, node.operator, vault, "sweepETH", node.operator)
    expect_revert("zero recipient", node.transact, owner, vault, "sweepETH", ZERO)
    before = node.chain.tester.get_balance(node.guardian)
    node.transact(owner, vault, "sweepETH", node.guardian)
    assert node.chain.tester.get_balance(future) == 0
    assert node.chain.tester.get_balance(node.guardian) == before + 10**18


# ----------------------------------------------------------------------------- allowPool's factory check


FAKE_PAIR = """
# pragma version 0.4.3
token0: public(address)
token1: public(address)

@deploy
def __init__(a: address, b: address):
    self.token0 = a
    self.token1 = b
"""


def test_allow_pool_checks_the_pair_against_an_allowed_factory(node):
    import vyper

    from devnet.contracts import Artifact

    vault, owner = node.vault, node.owner
    weth, usdc = node.token("WETH").address, node.token("USDC").address
    uni = node.names["uniswap-v2.factory"]
    out = vyper.compile_code(FAKE_PAIR, output_formats=["abi", "bytecode"])
    fake = Artifact("FakePair", out["abi"], bytes.fromhex(out["bytecode"][2:]))
    # deploy through the pool (after the fixtures, eth-tester no longer mines)
    ctor = fake.bytecode + bytes(12) + bytes.fromhex(weth[2:]) + bytes(12) + bytes.fromhex(usdc[2:])
    nonce = node.chain.state_at(node.chain.head()).get_nonce(to_canonical_address(owner))
    tx = node.chain.send_transaction({"from": to_canonical_address(owner), "data": ctor, "gas": 2_000_000})
    assert node.outcome(tx)[0]
    fake_pair = created_address(owner, nonce)
    # the fake "pair" holds real tokens, but no allowed factory made it
    expect_revert("pair not from factory", node.transact, owner, vault, "allowPool", fake_pair, 0, uni)
    expect_revert("factory not allowed", node.transact, owner, vault, "allowPool", fake_pair, 0, fake_pair)
    # a real pair with the other DEX's factory, and a factory the owner stopped allowing
    sushi_pair = node.pair("sushiswap", "WETH", "USDC").address
    expect_revert("pair not from factory", node.transact, owner, vault, "allowPool", sushi_pair, 0, uni)
    node.transact(owner, vault, "setFactoryAllowed", node.names["sushiswap.factory"], False)
    expect_revert("factory not allowed", node.transact, owner, vault, "allowPool", sushi_pair, 0,
                  node.names["sushiswap.factory"])
    assert vault.call("factoryAllowed", node.names["sushiswap.factory"]) is False

