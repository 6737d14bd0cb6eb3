"""RebalancingVault: multi-hop and split rebalances over Uniswap-V2 pairs, exact outputs, atomic
failure, deadline, USDT-style tokens, owner withdraw and two-step ownership, and every attempt
of a leaked operator key to move funds, call an unlisted contract or change roles.
The mechanics are tested here with the value limits wide open (vault_fixture.LOOSE_LIMITS); the limits
themselves, the price feeds and the attacks they stop are in test_vault_bounds.py."""

import pytest
from eth_utils import keccak, to_checksum_address

from devnet import fixtures, vault_fixture, vendored
from devnet.oracles import uniswap_v2_amount_out as amount_out
from devnet.contracts import Contract, ContractError, compile_all

ZERO = "0x" + "00" * 20
SWAPPED_TOPIC = "0x" + keccak(text="Swapped(address,address,address,uint256,uint256)").hex()
REBALANCED_TOPIC = "0x" + keccak(text="Rebalanced(address,uint256,uint256,uint256,uint256)").hex()
TRANSFER_TOPIC = "0x" + keccak(text="Transfer(address,address,uint256)").hex()

VAULT_FUNDING = {"WETH": 50, "USDC": 200_000, "USDT": 200_000, "DAI": 100_000, "WBTC": 2, "LINK": 1_000}


@pytest.fixture(scope="module")
def env():
    return vault_fixture.loose_vault_env(VAULT_FUNDING)


pytestmark = pytest.mark.usefixtures("env_snapshot")  # each test starts from the module's chain


# ----------------------------------------------------------------------------- helpers


def token(env, sym: str) -> str:
    return env["dep"].tokens[sym].address


def factory(env, dex: str = "uniswap-v2") -> str:
    return env["names"][f"{dex}.factory"]


def pool(env, dex: str, a: str, b: str) -> str:
    names = env["names"]
    return names.get(f"{dex}.{a}-{b}") or names[f"{dex}.{b}-{a}"]


def pair(env, address: str) -> Contract:
    return Contract(env["tester"], address, vendored.artifact("uniswap-v2", "UniswapV2Pair"))


def reserves(env, pair_address: str, token_in: str) -> tuple[int, int]:
    p = pair(env, pair_address)
    r0, r1, _ = p.call("getReserves")
    return (r0, r1) if p.call("token0") == token(env, token_in) else (r1, r0)


def balance(env, sym: str, who: str) -> int:
    return env["dep"].tokens[sym].call("balanceOf", who)


def balances(env, who: str) -> dict[str, int]:
    return {sym: balance(env, sym, who) for sym in fixtures.TOKENS}


def chain_state(env) -> dict:
    """Everything a rebalance could touch: vault and operator balances and every pair's reserves."""
    state = {"vault": balances(env, env["vault"].address), "operator": balances(env, env["operator"])}
    for p in env["dep"].pairs:
        state[p["address"]] = pair(env, p["address"]).call("getReserves")[:2]
    return state


def now(env) -> int:
    return env["tester"].get_block_by_number("latest")["timestamp"]


def deadline(env) -> int:
    return now(env) + 3600


def step(env, pool_address: str, sym_in: str, sym_out: str, amount_in: int, min_out: int = 0) -> tuple:
    return (pool_address, token(env, sym_in), token(env, sym_out), amount_in, min_out)


def rebalance(env, steps, min_received=(), sender=None, dl=None) -> dict:
    return env["vault"].transact("rebalance", list(steps), list(min_received), deadline(env) if dl is None else dl,
                                 sender=sender or env["operator"])


def logs_with(receipt: dict, topic: str) -> list[dict]:
    return [log for log in receipt["logs"] if log["topics"][0] == topic]


def topic_address(topic: str) -> str:
    return to_checksum_address("0x" + topic[-40:])


def data_words(log: dict) -> list[int]:
    data = bytes.fromhex(log["data"].removeprefix("0x"))
    return [int.from_bytes(data[i:i + 32], "big") for i in range(0, len(data), 32)]


def expect_revert(reason: str, fn, *args, **kwargs):
    with pytest.raises(ContractError) as info:
        fn(*args, **kwargs)
    assert reason in str(info.value), str(info.value)


# ----------------------------------------------------------------------------- deployment


