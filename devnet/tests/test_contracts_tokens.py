"""ERC-20, USDT-like and WETH contracts on a fresh devnet deployment."""

import pytest
from eth_utils import keccak

from devnet import fixtures
from devnet.contracts import ContractError

pytestmark = pytest.mark.usefixtures("dep_snapshot")

TRANSFER_TOPIC = "0x" + keccak(text="Transfer(address,address,uint256)").hex()


def test_metadata_and_dev_balances(dep):
    expected = {"WETH": 18, "USDC": 6, "USDT": 6, "WBTC": 8, "DAI": 18, "LINK": 18}
    for sym, decimals in expected.items():
        token = dep.tokens[sym]
        assert token.call("symbol") == sym
        assert token.call("decimals") == decimals
        for account in dep.dev_accounts:
            whole = fixtures.DEV_ACCOUNT_TOKENS[sym]
            assert token.call("balanceOf", account) == whole * 10**decimals


def test_erc20_transfer_allowance_and_events(dep):
    usdc = dep.tokens["USDC"]
    alice, bob, carol = dep.dev_accounts[:3]
    start_a, start_b = usdc.call("balanceOf", alice), usdc.call("balanceOf", bob)
    assert usdc.call("transfer", bob, 5, sender=alice) is True
    receipt = usdc.transact("transfer", bob, 5, sender=alice)
    assert receipt["logs"][0]["topics"][0] == TRANSFER_TOPIC
    assert (usdc.call("balanceOf", alice), usdc.call("balanceOf", bob)) == (start_a - 5, start_b + 5)

    with pytest.raises(ContractError, match="insufficient allowance"):
        usdc.transact("transferFrom", alice, carol, 1, sender=bob)
    usdc.transact("approve", bob, 7, sender=alice)
    usdc.transact("transferFrom", alice, carol, 3, sender=bob)
    assert usdc.call("allowance", alice, bob) == 4
    with pytest.raises(ContractError, match="exceeds balance"):
        usdc.transact("transfer", bob, start_a * 2, sender=alice)


def test_only_owner_mints(dep):
    usdc = dep.tokens["USDC"]
    with pytest.raises(ContractError, match="not the owner"):
        usdc.transact("mint", dep.dev_accounts[0], 1, sender=dep.dev_accounts[0])
    supply = usdc.call("totalSupply")
    usdc.transact("mint", dep.dev_accounts[1], 10, sender=fixtures.DEPLOYER_ADDRESS)
    assert usdc.call("totalSupply") == supply + 10


def test_usdt_approve_rule_and_empty_returns(dep):
    usdt = dep.tokens["USDT"]
    alice, bob = dep.dev_accounts[:2]
    tester = usdt.tester
    raw = tester.call({"from": alice, "to": usdt.address, "data": "0x" + usdt.encode("transfer", bob, 1).hex()})
    assert raw in ("0x", b"")  # no bool returned
    assert all(not f["outputs"] for f in usdt.artifact.abi if f.get("name") in ("transfer", "transferFrom", "approve"))

    usdt.transact("approve", bob, 100, sender=alice)
    with pytest.raises(ContractError):
        usdt.transact("approve", bob, 50, sender=alice)  # non-zero -> non-zero refused
    usdt.transact("approve", bob, 0, sender=alice)
    usdt.transact("approve", bob, 50, sender=alice)
    assert usdt.call("allowance", alice, bob) == 50
    usdt.transact("transferFrom", alice, bob, 20, sender=bob)
    assert usdt.call("allowance", alice, bob) == 30


def test_weth_deposit_withdraw_fallback(dep):
    weth = dep.tokens["WETH"]
    tester = weth.tester
    alice = dep.dev_accounts[0]
    before_weth = weth.call("balanceOf", alice)
    assert weth.call("totalSupply") == tester.get_balance(weth.address)
    weth.transact("deposit", sender=alice, value=3 * 10**18)
    tester.send_transaction({"from": alice, "to": weth.address, "value": 2 * 10**18, "gas": 100000})  # fallback
    assert weth.call("balanceOf", alice) == before_weth + 5 * 10**18
    eth_before = tester.get_balance(alice)
    receipt = weth.transact("withdraw", 4 * 10**18, sender=alice)
    gas_cost = receipt["gas_used"] * receipt["effective_gas_price"]
    assert tester.get_balance(alice) == eth_before + 4 * 10**18 - gas_cost
    assert weth.call("balanceOf", alice) == before_weth + 10**18
    assert weth.call("totalSupply") == tester.get_balance(weth.address)
    with pytest.raises(ContractError):
        weth.transact("withdraw", 10**30, sender=alice)
