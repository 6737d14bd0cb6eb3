#!/usr/bin/env python3
"""Generates abi_vectors.json: differential ABI vectors from eth-abi (run once, output committed).

Usage: <venv with eth-abi>/bin/python abi_vectors_gen.py > abi_vectors.json
Each vector: canonical type strings, the values in the JSON form ABIValue.jsonValue renders
(integers as decimal strings, addresses checksummed, bytes as 0x hex, bools as booleans, arrays and
tuples as arrays) and the eth-abi encoding as 0x hex. Swift tests read the JSON; they never run Python.
"""
import json
import random

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

rng = random.Random(20261125)

ELEMENTARY = ["uint", "int", "address", "bool", "fixedBytes", "bytes", "string"]


def random_type(depth):
    choice = rng.random()
    if depth >= 3 or choice < 0.55:
        kind = rng.choice(ELEMENTARY)
        if kind == "uint":
            return "uint%d" % (8 * rng.randint(1, 32))
        if kind == "int":
            return "int%d" % (8 * rng.randint(1, 32))
        if kind == "fixedBytes":
            return "bytes%d" % rng.randint(1, 32)
        return kind
    if choice < 0.7:
        return random_type(depth + 1) + "[]"
    if choice < 0.85:
        return random_type(depth + 1) + "[%d]" % rng.randint(1, 3)
    return "(" + ",".join(random_type(depth + 1) for _ in range(rng.randint(1, 3))) + ")"


def split_top(inner):
    parts, depth, cur = [], 0, ""
    for c in inner:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if c == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += c
    parts.append(cur)
    return parts


def random_int(bits, signed):
    pick = rng.random()
    if signed:
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    else:
        lo, hi = 0, (1 << bits) - 1
    if pick < 0.2:
        return rng.choice([lo, hi, 0, 1 if hi >= 1 else 0, -1 if signed else hi])
    if pick < 0.5:
        return rng.randint(max(lo, -1000), min(hi, 1000))
    return rng.randint(lo, hi)


def random_string():
    alphabet = "abcxyz 0123,[]()\"'\\é€😀"
    return "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 5, 31, 32, 33, 70])))


def random_value(t):
    """Returns (python value for eth-abi, JSON value as Swift renders it)."""
    if t.endswith("]"):
        base, _, dim = t[:-1].rpartition("[")
        n = int(dim) if dim else rng.randint(0, 3)
        pairs = [random_value(base) for _ in range(n)]
        return [p for p, _ in pairs], [j for _, j in pairs]
    if t.startswith("("):
        pairs = [random_value(c) for c in split_top(t[1:-1])]
        return tuple(p for p, _ in pairs), [j for _, j in pairs]
    if t.startswith("uint"):
        v = random_int(int(t[4:]), False)
        return v, str(v)
    if t.startswith("int"):
        v = random_int(int(t[3:]), True)
        return v, str(v)
    if t == "address":
        a = to_checksum_address(bytes(rng.getrandbits(8) for _ in range(20)))
        return a, a
    if t == "bool":
        b = rng.random() < 0.5
        return b, b
    if t == "bytes":
        b = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 31, 32, 33, 64, 100])))
        return b, "0x" + b.hex()
    if t.startswith("bytes"):
        b = bytes(rng.getrandbits(8) for _ in range(int(t[5:])))
        return b, "0x" + b.hex()
    if t == "string":
        s = random_string()
        return s, s
    raise ValueError(t)


vectors = []
for _ in range(300):
    types = [random_type(1) for _ in range(rng.randint(0, 4))]
    pairs = [random_value(t) for t in types]
    encoded = encode(types, [p for p, _ in pairs])
    vectors.append({"types": types, "values": [j for _, j in pairs], "encoded": "0x" + encoded.hex()})

# Selectors of the signatures, as eth-utils computes them.
signatures = ["transfer(address,uint256)", "approve(address,uint256)", "balanceOf(address)",
              "getReserves()", "swapExactTokensForTokens(uint256,uint256,address[],address,uint256)",
              "aggregate3((address,bool,bytes)[])",
              "batchSwap(uint8,(bytes32,uint256,uint256,uint256,bytes)[],address[],(address,bool,address,bool),int256[],uint256)"]
selectors = {s: "0x" + keccak(text=s)[:4].hex() for s in signatures}

print(json.dumps({"generator": "eth-abi 6.0.0 via abi_vectors_gen.py", "selectors": selectors, "vectors": vectors},
                 indent=1, ensure_ascii=False))