def test_deploy_vault_sets_roles_and_allowlists_every_token_and_pair(env):
    vault = env["vault"]
    assert vault.call("owner") == env["owner"]
    assert vault.call("operator") == env["operator"]
    assert vault.call("pendingOwner") == ZERO
    for sym in fixtures.TOKENS:
        assert vault.call("tokenAllowed", token(env, sym)) is True
    assert vault.call("tokenAllowed", env["names"]["multicall3"]) is False
    for p in env["dep"].pairs:
        allowed, kind, balancer_vault, pool_id, tokens = vault.call("poolInfo", p["address"])
        assert (allowed, kind, balancer_vault, pool_id) == (True, 0, ZERO, b"\0" * 32)
        t0, t1 = (token(env, s) for s in p["tokens"])
        assert tokens == [t0, t1]
        assert vault.call("route", p["address"], t0, t1) == 1
        assert vault.call("route", p["address"], t1, t0) == 2
        assert vault.call("route", p["address"], t0, t0) == 0


def test_committed_abi_file_matches_the_source():
    import json

    assert json.loads(vault_fixture.VAULT_ABI_FILE.read_text()) == vault_fixture.vault_artifact().abi


# ----------------------------------------------------------------------------- rebalance


def test_two_hop_weth_usdc_dai_outputs_equal_the_formula(env):
    vault = env["vault"].address
    p1, p2 = pool(env, "uniswap-v2", "WETH", "USDC"), pool(env, "uniswap-v2", "DAI", "USDC")
    a_in = 3 * 10**18
    usdc_out = amount_out(a_in, *reserves(env, p1, "WETH"))
    dai_out = amount_out(usdc_out, *reserves(env, p2, "USDC"))
    before = balances(env, vault)
    receipt = rebalance(env, [step(env, p1, "WETH", "USDC", a_in, usdc_out), step(env, p2, "USDC", "DAI", 0, dai_out)],
                        [(token(env, "DAI"), dai_out)])
    after = balances(env, vault)
    assert after["WETH"] == before["WETH"] - a_in
    assert after["DAI"] == before["DAI"] + dai_out
    assert after["USDC"] == before["USDC"]  # the first pair paid the second one directly
    swapped = logs_with(receipt, SWAPPED_TOPIC)
    assert [(topic_address(log["topics"][1]), topic_address(log["topics"][2]), topic_address(log["topics"][3]),
             *data_words(log)) for log in swapped] == [
        (p1, token(env, "WETH"), token(env, "USDC"), a_in, usdc_out),
        (p2, token(env, "USDC"), token(env, "DAI"), usdc_out, dai_out)]
    (rebalanced,) = logs_with(receipt, REBALANCED_TOPIC)
    assert topic_address(rebalanced["topics"][1]) == env["operator"]
    steps_count, checks, given, received = data_words(rebalanced)
    assert (steps_count, checks) == (2, 1)  # steps, minReceived entries checked
    # values at the feeds' prices (USD, 18 decimals): 3 WETH at $3000 given, the DAI received
    assert given == 3 * 3000 * 10**18
    assert received == dai_out  # DAI has 18 decimals and a $1 feed
    # the intermediate token never left the route: USDC moved only from pair 1 to pair 2
    usdc_transfers = [log for log in logs_with(receipt, TRANSFER_TOPIC) if log["address"] == token(env, "USDC")]
    assert [(topic_address(log["topics"][1]), topic_address(log["topics"][2])) for log in usdc_transfers] == [(p1, p2)]


