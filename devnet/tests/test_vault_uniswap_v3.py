"""RebalancingVault with Uniswap V3 pools (kind 2), against mainnet's V3 bytecode as
devnet/uniswap_v3.py deploys it: allowlisting checks the pool against an allowed V3 factory,
steps swap exactly what QuoterV2 quotes (single-hop, and chained with pairs and other V3 pools),
and the swap callback pays only the pool being called, once, at most the step's input. The value
limits are wide open here (test_vault_bounds.py tests them)."""

import pytest
from eth_utils import keccak, to_checksum_address

from devnet import contracts, fixtures, uniswap_v3, vault_fixture, vendored
from devnet.contracts import Contract, ContractError, deploy
from devnet.oracles import uniswap_v2_amount_out

ZERO = "0x" + "00" * 20
SWAPPED_TOPIC = "0x" + keccak(text="Swapped(address,address,address,uint256,uint256)").hex()
TRANSFER_TOPIC = "0x" + keccak(text="Transfer(address,address,uint256)").hex()
VAULT_FUNDING = {"WETH": 50, "USDC": 200_000, "USDT": 200_000, "DAI": 100_000, "WBTC": 2}
DEADLINE = 2**40
ROUTE_V3_ZERO_FOR_ONE, ROUTE_V3_ONE_FOR_ZERO = 4, 5

# A contract that poses as a V3 pool (and as its own factory), to play the attacks a real pool
# cannot: asking more than it was offered, calling back twice, having another pool call back,
# re-entering the vault. It pays out half its input (raw units) of the other token from its balance.
ATTACK_POOL = """
# pragma version 0.4.3
interface IERC20:
    def transfer(to: address, amount: uint256) -> bool: nonpayable

interface SwapCallback:
    def uniswapV3SwapCallback(amount0Delta: int256, amount1Delta: int256, data: Bytes[32]): nonpayable

interface AttackPool:
    def poke(target: address, amount0Delta: int256, amount1Delta: int256): nonpayable

HONEST: constant(uint256) = 0
OVERCHARGE: constant(uint256) = 1
TWICE: constant(uint256) = 2
PARTNER_CALLS: constant(uint256) = 3
REENTER: constant(uint256) = 4

token0: public(address)
token1: public(address)
fee: public(uint24)
listedPool: public(address)
mode: public(uint256)
partner: public(address)
reentry: public(Bytes[2048])
reentrySucceeded: public(bool)
reentryResponse: public(Bytes[256])
reentries: public(uint256)


@deploy
def __init__(_token0: address, _token1: address, _fee: uint24):
    self.token0 = _token0
    self.token1 = _token1
    self.fee = _fee
    self.listedPool = self


@external
@view
def getPool(a: address, b: address, fee: uint24) -> address:
    return self.listedPool


@external
def configure(_mode: uint256, _partner: address, _reentry: Bytes[2048], _listedPool: address):
    self.mode = _mode
    self.partner = _partner
    self.reentry = _reentry
    self.listedPool = _listedPool


@external
def poke(target: address, amount0Delta: int256, amount1Delta: int256):
    extcall SwapCallback(target).uniswapV3SwapCallback(amount0Delta, amount1Delta, b"")


@external
def swap(recipient: address, zeroForOne: bool, amountSpecified: int256, sqrtPriceLimitX96: uint160,
         data: Bytes[32]) -> (int256, int256):
    out: uint256 = convert(amountSpecified, uint256) // 2
    owed: int256 = amountSpecified
    if self.mode == OVERCHARGE:
        owed += 1
    d0: int256 = owed
    d1: int256 = -convert(out, int256)
    if zeroForOne:
        extcall IERC20(self.token1).transfer(recipient, out)
    else:
        extcall IERC20(self.token0).transfer(recipient, out)
        d0 = -convert(out, int256)
        d1 = owed
    if self.mode == PARTNER_CALLS:
        extcall AttackPool(self.partner).poke(msg.sender, d0, d1)
        return d0, d1
    if self.mode == REENTER:
        success: bool = False
        response: Bytes[256] = b""
        success, response = raw_call(msg.sender, self.reentry, max_outsize=256, revert_on_failure=False)
        self.reentrySucceeded = success
        self.reentryResponse = response
        self.reentries += 1
    extcall SwapCallback(msg.sender).uniswapV3SwapCallback(d0, d1, b"")
    if self.mode == TWICE:
        extcall SwapCallback(msg.sender).uniswapV3SwapCallback(d0, d1, b"")
    return d0, d1
"""
HONEST, OVERCHARGE, TWICE, PARTNER_CALLS, REENTER = range(5)


