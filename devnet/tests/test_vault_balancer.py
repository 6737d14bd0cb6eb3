"""RebalancingVault with Balancer weighted pools (kind 1): allowlisting reads the pool id and tokens,
swaps go through the Balancer vault with an exact approval, mixed routes with Uniswap-V2 pairs,
USDT-style approvals, limits, and refused steps. The value limits are wide open here (see
test_vault_bounds.py for them)."""

import pytest
from eth_utils import keccak, to_checksum_address

from devnet import fixtures, vault_fixture, vendored
from devnet.contracts import Artifact, Contract, ContractError, compile_all, deploy

ZERO = "0x" + "00" * 20
SWAPPED_TOPIC = "0x" + keccak(text="Swapped(address,address,address,uint256,uint256)").hex()
ROUTE_WEIGHTED = 3
VAULT_FUNDING = {"WETH": 50, "USDC": 200_000, "USDT": 200_000, "DAI": 100_000, "WBTC": 2}
DEADLINE = 2**40


@pytest.fixture(scope="module")
def env():
    env = vault_fixture.loose_vault_env(VAULT_FUNDING)
    assert env["dep"].vault is not None, "the devnet fixtures deploy a Balancer vault"
    return env


pytestmark = pytest.mark.usefixtures("env_snapshot")  # each test starts from the module's chain


def token(env, sym: str) -> str:
    return env["dep"].tokens[sym].address


def weighted(env, name: str) -> dict:
    return next(p for p in env["dep"].weighted_pools if p["name"] == name)


def pair(env, dex: str, a: str, b: str) -> str:
    names = env["names"]
    return names.get(f"{dex}.{a}-{b}") or names[f"{dex}.{b}-{a}"]


def balances(env, who: str) -> dict[str, int]:
    return {sym: t.call("balanceOf", who) for sym, t in env["dep"].tokens.items()}


def pool_balances(env) -> list:
    bal = env["dep"].vault
    return [bal.call("getPoolTokens", bytes.fromhex(p["poolId"][2:]))[1] for p in env["dep"].weighted_pools]


def query_out(env, pool_id: str, sym_in: str, sym_out: str, amount: int) -> int:
    """The Balancer vault's own GIVEN_IN quote for one swap (queryBatchSwap deltas: [+in, -out])."""
    vault = env["vault"].address
    deltas = env["dep"].vault.call("queryBatchSwap", 0, [(bytes.fromhex(pool_id[2:]), 0, 1, amount, b"")],
                                   [token(env, sym_in), token(env, sym_out)], (vault, False, vault, False))
    assert deltas[0] == amount
    return -deltas[1]


def cp_out(env, pair_address: str, sym_in: str, amount: int) -> int:
    p = Contract(env["tester"], pair_address, vendored.artifact("uniswap-v2", "UniswapV2Pair"))
    r0, r1, _ = p.call("getReserves")
    r_in, r_out = (r0, r1) if p.call("token0") == token(env, sym_in) else (r1, r0)
    return amount * 997 * r_out // (r_in * 1000 + amount * 997)


def step(env, pool: str, sym_in: str, sym_out: str, amount_in: int, min_out: int = 0) -> tuple:
    return (pool, token(env, sym_in), token(env, sym_out), amount_in, min_out)


def rebalance(env, steps, min_received=()):
    return env["vault"].transact("rebalance", list(steps), list(min_received), DEADLINE, sender=env["operator"])


def swapped(receipt) -> list[tuple]:
    out = []
    for log in receipt["logs"]:
        if log["topics"][0] == SWAPPED_TOPIC:
            data = bytes.fromhex(log["data"][2:])
            out.append((*(to_checksum_address("0x" + t[-40:]) for t in log["topics"][1:]),
                        int.from_bytes(data[:32], "big"), int.from_bytes(data[32:], "big")))
    return out


def test_weighted_pools_are_allowlisted_with_pool_id_vault_and_tokens(env):
    vault, bal = env["vault"], env["dep"].vault
    for p in env["dep"].weighted_pools:
        allowed, kind, balancer_vault, pool_id, tokens = vault.call("poolInfo", p["address"])
        assert (allowed, kind, balancer_vault) == (True, 1, bal.address)
        assert "0x" + pool_id.hex() == p["poolId"]
        assert tokens == [token(env, s) for s in p["tokens"]]
        for a in tokens:
            for b in tokens:
                assert vault.call("route", p["address"], a, b) == (0 if a == b else ROUTE_WEIGHTED)


def test_one_weighted_step_equals_the_balancer_query_and_leaves_no_allowance(env):
    p = weighted(env, "WETH-DAI-80-20")
    a_in = 2 * 10**18
    expected = query_out(env, p["poolId"], "WETH", "DAI", a_in)
    before = balances(env, env["vault"].address)
    receipt = rebalance(env, [step(env, p["address"], "WETH", "DAI", a_in, expected)], [(token(env, "DAI"), expected)])
    after = balances(env, env["vault"].address)
    assert after["WETH"] == before["WETH"] - a_in
    assert after["DAI"] == before["DAI"] + expected
    assert swapped(receipt) == [(p["address"], token(env, "WETH"), token(env, "DAI"), a_in, expected)]
    assert env["dep"].tokens["WETH"].call("allowance", env["vault"].address, env["dep"].vault.address) == 0
    print(f"\none weighted step (WETH->DAI 80/20) with its post-condition: {receipt['gas_used']} gas")


