"""The project's Vyper contracts: compile (cached), and call them on an eth-tester chain.

Sources live in `abi/contracts/`: files starting with an upper-case letter are contracts, lower-case
files are modules they import (safe token transfers). Other protocols' contracts are not compiled
here: the devnet runs their real build artifacts (devnet/vendored.py). Compiling every contract takes tens of
seconds, so the artifacts (ABI, deploy bytecode) are cached in
`.build-devnet/` (gitignored) under a key made of the vyper version and the hash of every source
file: any edit or a different compiler recompiles, otherwise the devnet starts from the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address

REPO_ROOT = Path(__file__).resolve().parent.parent
CONTRACTS_DIR = REPO_ROOT / "abi" / "contracts"
ABI_DIR = REPO_ROOT / "abi"
BUILD_DIR = REPO_ROOT / ".build-devnet"

# Contracts whose ABI the Swift client uses, written to abi/<file>.json (see write_abi_files).
CLIENT_ABIS = {
    "ERC20": "ERC20",
    "TetherToken": "TetherToken",
    "WETH9": "WETH9",
    "PriceFeed": "PriceFeed",
}

DEFAULT_GAS = 12_000_000


class ContractError(Exception):
    """A contract call or transaction failed; the message names the contract and function."""


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict]
    bytecode: bytes  # deploy (init) code


def _source_files() -> list[Path]:
    return sorted(CONTRACTS_DIR.glob("*.vy"))


def contract_names() -> list[str]:
    return [p.stem for p in _source_files() if p.stem[:1].isupper()]


def _cache_key() -> str:
    import vyper

    digest = hashlib.sha256()
    digest.update(f"vyper {vyper.__version__}\n".encode())
    for path in _source_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def _compile(name: str, source: str | None = None) -> dict:
    import vyper
    from vyper.compiler.input_bundle import FilesystemInputBundle

    path = CONTRACTS_DIR / f"{name}.vy"
    out = vyper.compile_code(
        source if source is not None else path.read_text(),
        contract_path=path.name,
        input_bundle=FilesystemInputBundle([CONTRACTS_DIR]),
        output_formats=["abi", "bytecode"],
    )
    return {"abi": out["abi"], "bytecode": out["bytecode"]}


def compile_all(force: bool = False) -> dict[str, Artifact]:
    """Every contract's artifact, from the cache when the sources and vyper are unchanged."""
    key = _cache_key()
    cache = BUILD_DIR / f"artifacts-{key}.json"
    data: dict | None = None
    if cache.exists() and not force:
        try:
            data = json.loads(cache.read_text())
        except (OSError, json.JSONDecodeError):
            data = None
    if data is None:
        data = {name: _compile(name) for name in contract_names()}
        BUILD_DIR.mkdir(exist_ok=True)
        # write atomically: several devnet processes may start at once
        fd, tmp = tempfile.mkstemp(dir=BUILD_DIR, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)
        os.replace(tmp, cache)
        for stale in BUILD_DIR.glob("artifacts-*.json"):  # older sources or compiler
            if stale != cache:
                stale.unlink(missing_ok=True)
    return {
        name: Artifact(
            name=name,
            abi=entry["abi"],
            bytecode=bytes.fromhex(entry["bytecode"].removeprefix("0x")),
        )
        for name, entry in data.items()
    }


def compile_source(name: str, source: str) -> Artifact:
    """Compile an extra contract (e.g. a test harness) that may import the modules in abi/contracts;
    cached like the others."""
    key = hashlib.sha256((_cache_key() + "\0" + name + "\0" + source).encode()).hexdigest()[:24]
    cache = BUILD_DIR / f"extra-{name}-{key}.json"
    try:
        entry = json.loads(cache.read_text())
    except (OSError, json.JSONDecodeError):
        entry = _compile(name, source)
        BUILD_DIR.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=BUILD_DIR, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            json.dump(entry, f)
        os.replace(tmp, cache)
    return Artifact(name=name, abi=entry["abi"], bytecode=bytes.fromhex(entry["bytecode"].removeprefix("0x")))


def write_abi_files(artifacts: dict[str, Artifact] | None = None) -> list[Path]:
    """Write abi/<Name>.json for the contracts the client talks to (committed to the repo)."""
    artifacts = artifacts or compile_all()
    written = []
    for contract, file_name in CLIENT_ABIS.items():
        if contract not in artifacts:
            continue
        path = ABI_DIR / f"{file_name}.json"
        path.write_text(json.dumps(artifacts[contract].abi, indent=2) + "\n")
        written.append(path)
    return written