@pytest.fixture(scope="module")
def env():
    env = vault_fixture.loose_vault_env(VAULT_FUNDING)
    assert env["dep"].uniswap_v3 is not None, "the devnet fixtures deploy Uniswap V3"
    env["v3"] = env["dep"].uniswap_v3
    return env


pytestmark = pytest.mark.usefixtures("env_snapshot")  # each test starts from the module's chain


# ----------------------------------------------------------------------------- helpers


def token(env, sym: str) -> str:
    return env["dep"].tokens[sym].address


def v3_pool(env, a: str, b: str, fee: int) -> str:
    return next(p["address"] for p in env["v3"].pools if set(p["tokens"]) == {a, b} and p["fee"] == fee)


def pool_contract(env, address: str) -> Contract:
    return Contract(env["tester"], address, uniswap_v3.artifact("UniswapV3Pool"))


def v2_pair(env, a: str, b: str) -> str:
    return env["names"].get(f"uniswap-v2.{a}-{b}") or env["names"][f"uniswap-v2.{b}-{a}"]


def v2_out(env, pair: str, sym_in: str, amount_in: int) -> int:
    c = Contract(env["tester"], pair, vendored.artifact("uniswap-v2", "UniswapV2Pair"))
    r0, r1, _ = c.call("getReserves")
    r_in, r_out = (r0, r1) if c.call("token0") == token(env, sym_in) else (r1, r0)
    return uniswap_v2_amount_out(amount_in, r_in, r_out)


def quote(env, sym_in: str, sym_out: str, fee: int, amount_in: int) -> tuple[int, int, int]:
    """QuoterV2's (amountOut, sqrtPriceX96After, initializedTicksCrossed) for one exact-input swap."""
    out, sqrt_after, crossed, _gas = env["v3"].quoter.call(
        "quoteExactInputSingle", (token(env, sym_in), token(env, sym_out), amount_in, fee, 0))
    return out, sqrt_after, crossed


def quote_path(env, hops: list[tuple[str, int, str]], amount_in: int) -> int:
    """QuoterV2's quoteExactInput over the packed path token (fee token)+."""
    path = bytes.fromhex(token(env, hops[0][0])[2:])
    for _sym_in, fee, sym_out in hops:
        path += fee.to_bytes(3, "big") + bytes.fromhex(token(env, sym_out)[2:])
    return env["v3"].quoter.call("quoteExactInput", path, amount_in)[0]


def step(env, pool: str, sym_in: str, sym_out: str, amount_in: int, min_out: int = 0) -> tuple:
    return (pool, token(env, sym_in), token(env, sym_out), amount_in, min_out)


def rebalance(env, steps, min_received=(), sender=None) -> dict:
    return env["vault"].transact("rebalance", list(steps), list(min_received), DEADLINE,
                                 sender=sender or env["operator"])


def balances(env, who: str) -> dict[str, int]:
    return {sym: t.call("balanceOf", who) for sym, t in env["dep"].tokens.items()}


def expect_revert(reason: str, fn, *args, **kwargs):
    with pytest.raises(ContractError) as info:
        fn(*args, **kwargs)
    assert reason in str(info.value), str(info.value)


def swapped(receipt: dict) -> list[tuple[str, int, int]]:
    out = []
    for log in receipt["logs"]:
        if log["topics"][0] == SWAPPED_TOPIC:
            data = bytes.fromhex(log["data"].removeprefix("0x"))
            out.append((to_checksum_address("0x" + log["topics"][1][-40:]), int.from_bytes(data[:32], "big"),
                        int.from_bytes(data[32:64], "big")))
    return out


