#!/usr/bin/env python3
"""Generates signing_vectors.json with eth-account (an independent implementation) as the oracle.

Run once and commit the JSON; the Swift tests read the JSON and never call Python:
    .venv/bin/python Tests/EthSigningTests/Fixtures/make_vectors.py

Keys are keccak256("rebalancer test key N"): public test keys, not secrets.
"""
import json
import os

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.typed_transactions import TypedTransaction
from eth_account._utils.legacy_transactions import serializable_unsigned_transaction_from_dict
import eth_keyfile
from eth_utils import keccak, to_checksum_address

HERE = os.path.dirname(os.path.abspath(__file__))


def key(i):
    return keccak(text=f"rebalancer test key {i}")


def hexs(b):
    return "0x" + bytes(b).hex()


TO = to_checksum_address("0x7a250d5630b4cf539739df2c5dacb4c659f2488d")
AL = [
    {"address": to_checksum_address("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"),
     "storageKeys": ["0x" + "00" * 31 + "01", "0x" + "ab" * 32]},
    {"address": to_checksum_address("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"), "storageKeys": []},
]

txs = [
    # legacy, EIP-155
    {"nonce": 0, "gasPrice": 1, "gas": 21000, "to": TO, "value": 0, "data": "0x", "chainId": 1},
    {"nonce": 7, "gasPrice": 30_000_000_000, "gas": 100_000, "to": TO, "value": 10**18,
     "data": "0xa9059cbb" + "00" * 64, "chainId": 31337},
    {"nonce": 2**64 - 2, "gasPrice": 2**200, "gas": 2**63, "to": TO, "value": 2**256 - 1, "data": "0x00",
     "chainId": 2**40 + 7},
    # legacy, contract creation
    {"nonce": 1, "gasPrice": 5, "gas": 3_000_000, "to": "", "value": 0, "data": "0x6080604052" + "ff" * 60,
     "chainId": 5},
    # legacy, pre-EIP-155
    {"nonce": 3, "gasPrice": 20_000_000_000, "gas": 21000, "to": TO, "value": 12345, "data": "0x"},
    # EIP-2930
    {"type": 1, "chainId": 1, "nonce": 0, "gasPrice": 10**9, "gas": 50_000, "to": TO, "value": 1,
     "data": "0x", "accessList": []},
    {"type": 1, "chainId": 31337, "nonce": 42, "gasPrice": 123_456_789, "gas": 250_000, "to": TO,
     "value": 0, "data": "0x095ea7b3" + "11" * 64, "accessList": AL},
    {"type": 1, "chainId": 137, "nonce": 5, "gasPrice": 1, "gas": 1_000_000, "to": "", "value": 0,
     "data": "0x6000", "accessList": AL[:1]},
    # EIP-1559
    {"type": 2, "chainId": 1, "nonce": 0, "maxPriorityFeePerGas": 0, "maxFeePerGas": 1, "gas": 21000,
     "to": TO, "value": 0, "data": "0x", "accessList": []},
    {"type": 2, "chainId": 31337, "nonce": 17, "maxPriorityFeePerGas": 1_500_000_000,
     "maxFeePerGas": 80_000_000_000, "gas": 300_000, "to": TO, "value": 5 * 10**17,
     "data": "0x38ed1739" + "22" * 160, "accessList": AL},
    {"type": 2, "chainId": 10, "nonce": 2**32, "maxPriorityFeePerGas": 2**128, "maxFeePerGas": 2**255,
     "gas": 30_000_000, "to": "", "value": 2**100, "data": "0x" + "5b" * 300, "accessList": AL[1:]},
]


def signing_hash(tx):
    if "type" in tx:
        return TypedTransaction.from_dict(tx).hash()
    return serializable_unsigned_transaction_from_dict(tx).hash()


vectors = []
for i, tx in enumerate(txs):
    k = key(i % 4)
    signed = Account.sign_transaction(tx, k)
    entry = {k2: (hex(v) if isinstance(v, int) else v) for k2, v in tx.items() if k2 != "accessList"}
    entry["to"] = tx["to"] or None
    vectors.append({
        "key": hexs(k),
        "tx": entry,
        "accessList": tx.get("accessList", []),
        "signingHash": hexs(signing_hash(tx)),
        "raw": hexs(signed.raw_transaction),
        "hash": hexs(signed.hash),
        "from": to_checksum_address(Account.from_key(k).address),
        "r": hex(signed.r), "s": hex(signed.s), "v": hex(signed.v),
    })

messages = ["hello", "", "Rebalancer: sign in", "ünïcødé ✓", "x" * 200]
personal = []
for i, m in enumerate(messages):
    k = key(10 + i)
    sig = Account.sign_message(encode_defunct(text=m), k).signature
    personal.append({"key": hexs(k), "message": m, "signature": hexs(sig),
                     "address": to_checksum_address(Account.from_key(k).address)})

keys = []
for i in range(4):
    k = key(20 + i)
    acct = Account.from_key(k)
    keys.append({"key": hexs(k), "publicKey": hexs(acct._key_obj.public_key.to_bytes()),
                 "address": to_checksum_address(acct.address)})

# Keystores written by eth-keyfile (light parameters so the tests stay fast).
keystores = []
for i, (kdf, iterations) in enumerate([("scrypt", 4096), ("pbkdf2", 1000)]):
    k = key(30 + i)
    ks = eth_keyfile.create_keyfile_json(k, b"correct horse", kdf=kdf, iterations=iterations)
    keystores.append({"key": hexs(k), "password": "correct horse", "address": to_checksum_address(Account.from_key(k).address),
                      "json": json.dumps(ks)})

with open(os.path.join(HERE, "signing_vectors.json"), "w") as f:
    json.dump({"generator": "eth-account via make_vectors.py", "transactions": vectors,
               "personal": personal, "keys": keys, "keystores": keystores}, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"{len(vectors)} transactions, {len(personal)} messages, {len(keys)} keys, {len(keystores)} keystores")

# A keystore written by Keystore.encrypt (light scrypt) for EIP-155's public example key
# 0x4646…46, password "pässword": eth-keyfile must read what this project writes.
swift_written = os.path.join(HERE, "swift_written_keystore.json")
if os.path.exists(swift_written):
    decoded = eth_keyfile.decode_keyfile_json(eth_keyfile.load_keyfile(swift_written), "pässword".encode())
    assert decoded == bytes([0x46] * 32), "eth-keyfile decodes the Swift-written keystore to the wrong key"
    print("swift_written_keystore.json: eth-keyfile reads it")
