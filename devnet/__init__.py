"""Local devnet for the Rebalancer: a real EVM (py-evm through eth-tester) served as standard
Ethereum JSON-RPC 2.0 over HTTP on 127.0.0.1. Run it with `python -m devnet` or `scripts/devnet`."""

CHAIN_ID = 31337
DEFAULT_PORT = 8545

# The well-known anvil/hardhat development mnemonic. Public devnet key material, not a secret:
# every account derived from it is published and must never hold real funds.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_HD_PATH = "m/44'/60'/0'/0"
DEV_ACCOUNT_COUNT = 10
DEV_ACCOUNT_BALANCE_WEI = 10_000 * 10**18