def attack_pool(env, sym0: str = "WETH", sym1: str = "USDC", fee: int = 500, listed: bool = True) -> Contract:
    """An attack pool over two real tokens (its own factory), funded with both, optionally allowlisted."""
    owner = env["owner"]
    t0, t1 = sorted([token(env, sym0), token(env, sym1)], key=lambda a: int(a, 16))
    pool = deploy(env["tester"], contracts.compile_source("V3AttackPool", ATTACK_POOL), t0, t1, fee, sender=owner)
    for sym in (sym0, sym1):
        env["dep"].tokens[sym].transact("transfer", pool.address, 2 * 10 ** fixtures.TOKENS[sym][2], sender=owner)
    if listed:
        env["vault"].transact("setFactoryAllowed", pool.address, True, sender=owner)
        env["vault"].transact("allowPool", pool.address, 2, pool.address, sender=owner)
    return pool


# ----------------------------------------------------------------------------- allowlisting


def test_every_v3_pool_is_listed_as_kind_2_with_both_directions(env):
    vault = env["vault"]
    assert vault.call("factoryAllowed", env["v3"].factory.address) is True
    for p in env["v3"].pools:
        t0, t1 = (token(env, s) for s in p["tokens"])
        allowed, kind, balancer_vault, pool_id, tokens = vault.call("poolInfo", p["address"])
        assert (allowed, kind, balancer_vault, pool_id, tokens) == (True, 2, ZERO, b"\0" * 32, [t0, t1])
        assert vault.call("route", p["address"], t0, t1) == ROUTE_V3_ZERO_FOR_ONE
        assert vault.call("route", p["address"], t1, t0) == ROUTE_V3_ONE_FOR_ZERO
    # the probe's LINK/DAI pool is not in the map's pools: unlisted
    assert vault.call("poolInfo", env["v3"].probe_pool)[0] is False


def test_allow_pool_checks_the_v3_factory(env):
    vault, owner, v3 = env["vault"], env["owner"], env["v3"]
    listed = v3_pool(env, "WETH", "USDC", 500)
    v2_factory = env["names"]["uniswap-v2.factory"]
    other = attack_pool(env, listed=False)
    # a real pool, but not against an allowed factory
    expect_revert("factory not allowed", vault.transact, "allowPool", listed, 2, other.address, sender=owner)
    # a fake pool whose tokens and fee are real: the real factory's getPool names the real pool
    expect_revert("pool not from factory", vault.transact, "allowPool", other.address, 2, v3.factory.address, sender=owner)
    # an allowed factory whose getPool disagrees with the pool
    vault.transact("setFactoryAllowed", other.address, True, sender=owner)
    other.transact("configure", HONEST, ZERO, b"", listed, sender=owner)
    expect_revert("pool not from factory", vault.transact, "allowPool", other.address, 2, other.address, sender=owner)
    # a V2 factory has no getPool: a V3 pool cannot be listed through it
    with pytest.raises(ContractError):
        vault.transact("allowPool", listed, 2, v2_factory, sender=owner)
    # the operator cannot list anything
    expect_revert("not owner", vault.transact, "allowPool", listed, 2, v3.factory.address, sender=env["operator"])


# ----------------------------------------------------------------------------- exact steps


@pytest.mark.parametrize("sym_in, sym_out, fee, whole", [
    ("WETH", "USDC", 500, 25),  # crosses initialized ticks
    ("USDC", "WETH", 500, 40_000),
    ("WETH", "USDC", 3000, 1),
    ("USDT", "USDC", 100, 150_000),  # 6-decimal stable pair, tick spacing 1
    ("WBTC", "USDC", 500, 1),  # 8 decimals
])
def test_one_v3_step_buys_exactly_what_quoter_v2_quotes(env, sym_in, sym_out, fee, whole):
    vault = env["vault"].address
    pool = v3_pool(env, sym_in, sym_out, fee)
    amount_in = whole * 10 ** fixtures.TOKENS[sym_in][2]
    out, sqrt_after, crossed = quote(env, sym_in, sym_out, fee, amount_in)
    before = balances(env, vault)
    receipt = rebalance(env, [step(env, pool, sym_in, sym_out, amount_in, out)], [(token(env, sym_out), out)])
    after = balances(env, vault)
    assert after[sym_out] - before[sym_out] == out
    assert before[sym_in] - after[sym_in] == amount_in
    assert pool_contract(env, pool).call("slot0")[0] == sqrt_after
    assert swapped(receipt) == [(pool, amount_in, out)]
    if (sym_in, fee, whole) == ("WETH", 500, 25):
        assert crossed >= 3
    # the vault paid the pool exactly once, exactly the input: its only transfer of the input token
    paid = [log for log in receipt["logs"] if log["topics"][0] == TRANSFER_TOPIC and log["address"] == token(env, sym_in)]
    assert len(paid) == 1 and int(paid[0]["data"], 16) == amount_in