def test_split_over_two_pools_and_three_hop_with_explicit_amounts(env):
    vault = env["vault"].address
    uni, sushi = pool(env, "uniswap-v2", "WETH", "USDC"), pool(env, "sushiswap", "WETH", "USDC")
    a1, a2 = 4 * 10**18, 10**18
    out1 = amount_out(a1, *reserves(env, uni, "WETH"))
    out2 = amount_out(a2, *reserves(env, sushi, "WETH"))
    # then LINK -> WETH -> USDT, the second hop with an explicit amount (paid from the vault's WETH)
    link_pair, usdt_pair = pool(env, "uniswap-v2", "LINK", "WETH"), pool(env, "uniswap-v2", "WETH", "USDT")
    link_in = 500 * 10**18
    weth_mid = amount_out(link_in, *reserves(env, link_pair, "LINK"))
    usdt_out = amount_out(weth_mid, *reserves(env, usdt_pair, "WETH"))
    before = balances(env, vault)
    receipt = rebalance(env, [step(env, uni, "WETH", "USDC", a1, out1), step(env, sushi, "WETH", "USDC", a2, out2),
                              step(env, link_pair, "LINK", "WETH", link_in), step(env, usdt_pair, "WETH", "USDT", weth_mid)],
                        [(token(env, "USDC"), out1 + out2), (token(env, "USDT"), usdt_out)])
    after = balances(env, vault)
    assert after["USDC"] - before["USDC"] == out1 + out2
    assert after["WETH"] == before["WETH"] - a1 - a2
    assert after["LINK"] == before["LINK"] - link_in
    assert after["USDT"] - before["USDT"] == usdt_out
    assert data_words(logs_with(receipt, REBALANCED_TOPIC)[0])[:2] == [4, 2]


def test_usdt_like_token_in_and_out(env):
    vault = env["vault"].address
    p_in, p_out = pool(env, "uniswap-v2", "WETH", "USDT"), pool(env, "sushiswap", "USDC", "USDT")
    weth_in = 2 * 10**18
    usdt_got = amount_out(weth_in, *reserves(env, p_in, "WETH"))  # the pair pays USDT (no bool) to the vault
    usdt_in = 1_000 * 10**6
    usdc_got = amount_out(usdt_in, *reserves(env, p_out, "USDT"))  # the vault pays USDT to the pair
    before = balances(env, vault)
    rebalance(env, [step(env, p_in, "WETH", "USDT", weth_in, usdt_got), step(env, p_out, "USDT", "USDC", usdt_in, usdc_got)],
              [(token(env, "USDC"), usdc_got), (token(env, "USDT"), usdt_got - usdt_in)])
    after = balances(env, vault)
    assert after["USDT"] == before["USDT"] + usdt_got - usdt_in
    assert after["USDC"] == before["USDC"] + usdc_got


def test_min_out_failure_on_the_last_hop_reverts_everything(env):
    p1, p2 = pool(env, "uniswap-v2", "WETH", "USDC"), pool(env, "uniswap-v2", "DAI", "USDC")
    a_in = 10**18
    usdc_out = amount_out(a_in, *reserves(env, p1, "WETH"))
    dai_out = amount_out(usdc_out, *reserves(env, p2, "USDC"))
    state = chain_state(env)
    expect_revert("min out: step 1", rebalance, env,
                  [step(env, p1, "WETH", "USDC", a_in, usdc_out), step(env, p2, "USDC", "DAI", 0, dai_out + 1)])
    assert chain_state(env) == state
    # the same with an intermediate vault balance (explicit amounts, no pair-to-pair delivery)
    expect_revert("min out: step 2", rebalance, env,
                  [step(env, p1, "WETH", "USDC", a_in), step(env, p2, "USDC", "DAI", 10**6),
                   step(env, pool(env, "uniswap-v2", "WETH", "USDT"), "WETH", "USDT", 10**17, 10**30)])
    assert chain_state(env) == state
    # exactly the formula's output passes
    rebalance(env, [step(env, p1, "WETH", "USDC", a_in, usdc_out), step(env, p2, "USDC", "DAI", 0, dai_out)])


def test_post_condition_failure_reverts_everything(env):
    p1 = pool(env, "uniswap-v2", "WETH", "USDC")
    a_in = 10**18
    out = amount_out(a_in, *reserves(env, p1, "WETH"))
    state = chain_state(env)
    expect_revert("post-condition: " + token(env, "USDC").lower(), rebalance, env,
                  [step(env, p1, "WETH", "USDC", a_in)], [(token(env, "USDC"), out + 1)])
    # a token that was sold, not bought: its balance fell, the growth check fails too
    expect_revert("post-condition: " + token(env, "WETH").lower(), rebalance, env,
                  [step(env, p1, "WETH", "USDC", a_in)], [(token(env, "USDC"), out), (token(env, "WETH"), 0)])
    assert chain_state(env) == state
    rebalance(env, [step(env, p1, "WETH", "USDC", a_in)], [(token(env, "USDC"), out)])
    assert balance(env, "USDC", env["vault"].address) == state["vault"]["USDC"] + out


