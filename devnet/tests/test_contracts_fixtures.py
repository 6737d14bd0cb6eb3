"""The deployment is deterministic and matches networks/devnet.json and abi/*.json."""

import json
import time

import pytest
from eth_account import Account
from eth_utils import is_checksum_address, keccak

from devnet import contracts, fixtures

ANVIL_ACCOUNTS = [  # anvil's / hardhat's public dev accounts (public devnet keys, not secrets)
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
    "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f", "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
]


@pytest.fixture(scope="module")
def deployed():
    contracts.compile_all()  # warm the cache so the timing below measures the deployment
    tester = fixtures.make_tester()
    start = time.time()
    dep = fixtures.deploy_all(tester)
    return dep, time.time() - start


def test_fresh_deploy_matches_networks_devnet_json(deployed):
    dep, _ = deployed
    on_disk = json.loads(fixtures.NETWORK_FILE.read_text())
    assert fixtures.network_json(dep) == on_disk


def test_network_file_shape(deployed):
    net = json.loads(fixtures.NETWORK_FILE.read_text())
    assert net["chainId"] == 31337 and net["mainnet"] is False
    addresses = [net["multicall3"]] + [t["address"] for t in net["tokens"]] + [p["address"] for p in net["pools"]]
    for dex in net["dexes"]:
        addresses += [dex[k] for k in ("factory", "router", "vault") if k in dex]
    assert all(is_checksum_address(a) for a in addresses)
    assert len(set(addresses)) == len(addresses)
    symbols = {t["symbol"] for t in net["tokens"]}
    assert net["wrappedNative"] in symbols
    usdt = next(t for t in net["tokens"] if t["symbol"] == "USDT")
    assert usdt["approvalResetRequired"] is True and usdt["returnsBool"] is False
    for pool in net["pools"]:
        assert set(pool["tokens"]) <= symbols
        if pool["kind"] == "weighted":
            assert len(bytes.fromhex(pool["poolId"][2:])) == 32


def test_pairs_sit_at_mainnets_create2_addresses(deployed):
    """The vendored pair bytecode is mainnet's: its hash is mainnet's init-code hash, and every pair
    sits where that hash puts it (the address mainnet's SDKs would compute)."""
    from devnet import vendored

    assert "0x" + keccak(vendored.artifact("uniswap-v2", "UniswapV2Pair").bytecode).hex() == \
        vendored.UNISWAP_V2_PAIR_INIT_CODE_HASH == "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f"
    dep, _ = deployed
    for p in dep.pairs:
        a, b = (dep.tokens[s].address for s in p["tokens"])
        assert vendored.pair_address(dep.factories[p["dex"]].address, a, b) == p["address"]


def test_pool_token_order_is_on_chain_order(deployed):
    dep, _ = deployed
    by_symbol = {s: t.address for s, t in dep.tokens.items()}
    for p in dep.pairs:
        pair = dep.pair(p["address"])
        assert [pair.call("token0"), pair.call("token1")] == [by_symbol[s] for s in p["tokens"]]


def test_dev_accounts_are_anvils_and_deployer_is_fixed(deployed):
    dep, _ = deployed
    assert dep.dev_accounts == ANVIL_ACCOUNTS
    assert dep.summary()["deployer"] == fixtures.DEPLOYER_ADDRESS
    assert Account.from_key(keccak(text="rebalancer devnet deployer")).address == fixtures.DEPLOYER_ADDRESS
    tester = dep.tokens["WETH"].tester
    # every dev account keeps most of its ETH and holds the promised WETH; WETH stays fully backed
    for account in dep.dev_accounts:
        assert tester.get_balance(account) > 9_000 * 10**18
        assert dep.tokens["WETH"].call("balanceOf", account) == 100 * 10**18
    assert dep.tokens["WETH"].call("totalSupply") == tester.get_balance(dep.tokens["WETH"].address)


def test_abi_files_are_the_compiled_abis():
    artifacts = contracts.compile_all()
    for contract, file_name in contracts.CLIENT_ABIS.items():
        assert json.loads((contracts.ABI_DIR / f"{file_name}.json").read_text()) == artifacts[contract].abi, file_name


def test_second_deploy_on_the_same_chain_is_refused(deployed):
    dep, _ = deployed
    with pytest.raises(contracts.ContractError, match="already sent"):
        fixtures.deploy_all(dep.tokens["WETH"].tester)


def test_deploy_is_fast_enough(deployed):
    _, seconds = deployed
    print(f"\ndeploy_fixtures took {seconds:.2f}s")
    # mainnet's Balancer and Uniswap bytecode takes ~1.35x the old Vyper ports' deployment (16.7 s
    # against 12.3 s measured in the same run on a loaded machine, 30 s beside a Swift build);
    # generous for a loaded CI machine; Uniswap V3 (~110 position-manager mints) adds ~4 s CPU
    assert seconds < 55


def test_seeded_markets_are_realistic(deployed):
    dep, _ = deployed
    usd = {s: float(p) for s, (_c, _n, _d, p) in fixtures.TOKENS.items()}
    dec = {s: d for s, (_c, _n, d, _p) in fixtures.TOKENS.items()}
    depth = {}
    for p in dep.pairs:
        pair = dep.pair(p["address"])
        r0, r1, _ = pair.call("getReserves")
        s0, s1 = p["tokens"]
        price0_in_1 = (r1 / 10 ** dec[s1]) / (r0 / 10 ** dec[s0])
        assert abs(price0_in_1 / (usd[s0] / usd[s1]) - 1) < 0.005, p  # within 0.5 % of the reference
        depth[(p["dex"], frozenset(p["tokens"]))] = r0 / 10 ** dec[s0] * usd[s0] * 2
        assert "LINK" not in p["tokens"] or "WETH" in p["tokens"]
    assert round(depth[("uniswap-v2", frozenset({"WETH", "USDC"}))]) == 20_000_000
    assert abs(depth[("sushiswap", frozenset({"WBTC", "USDC"}))] - 50_000) < 500  # the thin pool
    # sushiswap's WETH is 0.2 % dearer than uniswap's
    quotes = {}
    for dex in fixtures.CONSTANT_PRODUCT_DEXES:
        weth_usdc = dep.routers[dex].call("getAmountsOut", 10**15, [dep.tokens["WETH"].address, dep.tokens["USDC"].address])
        quotes[dex] = weth_usdc[-1]
    assert 1.0015 < quotes["sushiswap"] / quotes["uniswap-v2"] < 1.0025
