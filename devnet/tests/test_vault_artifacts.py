"""The vault's committed artifacts (ABI JSON and the Swift bytecode constant) match a fresh compile."""

import json

from devnet import vault_fixture


def test_abi_file_matches_the_source():
    assert json.loads(vault_fixture.VAULT_ABI_FILE.read_text()) == vault_fixture.vault_artifact().abi


def test_swift_bytecode_matches_the_source():
    expected = vault_fixture.swift_bytecode_source(vault_fixture.vault_artifact().bytecode)
    assert vault_fixture.VAULT_SWIFT_BYTECODE.read_text() == expected, (
        "Sources/Execution/Vault/RebalancingVaultBytecode.swift is stale: run `.venv/bin/python -m devnet.vault_fixture`")