def test_expired_deadline(env):
    p1 = pool(env, "uniswap-v2", "WETH", "USDC")
    state = chain_state(env)
    expect_revert("expired", rebalance, env, [step(env, p1, "WETH", "USDC", 10**18)], dl=now(env) - 1)
    assert chain_state(env) == state


def test_malformed_steps_revert(env):
    p1, p2 = pool(env, "uniswap-v2", "WETH", "USDC"), pool(env, "uniswap-v2", "DAI", "USDC")
    expect_revert("no steps", rebalance, env, [])
    expect_revert("no input: step 0", rebalance, env, [step(env, p1, "WETH", "USDC", 0)])
    # amountIn 0 after a step whose output is another token
    expect_revert("no input: step 1", rebalance, env,
                  [step(env, p1, "WETH", "USDC", 10**18), step(env, p2, "DAI", "USDC", 0)])
    # more than the vault holds: the token transfer fails
    expect_revert("transfer failed", rebalance, env, [step(env, p1, "WETH", "USDC", 10**24)])


# ----------------------------------------------------------------------------- a leaked operator key


def test_operator_cannot_use_owner_functions(env):
    vault, op = env["vault"], env["operator"]
    usdc = token(env, "USDC")
    expect_revert("not owner", vault.transact, "withdraw", usdc, 1, op, sender=op)
    expect_revert("not owner", vault.transact, "setOperator", env["outsider"], sender=op)
    expect_revert("not owner", vault.transact, "transferOwnership", op, sender=op)
    expect_revert("not pending owner", vault.transact, "acceptOwnership", sender=op)
    expect_revert("not owner", vault.transact, "setTokenAllowed", env["names"]["multicall3"], True, sender=op)
    expect_revert("not owner", vault.transact, "setTokenAllowed", usdc, False, sender=op)
    expect_revert("not owner", vault.transact, "allowPool", env["outsider"], 0, ZERO, sender=op)
    expect_revert("not owner", vault.transact, "disallowPool", pool(env, "uniswap-v2", "WETH", "USDC"), sender=op)
    expect_revert("not owner", vault.transact, "setFactoryAllowed", env["outsider"], True, sender=op)
    expect_revert("not owner", vault.transact, "setPriceFeed", usdc, env["outsider"], 3600, sender=op)
    expect_revert("not owner", vault.transact, "setLimits", 10_000, 100, 100, 10_000, sender=op)
    expect_revert("not owner", vault.transact, "setGuardian", op, sender=op)
    expect_revert("not owner", vault.transact, "unpause", sender=op)
    expect_revert("not owner", vault.transact, "sweepETH", op, sender=op)
    expect_revert("not guardian", vault.transact, "pause", sender=op)
    assert (vault.call("owner"), vault.call("operator")) == (env["owner"], op)


def test_operator_cannot_reach_unlisted_contracts(env):
    weth_usdc = pool(env, "uniswap-v2", "WETH", "USDC")
    state = chain_state(env)
    attempts = {
        "a token contract as the pool": step(env, token(env, "WETH"), "WETH", "USDC", 10**18),
        "an EOA as the pool": step(env, env["operator"], "WETH", "USDC", 10**18),
        "the router as the pool": step(env, env["names"]["uniswap-v2.router"], "WETH", "USDC", 10**18),
        "the vault itself as the pool": step(env, env["vault"].address, "WETH", "USDC", 10**18),
        "a listed pair with a token it does not hold": step(env, weth_usdc, "WETH", "DAI", 10**18),
        "a listed pair with the same token in and out": step(env, weth_usdc, "WETH", "WETH", 10**18),
    }
    for what, bad in attempts.items():
        expect_revert("pool not allowed: step 0", rebalance, env, [bad])
        # also after a valid step: the whole call reverts
        expect_revert("pool not allowed: step 1", rebalance, env, [step(env, weth_usdc, "WETH", "USDC", 10**17), bad])
    assert chain_state(env) == state