def test_mixed_routes_weighted_then_pair_and_pair_then_weighted(env):
    three = weighted(env, "WETH-WBTC-USDC-40-30-30")
    before = balances(env, env["vault"].address)
    # WETH -(weighted)-> USDC -(uniswap pair)-> DAI, second hop spends all of the first's output
    weth_in = 10**18
    usdc_mid = query_out(env, three["poolId"], "WETH", "USDC", weth_in)
    dai_pair = pair(env, "uniswap-v2", "DAI", "USDC")
    dai_out = cp_out(env, dai_pair, "USDC", usdc_mid)
    receipt = rebalance(env, [step(env, three["address"], "WETH", "USDC", weth_in, usdc_mid),
                              step(env, dai_pair, "USDC", "DAI", 0, dai_out)], [(token(env, "DAI"), dai_out)])
    assert [s[3:] for s in swapped(receipt)] == [(weth_in, usdc_mid), (usdc_mid, dai_out)]
    # WETH -(sushiswap pair)-> USDC -(weighted)-> WBTC: the pair pays the vault, which pays Balancer
    usdc_pair = pair(env, "sushiswap", "WETH", "USDC")
    usdc_mid2 = cp_out(env, usdc_pair, "WETH", weth_in)
    wbtc_out = query_out(env, three["poolId"], "USDC", "WBTC", usdc_mid2)
    receipt = rebalance(env, [step(env, usdc_pair, "WETH", "USDC", weth_in, usdc_mid2),
                              step(env, three["address"], "USDC", "WBTC", 0, wbtc_out)], [(token(env, "WBTC"), wbtc_out)])
    assert [s[3:] for s in swapped(receipt)] == [(weth_in, usdc_mid2), (usdc_mid2, wbtc_out)]
    after = balances(env, env["vault"].address)
    assert after["WETH"] == before["WETH"] - 2 * weth_in
    assert after["USDC"] == before["USDC"]
    assert after["DAI"] == before["DAI"] + dai_out
    assert after["WBTC"] == before["WBTC"] + wbtc_out


def test_weighted_limit_failure_reverts_everything(env):
    p = weighted(env, "WETH-DAI-80-20")
    uni = pair(env, "uniswap-v2", "WETH", "USDC")
    expected = query_out(env, p["poolId"], "WETH", "DAI", 10**18)
    state = (balances(env, env["vault"].address), pool_balances(env))
    with pytest.raises(ContractError, match="BAL#507"):  # Balancer's SWAP_LIMIT, from limit = minAmountOut
        rebalance(env, [step(env, uni, "WETH", "USDC", 10**18), step(env, p["address"], "WETH", "DAI", 10**18, expected + 1)])
    with pytest.raises(ContractError, match="post-condition: " + token(env, "DAI").lower()):
        rebalance(env, [step(env, p["address"], "WETH", "DAI", 10**18, expected)], [(token(env, "DAI"), expected + 1)])
    assert (balances(env, env["vault"].address), pool_balances(env)) == state


def test_refused_weighted_steps(env):
    p = weighted(env, "WETH-DAI-80-20")
    bal = env["dep"].vault.address
    for bad in (step(env, p["address"], "WETH", "USDC", 10**18),  # USDC is not in this pool
                step(env, bal, "WETH", "DAI", 10**18)):  # the Balancer vault itself is not a listed pool
        with pytest.raises(ContractError, match="pool not allowed: step 0"):
            rebalance(env, [bad])
    env["vault"].transact("setTokenAllowed", token(env, "DAI"), False, sender=env["owner"])
    with pytest.raises(ContractError, match="token not allowed: step 0"):
        rebalance(env, [step(env, p["address"], "WETH", "DAI", 10**18)])
    # a weighted pool takes no factory, and the Balancer vault is the one fixed at deployment
    with pytest.raises(ContractError, match="factory for a weighted pool"):
        env["vault"].transact("allowPool", p["address"], 1, env["names"]["multicall3"], sender=env["owner"])
    assert env["vault"].call("balancerVault") == bal
    owner = env["owner"]
    no_balancer = deploy(env["tester"], vault_fixture.vault_artifact(), owner, env["operator"], ZERO, sender=owner)
    with pytest.raises(ContractError, match="no balancer vault"):
        no_balancer.transact("allowPool", p["address"], 1, ZERO, sender=owner)
    with pytest.raises(ContractError, match="balancer vault not a contract"):
        deploy(env["tester"], vault_fixture.vault_artifact(), owner, env["operator"], env["outsider"], sender=owner)


