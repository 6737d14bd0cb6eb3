"""Uniswap V3 on the devnet: mainnet's bytecode at the addresses mainnet's init-code hash gives,
liquidity spread over several bitmap words, and the periphery (QuoterV2, SwapRouter02) answering
like the pools."""

import json

import pytest

from devnet import contracts, fixtures, uniswap_v3


@pytest.fixture(scope="module")
def v3(dep):
    return dep.uniswap_v3


def _pool(dep, address):
    return contracts.Contract(dep.tokens["WETH"].tester, address, uniswap_v3.artifact("UniswapV3Pool"))


def test_pools_sit_at_the_init_code_hash_addresses(dep, v3):
    assert len(v3.pools) == len(uniswap_v3.POOLS)
    for p in v3.pools:
        t0, t1 = (dep.tokens[s].address for s in p["tokens"])
        assert int(t0, 16) < int(t1, 16)
        assert p["address"] == uniswap_v3.pool_address(v3.factory.address, t1, t0, p["fee"])
        pool = _pool(dep, p["address"])
        assert (pool.call("token0"), pool.call("token1"), pool.call("fee")) == (t0, t1, p["fee"])
        assert pool.call("tickSpacing") == uniswap_v3.TICK_SPACING[p["fee"]]
    # the hash is mainnet's: a known mainnet pool's address follows from mainnet's factory and tokens
    usdc, weth = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"
    assert uniswap_v3.pool_address("0x1F98431c8aD98523631AE4a59f267346ea31F984", weth, usdc, 500) == \
        "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640"


def test_initialized_ticks_spread_over_several_words(dep, v3):
    for p in v3.pools:
        pool = _pool(dep, p["address"])
        spacing = p["tickSpacing"]
        word = (pool.call("slot0")[1] // spacing) >> 8
        populated = {w: v3.tick_lens.call("getPopulatedTicksInWord", p["address"], w) for w in range(word - 3, word + 4)}
        words = [w for w, ticks in populated.items() if ticks]
        assert len(words) >= 4, (p, words)
        assert len(populated[word]) >= 10, p  # narrow positions around the price
        # liquidityNet sums to zero over all positions (every one lies inside +-3 words)
        assert sum(net for ticks in populated.values() for _t, net, _g in ticks) == 0


def test_quoter_equals_the_router_swap(dep, v3, dep_snapshot):
    weth, usdc = dep.tokens["WETH"], dep.tokens["USDC"]
    trader = uniswap_v3.TRADER_ADDRESS
    quote = v3.quoter.call("quoteExactInputSingle", (weth.address, usdc.address, 25 * 10**18, 500, 0))
    assert quote[2] >= 1  # crosses initialized ticks
    before = usdc.call("balanceOf", trader)
    v3.router.transact("exactInputSingle", (weth.address, usdc.address, 500, trader, 25 * 10**18, quote[0], 0), sender=trader)
    assert usdc.call("balanceOf", trader) - before == quote[0]


def test_network_file_lists_the_v3_deployment(dep, v3):
    on_disk = json.loads(fixtures.NETWORK_FILE.read_text())["uniswapV3"]
    assert on_disk == v3.network_json()
    assert {(tuple(p["tokens"]), p["fee"]) for p in on_disk["pools"]} >= {(("USDC", "WETH"), 500), (("USDC", "WETH"), 3000),
                                                                         (("USDC", "WETH"), 10000), (("USDC", "USDT"), 100)}


def test_probe_is_the_deployers_first_contract(v3):
    from eth_utils import keccak, to_checksum_address
    import rlp
    first = to_checksum_address(keccak(rlp.encode([bytes.fromhex(uniswap_v3.DEPLOYER_ADDRESS[2:]), 0]))[12:])
    assert v3.probe.address == first