def test_unlisted_pair_and_removed_entries_are_refused(env):
    vault, owner = env["vault"], env["owner"]
    # a pair that exists on the factory but was never allowlisted: create a fresh one
    factory = env["dep"].factories["uniswap-v2"]
    factory.transact("createPair", token(env, "LINK"), token(env, "DAI"), sender=owner)
    new_pair = factory.call("getPair", token(env, "LINK"), token(env, "DAI"))
    expect_revert("pool not allowed: step 0", rebalance, env, [step(env, new_pair, "LINK", "DAI", 10**18)])
    # a pool the owner removed
    weth_usdc = pool(env, "uniswap-v2", "WETH", "USDC")
    vault.transact("disallowPool", weth_usdc, sender=owner)
    assert vault.call("poolInfo", weth_usdc)[0] is False
    assert vault.call("route", weth_usdc, token(env, "WETH"), token(env, "USDC")) == 0
    expect_revert("pool not allowed: step 0", rebalance, env, [step(env, weth_usdc, "WETH", "USDC", 10**18)])
    expect_revert("pool not allowed", vault.transact, "disallowPool", weth_usdc, sender=owner)
    # a token the owner removed, on a pool still listed
    link_weth = pool(env, "uniswap-v2", "LINK", "WETH")
    vault.transact("setTokenAllowed", token(env, "LINK"), False, sender=owner)
    expect_revert("token not allowed: step 0", rebalance, env, [step(env, link_weth, "WETH", "LINK", 10**17)])
    expect_revert("token not allowed: step 0", rebalance, env, [step(env, link_weth, "LINK", "WETH", 10**18)])
    # allowing it again restores the route
    vault.transact("setTokenAllowed", token(env, "LINK"), True, sender=owner)
    rebalance(env, [step(env, link_weth, "LINK", "WETH", 10**18)])


def test_outsiders_cannot_rebalance_and_the_owner_is_not_the_operator(env):
    p1 = pool(env, "uniswap-v2", "WETH", "USDC")
    for who in (env["outsider"], env["owner"]):
        expect_revert("not operator", rebalance, env, [step(env, p1, "WETH", "USDC", 10**18)], sender=who)
    # removing the operator (zero address) stops all rebalancing
    env["vault"].transact("setOperator", ZERO, sender=env["owner"])
    expect_revert("not operator", rebalance, env, [step(env, p1, "WETH", "USDC", 10**18)])


def test_every_transfer_of_a_rebalance_goes_to_a_pool_or_the_vault(env):
    """No step has a recipient: outputs come back to the vault, inputs go to listed pools only."""
    vault = env["vault"].address
    steps = [step(env, pool(env, "uniswap-v2", "WETH", "USDC"), "WETH", "USDC", 10**18),
             step(env, pool(env, "uniswap-v2", "DAI", "USDC"), "USDC", "DAI", 0),
             step(env, pool(env, "sushiswap", "WETH", "DAI"), "DAI", "WETH", 0),
             step(env, pool(env, "sushiswap", "USDC", "USDT"), "USDT", "USDC", 10**9),
             step(env, pool(env, "uniswap-v2", "USDC", "WBTC"), "USDC", "WBTC", 0)]
    operator_before = balances(env, env["operator"])
    receipt = rebalance(env, steps)
    listed = {p["address"] for p in env["dep"].pairs}
    transfers = logs_with(receipt, TRANSFER_TOPIC)
    assert len(transfers) >= len(steps)
    for log in transfers:
        assert topic_address(log["topics"][2]) in listed | {vault}
    assert balances(env, env["operator"]) == operator_before
    step_abi = next(e for e in env["vault"].artifact.abi if e.get("name") == "rebalance")["inputs"][0]
    assert [c["name"] for c in step_abi["components"]] == ["pool", "tokenIn", "tokenOut", "amountIn", "minAmountOut"]


def test_vault_refuses_native_eth(env):
    from devnet.contracts import send

    with pytest.raises(ContractError):
        send(env["tester"], env["outsider"], env["vault"].address, b"", value=10**18)


# ----------------------------------------------------------------------------- owner


