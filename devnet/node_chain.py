"""The devnet's chain: a py-evm mining chain (through eth-tester) plus the node behaviour a
JSON-RPC client expects from geth or anvil: a transaction pool with replacement, automine or
interval mining, EIP-1559 base fees, adjustable block time and snapshots.

Every public method must be called with `self.lock` held (the RPC dispatcher does this), so one
request sees and changes the chain atomically.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from eth.abc import BlockHeaderAPI, SignedTransactionAPI
from eth.constants import GENESIS_PARENT_HASH
from eth.exceptions import HeaderNotFound, Revert, TransactionNotFound
from eth.vm.spoof import SpoofTransaction
from eth_hash.auto import keccak
from eth_tester import EthereumTester, PyEVMBackend
from eth_utils import ValidationError, to_checksum_address

from . import CHAIN_ID, DEV_ACCOUNT_BALANCE_WEI, DEV_ACCOUNT_COUNT, DEV_HD_PATH, DEV_MNEMONIC
from .node_errors import EXECUTION_REVERTED, RpcError, invalid_params, server_error

ZERO_ADDRESS = b"\x00" * 20
BLOB_TX_TYPE = 3
REPLACEMENT_BUMP_PERCENT = 10  # geth's default price bump for replacing a pending transaction
DEFAULT_PRIORITY_FEE = 10**9  # 1 gwei, what eth_maxPriorityFeePerGas suggests
ERROR_STRING_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
MAX_NONCE = 2**64 - 1  # EIP-2681
MAX_TIMESTAMP = 2**64 - 1  # block timestamps are uint64 in every client


@dataclass
class PendingTx:
    tx: SignedTransactionAPI
    sender: bytes
    received: float = field(default_factory=time.time)


@dataclass
class Snapshot:
    head_hash: bytes
    pool: dict
    time_offset: int
    next_timestamp: int | None
    automine: bool


class DevChain:
    """The chain with its pool, mining mode and clock; see the module docstring."""

    def __init__(self, automine: bool = True):
        self.lock = threading.RLock()
        backend = PyEVMBackend.from_mnemonic(
            DEV_MNEMONIC,
            genesis_state_overrides={"balance": DEV_ACCOUNT_BALANCE_WEI},
            num_accounts=DEV_ACCOUNT_COUNT,
            hd_path=DEV_HD_PATH,
        )
        # eth-tester builds its chain class inside a factory, one class per chain, so setting the
        # class attribute changes only this chain's id (used by CHAINID and signature checks).
        type(backend.chain).chain_id = CHAIN_ID
        self.tester = EthereumTester(backend=backend, auto_mine_transactions=True)
        self.accounts: tuple[bytes, ...] = tuple(backend.get_accounts())
        self.automine = automine
        self.pool: dict[tuple[bytes, int], PendingTx] = {}
        self.time_offset = 0
        self.next_timestamp: int | None = None
        self.snapshots: dict[int, Snapshot] = {}
        self.next_snapshot_id = 1
        self._receipts_cache: dict[bytes, tuple] = {}
        # A stand-in private relay (devnet/relay.py) attaches its order flow here; the miner
        # drains it before the public pool, as a builder puts private order flow first.
        self.private = None

    # ----------------------------------------------------------------------------- chain access

    @property
    def chain(self):
        return self.tester.backend.chain

    @property
    def fork_name(self) -> str:
        return type(self.chain.get_vm()).fork

    def after_fixtures(self) -> None:
        """Drop whatever eth-tester left in its pending block so our mining starts clean."""
        self._reset_pending_header()

    def _reset_pending_header(self) -> None:
        head = self.chain.get_canonical_head()
        self.chain.header = self.chain.create_header_from_parent(head)

    def head(self) -> BlockHeaderAPI:
        return self.chain.get_canonical_head()

    def header_by_number(self, number: int) -> BlockHeaderAPI | None:
        if number < 0 or number > self.head().block_number:
            return None
        try:
            return self.chain.get_canonical_block_header_by_number(number)
        except HeaderNotFound:
            return None

    def header_by_hash(self, block_hash: bytes) -> BlockHeaderAPI | None:
        try:
            header = self.chain.get_block_header_by_hash(block_hash)
        except HeaderNotFound:
            return None
        canonical = self.header_by_number(header.block_number)
        if canonical is None or canonical.hash != header.hash:
            return None
        return header

    def block(self, header: BlockHeaderAPI):
        return self.chain.get_block_by_header(header)

    def pending_base_fee(self) -> int:
        return self.chain.create_header_from_parent(self.head()).base_fee_per_gas

    def state_at(self, header: BlockHeaderAPI):
        return self.chain.get_vm(at_header=header).state

    def receipts(self, block) -> tuple:
        cached = self._receipts_cache.get(block.hash)
        if cached is None:
            cached = tuple(block.get_receipts(self.chain.chaindb))
            if len(self._receipts_cache) > 4096:
                self._receipts_cache.clear()
            self._receipts_cache[block.hash] = cached
        return cached

    # ---------------------------------------------------------------------------- transactions

    def find_transaction(self, tx_hash: bytes):
        """Returns (tx, sender, block or None, index or None), or None if unknown."""
        for pending in self.pool.values():
            if pending.tx.hash == tx_hash:
                return pending.tx, pending.sender, None, None
        try:
            number, index = self.chain.chaindb.get_transaction_index(tx_hash)
        except TransactionNotFound:
            return None
        header = self.header_by_number(number)
        if header is None:
            return None  # lookup left behind by a block that evm_revert removed
        block = self.block(header)
        if index >= len(block.transactions) or block.transactions[index].hash != tx_hash:
            return None
        tx = block.transactions[index]
        return tx, tx.sender, block, index

    def pending_nonce(self, sender: bytes) -> int:
        nonce = self.state_at(self.head()).get_nonce(sender)
        while (sender, nonce) in self.pool:
            nonce += 1
        return nonce

    def send_raw_transaction(self, raw: bytes) -> bytes:
        tx, sender = self.decode_raw_transaction(raw)
        if self.find_transaction(tx.hash) is not None:
            raise server_error("already known")
        self.check_admissible(tx, sender)
        existing = self.pool.get((sender, tx.nonce))
        if existing is not None and not _is_sufficient_bump(existing.tx, tx):
            raise server_error("replacement transaction underpriced")

        self.pool[(sender, tx.nonce)] = PendingTx(tx=tx, sender=sender)
        if self.automine:
            self.mine_executable_one_per_block()
        return tx.hash

    def decode_raw_transaction(self, raw: bytes):
        """Signed bytes → (transaction, sender), refused as geth refuses them."""
        if not raw:
            raise invalid_params("invalid argument 0: empty transaction")
        if raw[0] == BLOB_TX_TYPE:
            raise server_error("transaction type not supported: blob transactions (type 3)")
        vm = self.chain.get_vm()
        try:
            tx = vm.get_transaction_builder().decode(raw)
        except Exception as error:  # rlp and py-evm raise many kinds for malformed bytes
            raise server_error(f"invalid transaction: {error}") from None
        try:
            tx.check_signature_validity()
            sender = tx.sender
        except Exception:
            raise server_error("invalid sender") from None
        if tx.chain_id is not None and tx.chain_id != CHAIN_ID:
            raise server_error(f"invalid chain id for signer: have {tx.chain_id} want {CHAIN_ID}")
        return tx, sender

    def check_admissible(self, tx, sender: bytes) -> None:
        """The pool's admission rules against the head's state: nonce, gas, fees, funds."""
        head = self.head()
        state = self.state_at(head)
        state_nonce = state.get_nonce(sender)
        if tx.nonce >= MAX_NONCE:
            raise server_error("nonce has max value")  # EIP-2681
        if tx.nonce < state_nonce:
            raise server_error(
                f"nonce too low: address {_hex_address(sender)}, tx: {tx.nonce} state: {state_nonce}"
            )
        if tx.gas < tx.intrinsic_gas:
            raise server_error(
                f"intrinsic gas too low: gas {tx.gas}, minimum needed {tx.intrinsic_gas}"
            )
        if tx.gas > head.gas_limit:
            raise server_error("exceeds block gas limit")
        if tx.max_priority_fee_per_gas > tx.max_fee_per_gas:
            raise server_error(
                "max priority fee per gas higher than max fee per gas: address "
                f"{_hex_address(sender)}, maxPriorityFeePerGas: {tx.max_priority_fee_per_gas}, "
                f"maxFeePerGas: {tx.max_fee_per_gas}"
            )
        base_fee = self.pending_base_fee()
        if tx.max_fee_per_gas < base_fee:
            raise server_error(
                f"max fee per gas less than block base fee: address {_hex_address(sender)}, "
                f"maxFeePerGas: {tx.max_fee_per_gas}, baseFee: {base_fee}"
            )
        balance = state.get_balance(sender)
        cost = tx.gas * tx.max_fee_per_gas + tx.value
        if balance < cost:
            raise server_error(
                f"insufficient funds for gas * price + value: address {_hex_address(sender)} "
                f"have {balance} want {cost}"
            )

    def send_transaction(self, call: dict) -> bytes:
        """eth_sendTransaction for the dev accounts: fill in the defaults, sign, send."""
        sender = call["from"]
        keys = {key.public_key.to_canonical_address(): key for key in self.tester.backend.account_keys}
        key = keys.get(sender)
        if key is None:
            raise server_error(f"unknown account {_hex_address(sender)}: only the dev accounts sign")
        fields = {
            "chainId": CHAIN_ID,
            "nonce": call.get("nonce", self.pending_nonce(sender)),
            "value": call.get("value", 0),
            "data": "0x" + call.get("data", b"").hex(),
        }
        if call.get("to"):
            fields["to"] = to_checksum_address(call["to"])
        if "gasPrice" in call:
            fields["gasPrice"] = call["gasPrice"]
            if call.get("accessList"):
                fields["accessList"] = _access_list_json(call["accessList"])
        else:
            tip = call.get("maxPriorityFeePerGas", DEFAULT_PRIORITY_FEE)
            fields["maxPriorityFeePerGas"] = tip
            fields["maxFeePerGas"] = call.get("maxFeePerGas", 2 * self.pending_base_fee() + tip)
            fields["accessList"] = _access_list_json(call.get("accessList") or ())
        fields["gas"] = call.get("gas") or self.estimate_gas(self.head(), call)
        from eth_account import Account

        signed = Account.sign_transaction(fields, key.to_bytes())
        return self.send_raw_transaction(bytes(signed.raw_transaction))

    # ---------------------------------------------------------------------------------- mining

    def _next_timestamp(self, parent: BlockHeaderAPI, explicit: int | None) -> int:
        wanted = explicit if explicit is not None else self.next_timestamp
        if wanted is not None:
            if wanted > MAX_TIMESTAMP:
                raise invalid_params(f"timestamp {wanted} does not fit in 64 bits")
            if wanted <= parent.timestamp:
                raise invalid_params(
                    f"timestamp {wanted} is not after the latest block's timestamp {parent.timestamp}"
                )
            self.next_timestamp = None
            # Later blocks continue from the chosen time, as in hardhat and anvil.
            self.time_offset = wanted - int(time.time())
            return wanted
        timestamp = max(int(time.time()) + self.time_offset, parent.timestamp + 1)
        if timestamp > MAX_TIMESTAMP:
            raise server_error("block timestamp would not fit in 64 bits; revert or restart")
        return timestamp

    def _executable_candidates(self, nonces: dict[bytes, int], state) -> list[PendingTx]:
        candidates = []
        for sender in {key[0] for key in self.pool}:
            if sender not in nonces:
                nonces[sender] = state.get_nonce(sender)
            pending = self.pool.get((sender, nonces[sender]))
            if pending is not None:
                candidates.append(pending)
        return candidates

    def _drop_stale(self, state) -> None:
        for key in [k for k in self.pool if k[1] < state.get_nonce(k[0])]:
            del self.pool[key]

    def has_executable(self) -> bool:
        state = self.state_at(self.head())
        self._drop_stale(state)
        if self.private is not None and self.private.has_ready(self):
            return True
        base_fee = self.pending_base_fee()
        return any(
            p.tx.max_fee_per_gas >= base_fee for p in self._executable_candidates({}, state)
        )

    def mine_block(self, timestamp: int | None = None, max_txs: int | None = None):
        """Mines one block with the pool's executable transactions (best tip first per round,
        each sender's nonces in order); returns the mined block."""
        chain = self.chain
        parent = chain.get_canonical_head()
        ts = self._next_timestamp(parent, timestamp)
        chain.header = chain.create_header_from_parent(parent, timestamp=ts)
        base_fee = chain.header.base_fee_per_gas
        self._drop_stale(self.state_at(parent))

        nonces: dict[bytes, int] = {}
        skipped: set[bytes] = set()
        included = 0
        if self.private is not None:
            included += self.private.fill_block(self, max_txs)
        while max_txs is None or included < max_txs:
            state = chain.get_vm().state
            candidates = [
                p
                for p in self._executable_candidates(nonces, state)
                if p.sender not in skipped
                and p.tx.max_fee_per_gas >= base_fee
                and p.tx.gas <= chain.header.gas_limit - chain.header.gas_used
            ]
            if not candidates:
                break
            best = max(candidates, key=lambda p: (_effective_tip(p.tx, base_fee), -p.received))
            key = (best.sender, best.tx.nonce)
            try:
                chain.apply_transaction(best.tx)
            except ValidationError:
                # It became invalid (e.g. an earlier transaction spent the funds): drop it, as a
                # node drops a transaction that can no longer pay for itself.
                del self.pool[key]
                skipped.add(best.sender)
                continue
            del self.pool[key]
            nonces[best.sender] = best.tx.nonce + 1
            included += 1

        # prevrandao: deterministic per parent so reruns of a script see the same values.
        return chain.mine_block(
            coinbase=ZERO_ADDRESS,
            mix_hash=keccak(b"devnet-prevrandao" + parent.hash),
            blob_gas_used=0,
        )

    def mine_executable_one_per_block(self) -> None:
        """Automine: every executable pool transaction gets its own block."""
        while self.has_executable():
            self.mine_block(max_txs=1)

    # ------------------------------------------------------------------------------ execution

    def _call_context(self, header: BlockHeaderAPI, call: dict, overrides: dict | None,
                      cap_gas_by_balance: bool = False):
        """Builds (state, spoofed tx) for eth_call / eth_estimateGas at `header`'s state.
        With `cap_gas_by_balance` (estimation), a priced call's gas is lowered to what the
        sender can pay for, as geth does, instead of failing for lack of funds."""
        priced = any(call.get(k) for k in ("gasPrice", "maxFeePerGas", "maxPriorityFeePerGas"))
        exec_header = header if priced else header.copy(base_fee_per_gas=0)
        vm = self.chain.get_vm(at_header=exec_header)
        state = vm.state
        if overrides:
            _apply_state_overrides(state, overrides)
        sender = call.get("from") or ZERO_ADDRESS
        gas = min(call.get("gas") or header.gas_limit, header.gas_limit)
        to = call.get("to") or b""
        value = call.get("value") or 0
        data = call.get("data") or b""
        nonce = state.get_nonce(sender)
        price = call.get("gasPrice") or call.get("maxFeePerGas") or 0
        have = state.get_balance(sender)
        if cap_gas_by_balance and price and have >= value:
            allowance = (have - value) // price
            if allowance < gas:
                gas = allowance
        want = gas * price + value
        if have < want:
            raise server_error(
                f"insufficient funds for gas * price + value: address {_hex_address(sender)} "
                f"have {have} want {want}"
            )
        builder = vm.get_transaction_builder()
        if "maxFeePerGas" in call or "maxPriorityFeePerGas" in call:
            tip = call.get("maxPriorityFeePerGas")
            max_fee = call.get("maxFeePerGas")
            if tip is None:
                tip = min(DEFAULT_PRIORITY_FEE, max_fee)
            if max_fee is None:
                max_fee = exec_header.base_fee_per_gas * 2 + tip
            unsigned = builder.new_unsigned_dynamic_fee_transaction(
                chain_id=CHAIN_ID, nonce=nonce, max_priority_fee_per_gas=tip,
                max_fee_per_gas=max_fee, gas=gas, to=to, value=value, data=data,
                access_list=call.get("accessList") or (),
            )
        elif call.get("accessList"):
            unsigned = builder.new_unsigned_access_list_transaction(
                chain_id=CHAIN_ID, nonce=nonce, gas_price=call.get("gasPrice") or 0, gas=gas,
                to=to, value=value, data=data, access_list=call["accessList"],
            )
        else:
            unsigned = vm.create_unsigned_transaction(
                nonce=nonce, gas_price=call.get("gasPrice") or 0, gas=gas, to=to, value=value,
                data=data,
            )
        return state, SpoofTransaction(unsigned, from_=sender)

    @staticmethod
    def _execute(state, tx):
        snapshot = state.snapshot()
        try:
            return state.apply_transaction(tx)
        except ValidationError as error:
            message = str(error)
            if "balance" in message or "afford" in message or "insufficient funds" in message:
                # py-evm's wording differs from geth's, and clients match geth's
                message = f"insufficient funds for gas * price + value: {message}"
            raise server_error(message) from None
        finally:
            state.revert(snapshot)

    def call(self, header: BlockHeaderAPI, call: dict, overrides: dict | None = None) -> bytes:
        state, tx = self._call_context(header, call, overrides)
        computation = self._execute(state, tx)
        if computation.is_error:
            raise _execution_error(computation)
        return computation.output

    def estimate_gas(self, header: BlockHeaderAPI, call: dict, overrides: dict | None = None) -> int:
        state, tx = self._call_context(
            header, dict(call, gas=min(call.get("gas") or header.gas_limit, header.gas_limit)),
            overrides, cap_gas_by_balance=True,
        )
        cap = tx.gas
        if cap < tx.intrinsic_gas:
            raise server_error(f"gas required exceeds allowance ({cap})")
        computation = self._execute(state, tx)
        if computation.is_error:
            if isinstance(computation.error, Revert):
                raise _execution_error(computation)
            raise server_error(f"gas required exceeds allowance ({cap})")

        def succeeds(gas: int) -> bool:
            try:
                return not self._execute(state, tx.copy(gas=gas)).is_error
            except RpcError:
                return False

        # The computation's gas excludes the intrinsic gas. Binary search like geth: below the
        # gas used it cannot succeed; stop within 1.5 %.
        used = tx.intrinsic_gas + computation.get_gas_used()
        if used == tx.intrinsic_gas and succeeds(tx.intrinsic_gas):
            return tx.intrinsic_gas  # a plain transfer: exactly 21000, as geth answers
        low = used - 1
        high = cap
        optimistic = (used + computation.get_gas_refund() + 2300) * 64 // 63
        if optimistic < high:
            if succeeds(optimistic):
                high = optimistic
            else:
                low = optimistic
        while high - low > 1 and (high - low) * 1000 > high * 15:
            mid = (low + high) // 2
            if succeeds(mid):
                high = mid
            else:
                low = mid
        return high

    # ------------------------------------------------------------------------ time, snapshots

    def increase_time(self, seconds: int) -> int:
        if seconds < 0:
            raise invalid_params("invalid argument 0: time increase must not be negative")
        if int(time.time()) + self.time_offset + seconds > MAX_TIMESTAMP:
            raise invalid_params("invalid argument 0: the clock would pass 64 bits")
        self.time_offset += seconds
        return self.time_offset

    def set_next_block_timestamp(self, timestamp: int) -> None:
        if timestamp > MAX_TIMESTAMP:
            raise invalid_params(f"invalid argument 0: timestamp {timestamp} does not fit in 64 bits")
        head = self.head()
        if timestamp <= head.timestamp:
            raise invalid_params(
                f"timestamp {timestamp} is not after the latest block's timestamp {head.timestamp}"
            )
        self.next_timestamp = timestamp

    def snapshot(self) -> int:
        snapshot_id = self.next_snapshot_id
        self.next_snapshot_id += 1
        self.snapshots[snapshot_id] = Snapshot(
            head_hash=self.head().hash,
            pool=dict(self.pool),
            time_offset=self.time_offset,
            next_timestamp=self.next_timestamp,
            automine=self.automine,
        )
        return snapshot_id

    def revert(self, snapshot_id: int) -> bool:
        snap = self.snapshots.get(snapshot_id)
        if snap is None:
            return False
        # A revert consumes its snapshot and every later one (hardhat/ganache semantics).
        for later in [i for i in self.snapshots if i >= snapshot_id]:
            del self.snapshots[later]
        header = self.chain.get_block_header_by_hash(snap.head_hash)
        chaindb = self.chain.chaindb
        chaindb._set_as_canonical_chain_head(chaindb.db, header, GENESIS_PARENT_HASH)
        self._reset_pending_header()
        self.pool = snap.pool
        self.time_offset = snap.time_offset
        self.next_timestamp = snap.next_timestamp
        self.automine = snap.automine
        return True