# ----------------------------------------------------------------------------- ABI helpers


def _abi_type(entry: dict) -> str:
    """Canonical ABI type of a parameter, tuples expanded: (address,bool,bytes)[]."""
    t = entry["type"]
    if t.startswith("tuple"):
        return "(" + ",".join(_abi_type(c) for c in entry["components"]) + ")" + t[len("tuple"):]
    return t


def _to_checksummed(value: Any, entry: dict) -> Any:
    """Decoded values with addresses checksummed, recursively through tuples and arrays."""
    t = entry["type"]
    if t.endswith("]"):
        inner = dict(entry, type=t[: t.rindex("[")])
        return [_to_checksummed(v, inner) for v in value]
    if t == "address":
        return to_checksum_address(value)
    if t == "tuple":
        return tuple(_to_checksummed(v, c) for v, c in zip(value, entry["components"]))
    return value


class Contract:
    """A deployed contract on an eth-tester chain, called by function name with Python values."""

    def __init__(self, tester, address: str, artifact: Artifact):
        self.tester = tester
        self.address = to_checksum_address(address)
        self.artifact = artifact
        self._functions: dict[str, dict] = {}
        for entry in artifact.abi:
            if entry.get("type") == "function":
                self._functions.setdefault(entry["name"], entry)

    def _function(self, name: str) -> dict:
        entry = self._functions.get(name)
        if entry is None:
            raise ContractError(f"{self.artifact.name}: no function {name!r}")
        return entry

    def encode(self, name: str, *args) -> bytes:
        entry = self._function(name)
        types = [_abi_type(i) for i in entry["inputs"]]
        selector = function_signature_to_4byte_selector(f"{name}({','.join(types)})")
        return selector + abi_encode(types, list(args))

    def decode(self, name: str, data: bytes) -> Any:
        entry = self._function(name)
        outputs = entry["outputs"]
        if not outputs:
            return None
        values = abi_decode([_abi_type(o) for o in outputs], data)
        values = [_to_checksummed(v, o) for v, o in zip(values, outputs)]
        return values[0] if len(values) == 1 else tuple(values)

    def call(self, name: str, *args, sender: str | None = None, value: int = 0) -> Any:
        """eth_call at the latest block; raises ContractError on revert."""
        tx = {"from": sender or self.tester.get_accounts()[0], "to": self.address, "data": "0x" + self.encode(name, *args).hex(),
              "gas": DEFAULT_GAS * 2}
        if value:
            tx["value"] = value
        try:
            raw = self.tester.call(tx)
        except Exception as exc:  # eth-tester raises TransactionFailed and friends
            raise ContractError(f"{self.artifact.name}.{name}: {exc}") from exc
        return self.decode(name, bytes.fromhex(raw.removeprefix("0x")) if isinstance(raw, str) else raw)

    def transact(self, name: str, *args, sender: str, value: int = 0, gas: int = DEFAULT_GAS) -> dict:
        """Send and mine a transaction; returns the receipt; raises ContractError on revert."""
        return send(self.tester, sender, self.address, self.encode(name, *args), value=value, gas=gas,
                    what=f"{self.artifact.name}.{name}")


def send(tester, sender: str, to: str | None, data: bytes, value: int = 0, gas: int = DEFAULT_GAS,
         what: str = "transaction") -> dict:
    tx: dict = {"from": sender, "data": "0x" + data.hex(), "gas": gas}
    if to is not None:
        tx["to"] = to
    if value:
        tx["value"] = value
    try:
        tx_hash = tester.send_transaction(tx)
    except Exception as exc:
        raise ContractError(f"{what}: {exc}") from exc
    receipt = tester.get_transaction_receipt(tx_hash)
    if receipt["status"] != 1:
        reason = "transaction reverted"
        try:  # replay on the parent state to recover the revert reason
            tester.call(tx, receipt["block_number"] - 1)
        except Exception as exc:
            reason = str(exc) or reason
        raise ContractError(f"{what}: {reason}")
    return receipt


def deploy(tester, artifact: Artifact, *args, sender: str) -> Contract:
    """Deploy `artifact`, its constructor arguments ABI-encoded."""
    ctor = next((e for e in artifact.abi if e.get("type") == "constructor"), None)
    types = [_abi_type(i) for i in ctor["inputs"]] if ctor else []
    code = artifact.bytecode + (abi_encode(types, list(args)) if types else b"")
    receipt = send(tester, sender, None, code, what=f"deploy {artifact.name}")
    return Contract(tester, receipt["contract_address"], artifact)