def test_owner_withdraws_erc20_and_usdt_like_tokens(env):
    vault, owner, outsider = env["vault"], env["owner"], env["outsider"]
    for sym, amount in (("USDC", 1_234 * 10**6), ("USDT", 5_678 * 10**6), ("WETH", 10**18)):
        before_vault, before_to = balance(env, sym, vault.address), balance(env, sym, outsider)
        receipt = vault.transact("withdraw", token(env, sym), amount, outsider, sender=owner)
        assert balance(env, sym, vault.address) == before_vault - amount
        assert balance(env, sym, outsider) == before_to + amount
        (event,) = [log for log in receipt["logs"] if log["address"] == vault.address]
        assert topic_address(event["topics"][1]) == token(env, sym)
        assert topic_address(event["topics"][2]) == outsider
        assert data_words(event) == [amount]
    # more than the balance, for a bool token and for a no-bool token
    expect_revert("transfer failed", vault.transact, "withdraw", token(env, "USDC"), 10**30, owner, sender=owner)
    expect_revert("transfer failed", vault.transact, "withdraw", token(env, "USDT"), 10**30, owner, sender=owner)
    expect_revert("zero recipient", vault.transact, "withdraw", token(env, "USDC"), 1, ZERO, sender=owner)
    # all of it
    usdt = balance(env, "USDT", vault.address)
    vault.transact("withdraw", token(env, "USDT"), usdt, owner, sender=owner)
    assert balance(env, "USDT", vault.address) == 0


def test_two_step_ownership_transfer(env):
    vault, owner, outsider, op = env["vault"], env["owner"], env["outsider"], env["operator"]
    vault.transact("transferOwnership", outsider, sender=owner)
    assert vault.call("pendingOwner") == outsider
    assert vault.call("owner") == owner  # nothing changes until accepted
    expect_revert("not pending owner", vault.transact, "acceptOwnership", sender=op)
    vault.transact("acceptOwnership", sender=outsider)
    assert (vault.call("owner"), vault.call("pendingOwner")) == (outsider, ZERO)
    expect_revert("not owner", vault.transact, "withdraw", token(env, "USDC"), 1, owner, sender=owner)
    expect_revert("not pending owner", vault.transact, "acceptOwnership", sender=outsider)
    vault.transact("setOperator", owner, sender=outsider)
    assert vault.call("operator") == owner


def test_allowlisting_checks_what_it_is_given(env):
    vault, owner = env["vault"], env["owner"]
    weth_usdc = pool(env, "uniswap-v2", "WETH", "USDC")
    expect_revert("not a contract", vault.transact, "setTokenAllowed", env["outsider"], True, sender=owner)
    expect_revert("not a contract", vault.transact, "allowPool", env["outsider"], 0, factory(env), sender=owner)
    # a token contract is not a pair (no token0): the allowlisting call reverts
    with pytest.raises(ContractError):
        vault.transact("allowPool", token(env, "WETH"), 0, factory(env), sender=owner)
    expect_revert("factory not allowed", vault.transact, "allowPool", weth_usdc, 0, ZERO, sender=owner)
    expect_revert("factory not allowed", vault.transact, "allowPool", weth_usdc, 0, token(env, "WETH"), sender=owner)
    # the right kind of factory, but not the one that made this pair
    expect_revert("pair not from factory", vault.transact, "allowPool", weth_usdc, 0, factory(env, "sushiswap"),
                  sender=owner)
    expect_revert("unknown pool kind", vault.transact, "allowPool", weth_usdc, 3, ZERO, sender=owner)
    # a V2 pair is not a V3 pool: a V2 factory has no getPool, the pair no fee()
    expect_revert("factory not allowed", vault.transact, "allowPool", weth_usdc, 2, ZERO, sender=owner)
    with pytest.raises(ContractError):
        vault.transact("allowPool", weth_usdc, 2, factory(env), sender=owner)
    expect_revert("factory for a weighted pool", vault.transact, "allowPool", weth_usdc, 1, factory(env),
                  sender=owner)
    # a pair is not a weighted pool (no getPoolId)
    with pytest.raises(ContractError):
        vault.transact("allowPool", weth_usdc, 1, ZERO, sender=owner)
    expect_revert("not a contract", vault.transact, "setFactoryAllowed", env["outsider"], True, sender=owner)
    # allowing a listed pool again keeps it usable
    vault.transact("allowPool", weth_usdc, 0, factory(env), sender=owner)
    rebalance(env, [step(env, weth_usdc, "WETH", "USDC", 10**18)])