# -------------------------------------------------------------------------------------- helpers

def _hex_address(address: bytes) -> str:
    return "0x" + address.hex()


def _access_list_json(access_list) -> list:
    return [
        {"address": to_checksum_address(address), "storageKeys": ["0x" + k.to_bytes(32, "big").hex() for k in keys]}
        for address, keys in access_list
    ]


def _effective_tip(tx, base_fee: int) -> int:
    return min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - base_fee)


def effective_gas_price(tx, base_fee: int) -> int:
    return min(tx.max_fee_per_gas, base_fee + tx.max_priority_fee_per_gas)


def _is_sufficient_bump(old, new) -> bool:
    factor = 100 + REPLACEMENT_BUMP_PERCENT
    return (
        new.max_fee_per_gas * 100 >= old.max_fee_per_gas * factor
        and new.max_priority_fee_per_gas * 100 >= old.max_priority_fee_per_gas * factor
    )


def _execution_error(computation) -> RpcError:
    error = computation.error
    if isinstance(error, Revert):
        data = error.args[0] if error.args and isinstance(error.args[0], bytes) else computation.output
        message = "execution reverted"
        reason = decode_revert_reason(data)
        if reason is not None:
            message += f": {reason}"
        return RpcError(EXECUTION_REVERTED, message, "0x" + data.hex())
    return server_error(str(error) or type(error).__name__)


def decode_revert_reason(data: bytes) -> str | None:
    """The message of an `Error(string)` revert, or None for anything else."""
    if len(data) < 68 or data[:4] != ERROR_STRING_SELECTOR:
        return None
    offset = int.from_bytes(data[4:36], "big")
    start = 4 + offset
    if offset != 32 or len(data) < start + 32:
        return None
    length = int.from_bytes(data[start:start + 32], "big")
    raw = data[start + 32:start + 32 + length]
    if len(raw) != length:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _apply_state_overrides(state, overrides: dict) -> None:
    """geth's eth_call state override set: balance, nonce, code, state (replace), stateDiff."""
    for address, override in overrides.items():
        if "balance" in override:
            state.set_balance(address, override["balance"])
        if "nonce" in override:
            state.set_nonce(address, override["nonce"])
        if "code" in override:
            state.set_code(address, override["code"])
        if "state" in override:
            state.delete_storage(address)
            for slot, value in override["state"].items():
                state.set_storage(address, slot, value)
        if "stateDiff" in override:
            for slot, value in override["stateDiff"].items():
                state.set_storage(address, slot, value)