def test_min_out_above_the_quote_reverts_and_the_quote_passes(env):
    pool = v3_pool(env, "WETH", "USDC", 500)
    out, _, _ = quote(env, "WETH", "USDC", 500, 10**18)
    expect_revert("min out: step 0", rebalance, env, [step(env, pool, "WETH", "USDC", 10**18, out + 1)])
    rebalance(env, [step(env, pool, "WETH", "USDC", 10**18, out)])


def test_v2_then_v3_chain_spends_the_previous_output(env):
    vault = env["vault"].address
    pair, pool = v2_pair(env, "WETH", "USDC"), v3_pool(env, "WBTC", "USDC", 500)
    weth_in = 3 * 10**18
    usdc_mid = v2_out(env, pair, "WETH", weth_in)
    wbtc_out = quote(env, "USDC", "WBTC", 500, usdc_mid)[0]
    before = balances(env, vault)
    receipt = rebalance(env, [step(env, pair, "WETH", "USDC", weth_in), step(env, pool, "USDC", "WBTC", 0, wbtc_out)],
                        [(token(env, "WBTC"), wbtc_out)])
    after = balances(env, vault)
    assert after["WBTC"] - before["WBTC"] == wbtc_out
    assert after["USDC"] == before["USDC"]  # the pair paid the vault, the vault paid the V3 pool all of it
    assert swapped(receipt) == [(pair, weth_in, usdc_mid), (pool, usdc_mid, wbtc_out)]


def test_v3_then_v2_chain_pays_the_pair_directly(env):
    vault = env["vault"].address
    pool, pair = v3_pool(env, "WETH", "USDC", 500), v2_pair(env, "DAI", "USDC")
    weth_in = 2 * 10**18
    usdc_mid = quote(env, "WETH", "USDC", 500, weth_in)[0]
    dai_out = v2_out(env, pair, "USDC", usdc_mid)
    before = balances(env, vault)
    receipt = rebalance(env, [step(env, pool, "WETH", "USDC", weth_in), step(env, pair, "USDC", "DAI", 0, dai_out)],
                        [(token(env, "DAI"), dai_out)])
    after = balances(env, vault)
    assert after["DAI"] - before["DAI"] == dai_out
    assert after["USDC"] == before["USDC"]
    usdc_moves = [(to_checksum_address("0x" + log["topics"][1][-40:]), to_checksum_address("0x" + log["topics"][2][-40:]))
                  for log in receipt["logs"] if log["topics"][0] == TRANSFER_TOPIC and log["address"] == token(env, "USDC")]
    assert usdc_moves == [(pool, pair)]  # the V3 pool paid the pair; the USDC never passed the vault


def test_v3_then_v3_chain_equals_the_quoters_path(env):
    vault = env["vault"].address
    first, second = v3_pool(env, "WETH", "USDC", 3000), v3_pool(env, "USDC", "USDT", 100)
    weth_in = 5 * 10**18
    usdt_out = quote_path(env, [("WETH", 3000, "USDC"), ("USDC", 100, "USDT")], weth_in)
    before = balances(env, vault)
    rebalance(env, [step(env, first, "WETH", "USDC", weth_in), step(env, second, "USDC", "USDT", 0, usdt_out)],
              [(token(env, "USDT"), usdt_out)])
    after = balances(env, vault)
    assert after["USDT"] - before["USDT"] == usdt_out
    assert after["USDC"] == before["USDC"]