def test_token_allowlist_and_pool_allowlist_combine_in_any_order(env):
    vault, owner = env["vault"], env["owner"]
    link, weth = token(env, "LINK"), token(env, "WETH")
    link_weth, sushi_link_weth = pool(env, "uniswap-v2", "LINK", "WETH"), pool(env, "sushiswap", "LINK", "WETH")
    vault.transact("disallowPool", link_weth, sender=owner)
    vault.transact("setTokenAllowed", link, False, sender=owner)
    assert vault.call("route", sushi_link_weth, link, weth) == 0
    # pool allowed while one of its tokens is not: no route until the token is allowed
    vault.transact("allowPool", link_weth, 0, factory(env), sender=owner)
    assert vault.call("route", link_weth, link, weth) == 0
    expect_revert("token not allowed: step 0", rebalance, env, [step(env, link_weth, "LINK", "WETH", 10**18)])
    vault.transact("setTokenAllowed", link, True, sender=owner)
    for p in (link_weth, sushi_link_weth):
        assert {vault.call("route", p, link, weth), vault.call("route", p, weth, link)} == {1, 2}
    rebalance(env, [step(env, link_weth, "LINK", "WETH", 10**18), step(env, sushi_link_weth, "LINK", "WETH", 10**18)])
    # a disallowed pool stays disallowed when its tokens are allowed again
    vault.transact("disallowPool", link_weth, sender=owner)
    vault.transact("setTokenAllowed", weth, False, sender=owner)
    vault.transact("setTokenAllowed", weth, True, sender=owner)
    assert vault.call("route", link_weth, link, weth) == 0
    assert vault.call("route", sushi_link_weth, link, weth) != 0


def test_pool_reverts_bubble_up_and_oversized_batches_are_refused(env):
    p1 = pool(env, "uniswap-v2", "WETH", "USDC")
    state = chain_state(env)
    # 1 wei in gives 0 out: the pair's own reason comes back through the vault
    expect_revert("UniswapV2: INSUFFICIENT_OUTPUT_AMOUNT", rebalance, env, [step(env, p1, "WETH", "USDC", 1)])
    # more than MAX_STEPS (32) steps or MAX_RECEIVED (16) checks: refused by ABI decoding
    with pytest.raises(ContractError):
        rebalance(env, [step(env, p1, "WETH", "USDC", 10**15)] * 33)
    with pytest.raises(ContractError):
        rebalance(env, [step(env, p1, "WETH", "USDC", 10**15)], [(token(env, "USDC"), 0)] * 17)
    assert chain_state(env) == state
    receipt = rebalance(env, [step(env, p1, "WETH", "USDC", 10**15)] * 32, [(token(env, "USDC"), 0)] * 16)
    assert len(logs_with(receipt, SWAPPED_TOPIC)) == 32


# An ERC-20 with a transfer hook (ERC-777 style) that calls back into a target with fixed calldata
# and records the outcome: it shows a listed token cannot re-enter the vault mid-rebalance.
HOOK_TOKEN = """
# pragma version 0.4.3
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
hookTarget: public(address)
hookData: public(Bytes[1024])
hookCalls: public(uint256)
hookSucceeded: public(bool)
hookResponse: public(Bytes[128])

@external
def mint(to: address, amount: uint256):
    self.balanceOf[to] += amount

@external
def setHook(target: address, data: Bytes[1024]):
    self.hookTarget = target
    self.hookData = data

@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    return True

@internal
def _move(sender: address, to: address, amount: uint256):
    self.balanceOf[sender] -= amount
    self.balanceOf[to] += amount
    if self.hookTarget != empty(address):
        ok: bool = False
        response: Bytes[128] = b""
        ok, response = raw_call(self.hookTarget, self.hookData, max_outsize=128, revert_on_failure=False)
        self.hookCalls += 1
        self.hookSucceeded = ok
        self.hookResponse = response

@external
def transfer(to: address, amount: uint256) -> bool:
    self._move(msg.sender, to, amount)
    return True

@external
def transferFrom(sender: address, to: address, amount: uint256) -> bool:
    self.allowance[sender][msg.sender] -= amount
    self._move(sender, to, amount)
    return True
"""


