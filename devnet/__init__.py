"""Local devnet for the Rebalancer: a real EVM (py-evm through eth-tester, Prague rules) served as
standard Ethereum JSON-RPC 2.0 over HTTP/1.1 on 127.0.0.1, chain id 31337.

Run: `scripts/devnet [--port P] [--bare] [--block-time S]` (foreground) or
`scripts/devnet-start [--port P] [--bare] [--log FILE]` (background, waits until it answers).
Stdout carries one line, `devnet ready at http://127.0.0.1:PORT`; everything else goes
to stderr. SIGTERM or SIGINT stops it cleanly (exit 0).

Accounts: the ten anvil/hardhat dev accounts of the mnemonic below, 10000 ETH each.
Mining: automine (one block per transaction) unless `--block-time S`; `evm_setAutomine(false)`
keeps sent transactions pending until `evm_mine`. EIP-1559 base fee from 1 gwei at genesis.

Methods (geth's shapes and error codes):
  web3_clientVersion web3_sha3 net_version net_listening net_peerCount
  eth_chainId eth_syncing eth_mining eth_accounts eth_blockNumber eth_getBlockByNumber
  eth_getBlockByHash eth_getBlockTransactionCountByNumber eth_getBlockReceipts eth_getBalance
  eth_getCode eth_getStorageAt eth_getTransactionCount eth_call (with geth's state override set)
  eth_estimateGas eth_gasPrice eth_maxPriorityFeePerGas eth_feeHistory eth_sendRawTransaction
  eth_sendTransaction (dev accounts only) eth_getTransactionByHash eth_getTransactionReceipt
  eth_getLogs
  evm_mine evm_setAutomine evm_snapshot evm_revert evm_increaseTime evm_setNextBlockTimestamp
  anvil_mine hardhat_mine
Private relay: the same process serves a stand-in private relay (Flashbots Protect / relay and
MEV Blocker APIs, devnet/relay.py) whose order flow the miner takes first, on `--relay-port R`
(default: a free port; `--no-relay` for none); stdout's second line is
`relay ready at http://127.0.0.1:R`, and the node's `devnet_relayUrl` method answers that URL.
Errors: 3 "execution reverted[: reason]" with the revert bytes in `data`; -32000 for pool and
execution rejections ("nonce too low", "insufficient funds for gas * price + value",
"replacement transaction underpriced", "already known", ...); -32601, -32602, -32600, -32700.
"""

CHAIN_ID = 31337
DEFAULT_PORT = 8545

# The well-known anvil/hardhat development mnemonic. Public devnet key material, not a secret:
# every account derived from it is published and must never hold real funds.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_HD_PATH = "m/44'/60'/0'/0"
DEV_ACCOUNT_COUNT = 10
DEV_ACCOUNT_BALANCE_WEI = 10_000 * 10**18