def test_an_unlisted_or_removed_v3_pool_is_refused(env):
    vault, owner = env["vault"], env["owner"]
    expect_revert("pool not allowed: step 0", rebalance, env, [step(env, env["v3"].probe_pool, "LINK", "DAI", 10**18)])
    pool = v3_pool(env, "WETH", "USDC", 500)
    vault.transact("disallowPool", pool, sender=owner)
    expect_revert("pool not allowed: step 0", rebalance, env, [step(env, pool, "WETH", "USDC", 10**18)])
    vault.transact("setTokenAllowed", token(env, "USDC"), False, sender=owner)
    vault.transact("allowPool", pool, 2, env["v3"].factory.address, sender=owner)
    expect_revert("token not allowed: step 0", rebalance, env, [step(env, pool, "WETH", "USDC", 10**18)])


# ----------------------------------------------------------------------------- the callback


def test_the_callback_refuses_anyone_outside_a_rebalance(env):
    vault = env["vault"]
    # an outsider, the operator, the owner
    for who in (env["outsider"], env["operator"], env["owner"]):
        expect_revert("callback not from the pool", vault.transact, "uniswapV3SwapCallback", 10**18, 0, b"", sender=who)
    # an allowlisted pool calling on its own
    evil = attack_pool(env)
    expect_revert("callback not from the pool", evil.transact, "poke", vault.address, 10**18, 0, sender=env["outsider"])


def test_a_pool_asking_more_than_the_step_gets_nothing(env):
    evil = attack_pool(env)
    evil.transact("configure", OVERCHARGE, ZERO, b"", evil.address, sender=env["owner"])
    state = balances(env, env["vault"].address)
    weth, usdc = sorted(["WETH", "USDC"], key=lambda s: int(token(env, s), 16))
    expect_revert("callback asks too much", rebalance, env, [step(env, evil.address, weth, usdc, 10**6)])
    expect_revert("callback asks too much", rebalance, env, [step(env, evil.address, usdc, weth, 10**6)])
    assert balances(env, env["vault"].address) == state
    # control: the same pool asking exactly the input is paid it
    evil.transact("configure", HONEST, ZERO, b"", evil.address, sender=env["owner"])
    rebalance(env, [step(env, evil.address, weth, usdc, 10**6)])
    assert balances(env, env["vault"].address)[weth] == state[weth] - 10**6


def test_a_pool_is_paid_once(env):
    evil = attack_pool(env)
    evil.transact("configure", TWICE, ZERO, b"", evil.address, sender=env["owner"])
    expect_revert("callback not from the pool", rebalance, env, [step(env, evil.address, "WETH", "USDC", 10**6)])


def test_no_other_contract_can_collect_during_a_swap(env):
    called = attack_pool(env)
    # another allowlisted pool, and a contract the vault does not list, call back during the swap
    for other in (attack_pool(env), attack_pool(env, listed=False)):
        called.transact("configure", PARTNER_CALLS, other.address, b"", called.address, sender=env["owner"])
        expect_revert("callback not from the pool", rebalance, env, [step(env, called.address, "WETH", "USDC", 10**6)])


def test_a_pool_cannot_reenter_the_vault_during_its_swap(env):
    vault, owner = env["vault"], env["owner"]
    evil = attack_pool(env)
    reentries = {
        "rebalance": vault.encode("rebalance", [step(env, evil.address, "WETH", "USDC", 1)], [], DEADLINE),
        "withdraw": vault.encode("withdraw", token(env, "WETH"), 1, env["operator"]),
    }
    for name, data in reentries.items():
        evil.transact("configure", REENTER, ZERO, data, evil.address, sender=owner)
        count = evil.call("reentries")
        receipt = rebalance(env, [step(env, evil.address, "WETH", "USDC", 10**6)])
        assert len(swapped(receipt)) == 1, name
        assert evil.call("reentries") == count + 1, name
        # refused by the reentrancy lock, before any role check (which would give a reason string)
        assert (evil.call("reentrySucceeded"), evil.call("reentryResponse")) == (False, b""), name