def test_a_hooked_token_cannot_reenter_the_vault(env):
    import vyper

    from devnet.contracts import Artifact, deploy

    out = vyper.compile_code(HOOK_TOKEN + "\n@external\n@view\ndef decimals() -> uint8:\n    return 18\n",
                             output_formats=["abi", "bytecode"])
    hook = deploy(env["tester"], Artifact("HookToken", out["abi"], bytes.fromhex(out["bytecode"][2:])),
                  sender=env["owner"])
    vault, owner, weth = env["vault"], env["owner"], env["dep"].tokens["WETH"]
    factory = env["dep"].factories["uniswap-v2"]
    factory.transact("createPair", hook.address, weth.address, sender=owner)
    hook_pair = factory.call("getPair", hook.address, weth.address)
    hook.transact("mint", hook_pair, 10**24, sender=owner)
    weth.transact("transfer", hook_pair, 10 * 10**18, sender=owner)
    pair(env, hook_pair).transact("mint", owner, sender=owner)
    hook.transact("mint", vault.address, 10**22, sender=owner)
    hook_feed = deploy(env["tester"], compile_all()["PriceFeed"], 8, "HOOK / USD", 10**6, sender=owner)
    vault.transact("setPriceFeed", hook.address, hook_feed.address, 3600, sender=owner)
    vault.transact("setTokenAllowed", hook.address, True, sender=owner)
    vault.transact("allowPool", hook_pair, 0, factory.address, sender=owner)

    reentries = {
        "rebalance": vault.encode("rebalance", [step(env, hook_pair, "WETH", "WETH", 1)], [], 2**40),
        "withdraw": vault.encode("withdraw", weth.address, 1, env["operator"]),
    }
    for name, data in reentries.items():
        hook.transact("setHook", vault.address, data, sender=owner)
        calls = hook.call("hookCalls")
        receipt = rebalance(env, [(hook_pair, hook.address, weth.address, 10**21, 0)])
        assert len(logs_with(receipt, SWAPPED_TOPIC)) == 1, name
        assert hook.call("hookCalls") == calls + 1, name  # the hook ran during the vault's transfer
        # refused by the reentrancy lock, before any role check (which would give a reason string)
        assert (hook.call("hookSucceeded"), hook.call("hookResponse")) == (False, b""), name
    # control: the same call outside a vault call gets past the lock and fails on the role check
    hook.transact("mint", owner, 1, sender=owner)
    hook.transact("transfer", env["outsider"], 1, sender=owner)
    assert hook.call("hookSucceeded") is False
    assert b"not owner" in hook.call("hookResponse")


def test_the_allowlisted_token_list_follows_set_token_allowed(env):
    """The vault keeps the list of allowlisted tokens (each is priced on every rebalance): allowing
    twice adds once, forbidding removes, at most MAX_TOKENS (16)."""
    vault, owner = env["vault"], env["owner"]

    def listed() -> list[str]:
        return [vault.call("allowedTokens", i) for i in range(vault.call("allowedTokenCount"))]

    everything = {token(env, sym) for sym in fixtures.TOKENS}
    assert set(listed()) == everything and len(listed()) == len(everything)
    vault.transact("setTokenAllowed", token(env, "USDC"), True, sender=owner)
    assert len(listed()) == len(everything)
    vault.transact("setTokenAllowed", token(env, "WETH"), False, sender=owner)
    vault.transact("setTokenAllowed", token(env, "WETH"), False, sender=owner)
    assert set(listed()) == everything - {token(env, "WETH")}
    vault.transact("setTokenAllowed", token(env, "WETH"), True, sender=owner)
    assert set(listed()) == everything
    assert vault.call("MAX_TOKENS") == 16
    erc20 = compile_all()["ERC20"]
    from devnet.contracts import deploy

    for k in range(16 - len(everything)):
        extra = deploy(env["tester"], erc20, f"Extra {k}", f"X{k}", 18, sender=owner)
        vault.transact("setTokenAllowed", extra.address, True, sender=owner)
    assert vault.call("allowedTokenCount") == 16
    one_more = deploy(env["tester"], erc20, "One more", "X16", 18, sender=owner)
    expect_revert("too many tokens", vault.transact, "setTokenAllowed", one_more.address, True, sender=owner)
    # the limits and the pause flag share the slot with the count: untouched by all this
    assert (vault.call("maxLossBps"), vault.call("maxCallPercent"), vault.call("maxDailyPercent"),
            vault.call("maxDailyLossBps"), vault.call("paused")) == (*vault_fixture.LOOSE_LIMITS, False)