def test_usdt_like_token_through_a_weighted_pool(env):
    """USDT's approve returns nothing: the vault's exact approval must accept that, in and out."""
    dep, deployer = env["dep"], fixtures.DEPLOYER_ADDRESS
    spec = fixtures.WeightedPoolSpec("USDC-USDT-50-50", {"USDC": 5 * 10**17, "USDT": 5 * 10**17}, 3 * 10**15, 0, {},
                                     2023)
    info = fixtures.create_weighted_pool(dep, deployer, spec, {"USDC": 10**12, "USDT": 10**12})
    pool, pool_id = dep.weighted_pool(info["address"]), info["poolId"]
    env["vault"].transact("allowPool", pool.address, 1, ZERO, sender=env["owner"])

    before = balances(env, env["vault"].address)
    usdt_in, usdc_in = 5_000 * 10**6, 3_000 * 10**6
    usdc_out = query_out(env, pool_id, "USDT", "USDC", usdt_in)
    rebalance(env, [step(env, pool.address, "USDT", "USDC", usdt_in, usdc_out)])
    usdt_out = query_out(env, pool_id, "USDC", "USDT", usdc_in)
    rebalance(env, [step(env, pool.address, "USDC", "USDT", usdc_in, usdt_out)])
    after = balances(env, env["vault"].address)
    assert after["USDT"] == before["USDT"] - usdt_in + usdt_out
    assert after["USDC"] == before["USDC"] + usdc_out - usdc_in
    assert dep.tokens["USDT"].call("allowance", env["vault"].address, dep.vault.address) == 0
    # a second USDT swap needs no reset: the allowance is back to zero after every GIVEN_IN swap
    rebalance(env, [step(env, pool.address, "USDT", "USDC", usdt_in)])


# A Balancer-vault look-alike for the failure paths a well-behaved vault never takes: it pulls only
# half of the approved input (leaving an allowance behind) and claims an output it does not pay.
SHORT_CHANGING_VAULT = """
# pragma version 0.4.3
struct SingleSwap:
    poolId: bytes32
    kind: uint8
    assetIn: address
    assetOut: address
    amount: uint256
    userData: Bytes[1]

struct FundManagement:
    sender: address
    fromInternalBalance: bool
    recipient: address
    toInternalBalance: bool

tokens: DynArray[address, 2]

@deploy
def __init__(_tokens: DynArray[address, 2]):
    self.tokens = _tokens

@external
@view
def getPoolId() -> bytes32:
    return convert(convert(self, uint256) << 96, bytes32)

@external
@view
def getPool(poolId: bytes32) -> (address, uint8):
    return self, 2

@external
@view
def getPoolTokens(poolId: bytes32) -> (DynArray[address, 2], DynArray[uint256, 2], uint256):
    return self.tokens, [0, 0], 0

@external
@payable
def swap(singleSwap: SingleSwap, funds: FundManagement, limit: uint256, deadline: uint256) -> uint256:
    raw_call(singleSwap.assetIn, abi_encode(funds.sender, self, singleSwap.amount // 2,
             method_id=method_id("transferFrom(address,address,uint256)")))
    return limit
"""


def test_exact_approval_resets_a_left_over_usdt_allowance_and_claims_are_not_trusted(env):
    import vyper

    out = vyper.compile_code(SHORT_CHANGING_VAULT, output_formats=["abi", "bytecode"])
    artifact = Artifact("ShortChangingVault", out["abi"], bytes.fromhex(out["bytecode"][2:]))
    owner = env["owner"]
    fake = deploy(env["tester"], artifact, [token(env, "USDC"), token(env, "USDT")], sender=owner)
    usdt = env["dep"].tokens["USDT"]
    # a vault deployed on it, listing it as its own pool (the owner is trusted; this is a test double)
    vault = deploy(env["tester"], vault_fixture.vault_artifact(), owner, env["operator"], fake.address, sender=owner)
    for sym in ("USDC", "USDT"):
        vault.transact("setPriceFeed", token(env, sym), env["names"][f"feed.{sym}"], fixtures.FEED_HEARTBEAT, sender=owner)
        vault.transact("setTokenAllowed", token(env, sym), True, sender=owner)
    vault.transact("setLimits", *vault_fixture.LOOSE_LIMITS, sender=owner)
    vault.transact("allowPool", fake.address, 1, ZERO, sender=owner)
    usdt.transact("transfer", vault.address, 10_000 * 10**6, sender=owner)
    def rebalance_fake(steps):
        return vault.transact("rebalance", steps, [], DEADLINE, sender=env["operator"])

    before = usdt.call("balanceOf", vault.address)
    rebalance_fake([step(env, fake.address, "USDT", "USDC", 1_000 * 10**6)])
    assert usdt.call("allowance", vault.address, fake.address) == 500 * 10**6  # left over
    # USDT refuses to change a non-zero allowance: the vault resets it to zero, then approves exactly
    rebalance_fake([step(env, fake.address, "USDT", "USDC", 300 * 10**6)])
    assert usdt.call("allowance", vault.address, fake.address) == 150 * 10**6
    assert usdt.call("balanceOf", vault.address) == before - 500 * 10**6 - 150 * 10**6
    # a pool that claims an output it does not pay: the vault measures its own balance, not the claim
    with pytest.raises(ContractError, match="min out: step 0"):
        rebalance_fake([step(env, fake.address, "USDT", "USDC", 10**6, 10**6)])
