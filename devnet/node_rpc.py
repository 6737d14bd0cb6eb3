"""JSON-RPC 2.0 dispatch for the devnet: parameter parsing, the `eth_`/`net_`/`web3_`/`evm_`
methods, and the geth-shaped JSON of blocks, transactions, receipts and logs."""

from __future__ import annotations

import json
import sys
from importlib import metadata

import rlp
from eth._utils.address import generate_contract_address

from . import CHAIN_ID
from .node_chain import DEFAULT_PRIORITY_FEE, DevChain, effective_gas_price
from .node_errors import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    RpcError,
    invalid_params,
    server_error,
)

MAX_LOG_BLOCK_RANGE = 100_000
MAX_FEE_HISTORY_BLOCKS = 1024
# py-evm raises Python's recursion limit to 100000 for deep EVM call stacks, so a deeply nested
# JSON body could overflow a thread's C stack inside the parser instead of raising; refuse it.
MAX_JSON_DEPTH = 64

# ------------------------------------------------------------------------------------ encoding


def qty(value: int) -> str:
    return hex(value)


def data_hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def address_hex(value: bytes) -> str | None:
    return None if not value else "0x" + bytes(value).hex()


def word_hex(value: int | bytes) -> str:
    if isinstance(value, int):
        value = value.to_bytes(32, "big")
    return "0x" + bytes(value).rjust(32, b"\x00").hex()


# ------------------------------------------------------------------------------------ decoding


def parse_quantity(value, what: str) -> int:
    if isinstance(value, bool):
        raise invalid_params(f"invalid argument {what}: expected a hex quantity, got a boolean")
    if isinstance(value, int):
        if value < 0:
            raise invalid_params(f"invalid argument {what}: negative number")
        if value >= 2**256:
            raise invalid_params(f"invalid argument {what}: number > 256 bits")
        return value
    if not isinstance(value, str):
        raise invalid_params(f"invalid argument {what}: expected a hex quantity")
    if not value.startswith(("0x", "0X")):
        raise invalid_params(f"invalid argument {what}: hex string without 0x prefix")
    digits = value[2:]
    if not digits:
        raise invalid_params(f"invalid argument {what}: hex string \"0x\"")
    if len(digits) > 64:
        raise invalid_params(f"invalid argument {what}: hex number > 256 bits")
    try:
        return int(digits, 16)
    except ValueError:
        raise invalid_params(f"invalid argument {what}: invalid hex string") from None


def parse_data(value, what: str, length: int | None = None) -> bytes:
    if not isinstance(value, str):
        raise invalid_params(f"invalid argument {what}: expected a hex string")
    if not value.startswith(("0x", "0X")):
        raise invalid_params(f"invalid argument {what}: hex string without 0x prefix")
    digits = value[2:]
    if len(digits) % 2:
        raise invalid_params(f"invalid argument {what}: hex string of odd length")
    try:
        raw = bytes.fromhex(digits)
    except ValueError:
        raise invalid_params(f"invalid argument {what}: invalid hex string") from None
    if length is not None and len(raw) != length:
        raise invalid_params(f"invalid argument {what}: expected {length} bytes, got {len(raw)}")
    return raw


def parse_address(value, what: str) -> bytes:
    return parse_data(value, what, 20)


def parse_hash(value, what: str) -> bytes:
    return parse_data(value, what, 32)


def parse_slot(value, what: str) -> int:
    """Storage keys arrive as 32-byte words or as quantities; both mean the same slot."""
    if isinstance(value, str) and len(value) == 66:
        return int.from_bytes(parse_data(value, what, 32), "big")
    return parse_quantity(value, what)


def parse_bool(value, what: str) -> bool:
    if not isinstance(value, bool):
        raise invalid_params(f"invalid argument {what}: expected a boolean")
    return value


def param(params: list, index: int, required: bool = True, default=None):
    if index < len(params) and params[index] is not None:
        return params[index]
    if required:
        raise invalid_params(f"missing value for required argument {index}")
    return default


# ----------------------------------------------------------------------------------- the node


class Node:
    """Maps JSON-RPC requests onto a DevChain; every call holds the chain's lock."""

    def __init__(self, chain: DevChain):
        self.chain = chain
        self.methods = {
            "web3_clientVersion": self.web3_client_version,
            "web3_sha3": self.web3_sha3,
            "net_version": lambda p: str(CHAIN_ID),
            "net_listening": lambda p: True,
            "net_peerCount": lambda p: qty(0),
            "eth_chainId": lambda p: qty(CHAIN_ID),
            "eth_syncing": lambda p: False,
            "eth_mining": lambda p: True,
            "eth_accounts": lambda p: [address_hex(a) for a in self.chain.accounts],
            "eth_blockNumber": lambda p: qty(self.chain.head().block_number),
            "eth_getBlockByNumber": self.eth_get_block_by_number,
            "eth_getBlockByHash": self.eth_get_block_by_hash,
            "eth_getBlockTransactionCountByNumber": self.eth_get_block_tx_count_by_number,
            "eth_getBalance": self.eth_get_balance,
            "eth_getCode": self.eth_get_code,
            "eth_getStorageAt": self.eth_get_storage_at,
            "eth_getTransactionCount": self.eth_get_transaction_count,
            "eth_call": self.eth_call,
            "eth_estimateGas": self.eth_estimate_gas,
            "eth_gasPrice": lambda p: qty(self.chain.pending_base_fee() + DEFAULT_PRIORITY_FEE),
            "eth_maxPriorityFeePerGas": lambda p: qty(DEFAULT_PRIORITY_FEE),
            "eth_feeHistory": self.eth_fee_history,
            "eth_sendRawTransaction": self.eth_send_raw_transaction,
            "eth_sendTransaction": self.eth_send_transaction,
            "eth_getBlockReceipts": self.eth_get_block_receipts,
            "eth_getTransactionByHash": self.eth_get_transaction_by_hash,
            "eth_getTransactionReceipt": self.eth_get_transaction_receipt,
            "eth_getLogs": self.eth_get_logs,
            "evm_mine": self.evm_mine,
            "anvil_mine": self.anvil_mine,
            "hardhat_mine": self.anvil_mine,
            "evm_setAutomine": self.evm_set_automine,
            "evm_snapshot": lambda p: qty(self.chain.snapshot()),
            "evm_revert": self.evm_revert,
            "evm_increaseTime": self.evm_increase_time,
            "evm_setNextBlockTimestamp": self.evm_set_next_block_timestamp,
        }

    # ----------------------------------------------------------------------- request handling

    def handle_body(self, body: bytes) -> bytes | None:
        """One HTTP body in, one HTTP body out (None: only notifications, nothing to send)."""
        try:
            if _nesting_depth(body) > MAX_JSON_DEPTH:
                raise ValueError("JSON nested too deeply")
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _dump(_error_response(None, RpcError(PARSE_ERROR, "parse error")))
        if isinstance(request, list):
            if not request:
                return _dump(_error_response(None, RpcError(INVALID_REQUEST, "empty batch")))
            responses = [r for r in (self.handle_one(m) for m in request) if r is not None]
            return _dump(responses) if responses else None
        response = self.handle_one(request)
        return None if response is None else _dump(response)

    def handle_one(self, request) -> dict | None:
        if not isinstance(request, dict):
            return _error_response(None, RpcError(INVALID_REQUEST, "invalid request"))
        request_id = request.get("id")
        is_notification = "id" not in request
        method = request.get("method")
        params = request.get("params", [])
        if request.get("jsonrpc") != "2.0" or not isinstance(method, str):
            return _error_response(request_id, RpcError(INVALID_REQUEST, "invalid request"))
        if params is None:
            params = []
        if not isinstance(params, list):
            return _error_response(
                request_id, invalid_params("invalid params: expected a positional array")
            )
        handler = self.methods.get(method)
        if handler is None:
            response = _error_response(
                request_id,
                RpcError(METHOD_NOT_FOUND, f"the method {method} does not exist/is not available"),
            )
        else:
            try:
                with self.chain.lock:
                    result = handler(params)
                response = {"jsonrpc": "2.0", "id": request_id, "result": result}
            except RpcError as error:
                response = _error_response(request_id, error)
            except Exception as error:  # a bug here must not kill the connection
                print(f"devnet: internal error in {method}: {error!r}", file=sys.stderr)
                response = _error_response(
                    request_id, RpcError(INTERNAL_ERROR, f"internal error: {error}")
                )
        return None if is_notification else response

    # ------------------------------------------------------------------------- block selection

    def resolve_block_number(self, value, what: str) -> int | None:
        """A block tag, number or EIP-1898 object → a canonical block number (None if absent)."""
        head = self.chain.head().block_number
        if isinstance(value, dict):
            if "blockHash" in value:
                header = self.chain.header_by_hash(parse_hash(value["blockHash"], what))
                if header is None:
                    raise server_error("header for hash not found")
                return header.block_number
            if "blockNumber" in value:
                value = value["blockNumber"]
            else:
                raise invalid_params(f"invalid argument {what}: expected blockHash or blockNumber")
        if value is None or value in ("latest", "pending", "safe", "finalized"):
            return head
        if value == "earliest":
            return 0
        number = parse_quantity(value, what)
        return number if number <= head else None

    def header_for(self, value, what: str):
        number = self.resolve_block_number(value, what)
        header = None if number is None else self.chain.header_by_number(number)
        if header is None:
            raise server_error("header not found")
        return header

    # --------------------------------------------------------------------------------- methods

    def web3_client_version(self, params):
        return (
            f"rebalancer-devnet/v0.1.0/py-evm-{metadata.version('py-evm')}-{self.chain.fork_name}"
            f"/python{sys.version_info.major}.{sys.version_info.minor}"
        )

    def web3_sha3(self, params):
        from eth_hash.auto import keccak

        return data_hex(keccak(parse_data(param(params, 0), "0")))

    def eth_get_block_by_number(self, params):
        tag = param(params, 0)
        full = parse_bool(param(params, 1, required=False, default=False), "1")
        if tag == "pending":
            return self.serialize_pending_block(full)
        number = self.resolve_block_number(tag, "0")
        header = None if number is None else self.chain.header_by_number(number)
        return None if header is None else self.serialize_block(self.chain.block(header), full)

    def eth_get_block_by_hash(self, params):
        block_hash = parse_hash(param(params, 0), "0")
        full = parse_bool(param(params, 1, required=False, default=False), "1")
        header = self.chain.header_by_hash(block_hash)
        return None if header is None else self.serialize_block(self.chain.block(header), full)

    def eth_get_block_tx_count_by_number(self, params):
        number = self.resolve_block_number(param(params, 0), "0")
        header = None if number is None else self.chain.header_by_number(number)
        return None if header is None else qty(len(self.chain.block(header).transactions))

    def eth_get_balance(self, params):
        address = parse_address(param(params, 0), "0")
        header = self.header_for(param(params, 1, required=False, default="latest"), "1")
        return qty(self.chain.state_at(header).get_balance(address))

    def eth_get_code(self, params):
        address = parse_address(param(params, 0), "0")
        header = self.header_for(param(params, 1, required=False, default="latest"), "1")
        return data_hex(self.chain.state_at(header).get_code(address))

    def eth_get_storage_at(self, params):
        address = parse_address(param(params, 0), "0")
        slot = parse_slot(param(params, 1), "1")
        header = self.header_for(param(params, 2, required=False, default="latest"), "2")
        return word_hex(self.chain.state_at(header).get_storage(address, slot))

    def eth_get_transaction_count(self, params):
        address = parse_address(param(params, 0), "0")
        tag = param(params, 1, required=False, default="latest")
        if tag == "pending":
            return qty(self.chain.pending_nonce(address))
        header = self.header_for(tag, "1")
        return qty(self.chain.state_at(header).get_nonce(address))

    def parse_call(self, value, what: str) -> dict:
        if not isinstance(value, dict):
            raise invalid_params(f"invalid argument {what}: expected a transaction object")
        call = {}
        if value.get("from") is not None:
            call["from"] = parse_address(value["from"], f"{what}.from")
        if value.get("to") is not None:
            call["to"] = parse_address(value["to"], f"{what}.to")
        for key in ("gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value", "nonce"):
            if value.get(key) is not None:
                call[key] = parse_quantity(value[key], f"{what}.{key}")
        if value.get("input") is not None and value.get("data") is not None:
            if value["input"] != value["data"]:
                raise invalid_params(
                    f"invalid argument {what}: both \"data\" and \"input\" are set and differ"
                )
        raw = value.get("input") if value.get("input") is not None else value.get("data")
        if raw is not None:
            call["data"] = parse_data(raw, f"{what}.input")
        if value.get("accessList"):
            call["accessList"] = self.parse_access_list(value["accessList"], f"{what}.accessList")
        if "gasPrice" in call and ("maxFeePerGas" in call or "maxPriorityFeePerGas" in call):
            raise invalid_params(
                f"invalid argument {what}: both gasPrice and (maxFeePerGas or "
                "maxPriorityFeePerGas) specified"
            )
        return call

    @staticmethod
    def parse_access_list(value, what: str):
        if not isinstance(value, list):
            raise invalid_params(f"invalid argument {what}: expected an array")
        entries = []
        for i, entry in enumerate(value):
            if not isinstance(entry, dict) or not isinstance(entry.get("storageKeys", []), list):
                raise invalid_params(f"invalid argument {what}[{i}]: expected an object")
            keys = tuple(
                int.from_bytes(parse_hash(k, f"{what}[{i}].storageKeys"), "big")
                for k in entry.get("storageKeys", [])
            )
            entries.append((parse_address(entry.get("address"), f"{what}[{i}].address"), keys))
        return tuple(entries)

    def parse_overrides(self, value, what: str) -> dict | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise invalid_params(f"invalid argument {what}: expected a state override object")
        overrides = {}
        for address_text, override in value.items():
            where = f"{what}[{address_text}]"
            address = parse_address(address_text, where)
            if not isinstance(override, dict):
                raise invalid_params(f"invalid argument {where}: expected an object")
            if "state" in override and "stateDiff" in override:
                raise invalid_params(f"invalid argument {where}: both state and stateDiff set")
            parsed = {}
            if "balance" in override:
                parsed["balance"] = parse_quantity(override["balance"], f"{where}.balance")
            if "nonce" in override:
                parsed["nonce"] = parse_quantity(override["nonce"], f"{where}.nonce")
            if "code" in override:
                parsed["code"] = parse_data(override["code"], f"{where}.code")
            for key in ("state", "stateDiff"):
                if key in override:
                    if not isinstance(override[key], dict):
                        raise invalid_params(f"invalid argument {where}.{key}: expected an object")
                    parsed[key] = {
                        int.from_bytes(parse_hash(k, f"{where}.{key}"), "big"):
                        int.from_bytes(parse_hash(v, f"{where}.{key}"), "big")
                        for k, v in override[key].items()
                    }
            unknown = set(override) - {"balance", "nonce", "code", "state", "stateDiff"}
            if unknown:
                raise invalid_params(f"invalid argument {where}: unknown field {sorted(unknown)[0]}")
            overrides[address] = parsed
        return overrides

    def eth_call(self, params):
        call = self.parse_call(param(params, 0), "0")
        header = self.header_for(param(params, 1, required=False, default="latest"), "1")
        overrides = self.parse_overrides(param(params, 2, required=False), "2")
        return data_hex(self.chain.call(header, call, overrides))

    def eth_estimate_gas(self, params):
        call = self.parse_call(param(params, 0), "0")
        header = self.header_for(param(params, 1, required=False, default="latest"), "1")
        overrides = self.parse_overrides(param(params, 2, required=False), "2")
        return qty(self.chain.estimate_gas(header, call, overrides))

    def eth_fee_history(self, params):
        count = parse_quantity(param(params, 0), "0")
        newest = self.resolve_block_number(param(params, 1), "1")
        percentiles = param(params, 2, required=False, default=[])
        if not isinstance(percentiles, list) or not all(
            isinstance(p, (int, float)) and not isinstance(p, bool) and 0 <= p <= 100
            for p in percentiles
        ):
            raise invalid_params("invalid argument 2: expected percentiles between 0 and 100")
        if any(b < a for a, b in zip(percentiles, percentiles[1:])):
            raise invalid_params("invalid argument 2: percentiles must be ascending")
        if newest is None:
            raise server_error("requested block is in the future")
        count = min(count, MAX_FEE_HISTORY_BLOCKS, newest + 1)
        if count == 0:
            return {"oldestBlock": qty(0), "baseFeePerGas": [], "gasUsedRatio": []}
        oldest = newest - count + 1
        base_fees, ratios, rewards = [], [], []
        for number in range(oldest, newest + 1):
            header = self.chain.header_by_number(number)
            base_fees.append(qty(header.base_fee_per_gas))
            ratios.append(header.gas_used / header.gas_limit if header.gas_limit else 0.0)
            if percentiles:
                rewards.append([qty(r) for r in self.block_rewards(header, percentiles)])
        following = self.chain.header_by_number(newest + 1)
        next_base_fee = (
            following.base_fee_per_gas if following else self.chain.pending_base_fee()
        )
        base_fees.append(qty(next_base_fee))
        result = {"oldestBlock": qty(oldest), "baseFeePerGas": base_fees, "gasUsedRatio": ratios}
        if percentiles:
            result["reward"] = rewards
        return result

    def block_rewards(self, header, percentiles) -> list[int]:
        """Priority fees paid at each gas-weighted percentile of the block (geth's method)."""
        block = self.chain.block(header)
        if not block.transactions:
            return [0] * len(percentiles)
        receipts = self.chain.receipts(block)
        items = []
        previous = 0
        for tx, receipt in zip(block.transactions, receipts):
            gas_used = receipt.gas_used - previous
            previous = receipt.gas_used
            tip = effective_gas_price(tx, header.base_fee_per_gas) - header.base_fee_per_gas
            items.append((tip, gas_used))
        items.sort()
        rewards = []
        index, cumulative = 0, items[0][1]
        for p in percentiles:
            threshold = header.gas_used * p / 100
            while cumulative < threshold and index < len(items) - 1:
                index += 1
                cumulative += items[index][1]
            rewards.append(items[index][0])
        return rewards

    def eth_send_raw_transaction(self, params):
        raw = parse_data(param(params, 0), "0")
        return data_hex(self.chain.send_raw_transaction(raw))

    def eth_send_transaction(self, params):
        """Signs with one of the dev accounts (their keys are public) and sends."""
        call = self.parse_call(param(params, 0), "0")
        if "from" not in call:
            raise invalid_params("invalid argument 0: missing from")
        return data_hex(self.chain.send_transaction(call))

    def eth_get_block_receipts(self, params):
        number = self.resolve_block_number(param(params, 0), "0")
        header = None if number is None else self.chain.header_by_number(number)
        if header is None:
            return None
        block = self.chain.block(header)
        return [self.serialize_receipt(tx, tx.sender, block, i)
                for i, tx in enumerate(block.transactions)]

    def eth_get_transaction_by_hash(self, params):
        found = self.chain.find_transaction(parse_hash(param(params, 0), "0"))
        if found is None:
            return None
        tx, sender, block, index = found
        return self.serialize_transaction(tx, sender, block, index)

    def eth_get_transaction_receipt(self, params):
        found = self.chain.find_transaction(parse_hash(param(params, 0), "0"))
        if found is None or found[2] is None:
            return None
        tx, sender, block, index = found
        return self.serialize_receipt(tx, sender, block, index)

    def eth_get_logs(self, params):
        query = param(params, 0)
        if not isinstance(query, dict):
            raise invalid_params("invalid argument 0: expected a filter object")
        head = self.chain.head().block_number
        if query.get("blockHash") is not None:
            if query.get("fromBlock") is not None or query.get("toBlock") is not None:
                raise invalid_params(
                    "invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock"
                )
            header = self.chain.header_by_hash(parse_hash(query["blockHash"], "0.blockHash"))
            if header is None:
                raise server_error("unknown block")
            first = last = header.block_number
        else:
            first = self.resolve_block_number(query.get("fromBlock", "latest"), "0.fromBlock")
            last = self.resolve_block_number(query.get("toBlock", "latest"), "0.toBlock")
            if first is None:
                return []
            last = head if last is None else last
            if first > last:
                raise invalid_params("invalid argument 0: fromBlock is after toBlock")
            if last - first > MAX_LOG_BLOCK_RANGE:
                raise server_error(f"block range too large (max {MAX_LOG_BLOCK_RANGE})")
        addresses = query.get("address")
        if addresses is None:
            address_set = None
        elif isinstance(addresses, list):
            address_set = {parse_address(a, "0.address") for a in addresses} or None
        else:
            address_set = {parse_address(addresses, "0.address")}
        topics = query.get("topics") or []
        if not isinstance(topics, list) or len(topics) > 4:
            raise invalid_params("invalid argument 0: topics must be an array of up to 4 entries")
        topic_sets = []
        for i, entry in enumerate(topics):
            if entry is None:
                topic_sets.append(None)
            elif isinstance(entry, list):
                topic_sets.append({parse_hash(t, f"0.topics[{i}]") for t in entry if t} or None)
            else:
                topic_sets.append({parse_hash(entry, f"0.topics[{i}]")})

        logs = []
        for number in range(first, last + 1):
            header = self.chain.header_by_number(number)
            block = self.chain.block(header)
            if not block.transactions:
                continue
            for entry in self.block_logs(block):
                if address_set is not None and entry["_address"] not in address_set:
                    continue
                entry_topics = entry["_topics"]
                if len(topic_sets) > len(entry_topics) and any(
                    s is not None for s in topic_sets[len(entry_topics):]
                ):
                    continue
                if any(
                    wanted is not None and entry_topics[i] not in wanted
                    for i, wanted in enumerate(topic_sets)
                    if i < len(entry_topics)
                ):
                    continue
                logs.append({k: v for k, v in entry.items() if not k.startswith("_")})
        return logs

    def evm_mine(self, params):
        timestamp = None
        raw = param(params, 0, required=False)
        if isinstance(raw, dict):
            raw = raw.get("timestamp")
        if raw is not None:
            timestamp = parse_quantity(raw, "0")
        self.chain.mine_block(timestamp=timestamp)
        return "0x0"

    def anvil_mine(self, params):
        """anvil_mine / hardhat_mine: [count, interval seconds between the blocks]."""
        count = parse_quantity(param(params, 0, required=False, default="0x1"), "0")
        interval = parse_quantity(param(params, 1, required=False, default="0x1"), "1")
        if count > 10_000:
            raise invalid_params("invalid argument 0: at most 10000 blocks at once")
        if interval > 10**9:
            raise invalid_params("invalid argument 1: interval too large")
        for i in range(count):
            timestamp = None
            if i > 0:
                timestamp = self.chain.head().timestamp + max(interval, 1)
            self.chain.mine_block(timestamp=timestamp)
        return None

    def evm_set_automine(self, params):
        self.chain.automine = parse_bool(param(params, 0), "0")
        if self.chain.automine:
            self.chain.mine_executable_one_per_block()
        return True

    def evm_revert(self, params):
        return self.chain.revert(parse_quantity(param(params, 0), "0"))

    def evm_increase_time(self, params):
        return qty(self.chain.increase_time(parse_quantity(param(params, 0), "0")))

    def evm_set_next_block_timestamp(self, params):
        self.chain.set_next_block_timestamp(parse_quantity(param(params, 0), "0"))
        return True

    # ---------------------------------------------------------------------------- serializing

    def serialize_block(self, block, full: bool) -> dict:
        header = block.header
        if full:
            txs = [
                self.serialize_transaction(tx, tx.sender, block, i)
                for i, tx in enumerate(block.transactions)
            ]
        else:
            txs = [data_hex(tx.hash) for tx in block.transactions]
        result = self.serialize_header(header)
        result.update(
            {
                "hash": data_hex(header.hash),
                "size": qty(len(rlp.encode(block))),
                "transactions": txs,
                "uncles": [],
            }
        )
        withdrawals = getattr(block, "withdrawals", None)
        if withdrawals is not None:
            result["withdrawals"] = [
                {
                    "index": qty(w.index),
                    "validatorIndex": qty(w.validator_index),
                    "address": address_hex(w.address),
                    "amount": qty(w.amount),
                }
                for w in withdrawals
            ]
        return result

    def serialize_pending_block(self, full: bool) -> dict:
        head = self.chain.head()
        pending = self.chain.chain.create_header_from_parent(head)
        result = self.serialize_header(pending)
        result.update(
            {"hash": None, "nonce": None, "miner": None, "size": qty(0), "transactions": [],
             "uncles": []}
        )
        return result

    @staticmethod
    def serialize_header(header) -> dict:
        result = {
            "number": qty(header.block_number),
            "parentHash": data_hex(header.parent_hash),
            "nonce": data_hex(header.nonce),
            "mixHash": data_hex(header.mix_hash),
            "sha3Uncles": data_hex(header.uncles_hash),
            "logsBloom": data_hex(header.bloom.to_bytes(256, "big")),
            "transactionsRoot": data_hex(header.transaction_root),
            "stateRoot": data_hex(header.state_root),
            "receiptsRoot": data_hex(header.receipt_root),
            "miner": address_hex(header.coinbase),
            "difficulty": qty(header.difficulty),
            "totalDifficulty": qty(0),
            "extraData": data_hex(header.extra_data),
            "gasLimit": qty(header.gas_limit),
            "gasUsed": qty(header.gas_used),
            "timestamp": qty(header.timestamp),
            "baseFeePerGas": qty(header.base_fee_per_gas),
        }
        optional = {
            "withdrawalsRoot": ("withdrawals_root", data_hex),
            "blobGasUsed": ("blob_gas_used", qty),
            "excessBlobGas": ("excess_blob_gas", qty),
            "parentBeaconBlockRoot": ("parent_beacon_block_root", data_hex),
            "requestsHash": ("requests_hash", data_hex),
        }
        for key, (attribute, encode) in optional.items():
            value = getattr(header, attribute, None)
            if value is not None:
                result[key] = encode(value)
        return result

    def serialize_transaction(self, tx, sender: bytes, block, index) -> dict:
        tx_type = tx.type_id or 0
        result = {
            "hash": data_hex(tx.hash),
            "type": qty(tx_type),
            "nonce": qty(tx.nonce),
            "blockHash": data_hex(block.hash) if block is not None else None,
            "blockNumber": qty(block.number) if block is not None else None,
            "transactionIndex": qty(index) if block is not None else None,
            "from": address_hex(sender),
            "to": address_hex(tx.to),
            "value": qty(tx.value),
            "gas": qty(tx.gas),
            "input": data_hex(tx.data),
            "r": qty(tx.r),
            "s": qty(tx.s),
        }
        if tx_type == 0:
            result["gasPrice"] = qty(tx.gas_price)
            result["v"] = qty(tx.v)
            if tx.chain_id is not None:
                result["chainId"] = qty(tx.chain_id)
        else:
            result["chainId"] = qty(tx.chain_id)
            result["v"] = qty(tx.y_parity)
            result["yParity"] = qty(tx.y_parity)
            result["accessList"] = [
                {"address": address_hex(a), "storageKeys": [word_hex(k) for k in keys]}
                for a, keys in tx.access_list
            ]
            if tx_type == 1:
                result["gasPrice"] = qty(tx.gas_price)
            else:
                result["maxFeePerGas"] = qty(tx.max_fee_per_gas)
                result["maxPriorityFeePerGas"] = qty(tx.max_priority_fee_per_gas)
                result["gasPrice"] = qty(
                    effective_gas_price(tx, block.header.base_fee_per_gas)
                    if block is not None
                    else tx.max_fee_per_gas
                )
        return result

    def block_logs(self, block) -> list[dict]:
        """Every log of a block with geth's fields (plus raw `_address`/`_topics` for filters)."""
        logs = []
        log_index = 0
        for index, (tx, receipt) in enumerate(zip(block.transactions, self.chain.receipts(block))):
            for log in receipt.logs:
                topics = [t.to_bytes(32, "big") for t in log.topics]
                logs.append(
                    {
                        "address": address_hex(log.address),
                        "topics": [data_hex(t) for t in topics],
                        "data": data_hex(log.data),
                        "blockNumber": qty(block.number),
                        "blockHash": data_hex(block.hash),
                        "blockTimestamp": qty(block.header.timestamp),
                        "transactionHash": data_hex(tx.hash),
                        "transactionIndex": qty(index),
                        "logIndex": qty(log_index),
                        "removed": False,
                        "_address": bytes(log.address),
                        "_topics": topics,
                        "_tx_index": index,
                    }
                )
                log_index += 1
        return logs

    def serialize_receipt(self, tx, sender: bytes, block, index: int) -> dict:
        receipts = self.chain.receipts(block)
        receipt = receipts[index]
        previous = receipts[index - 1].gas_used if index > 0 else 0
        base_fee = block.header.base_fee_per_gas
        contract = generate_contract_address(sender, tx.nonce) if not tx.to else None
        logs = [
            {k: v for k, v in entry.items() if not k.startswith("_")}
            for entry in self.block_logs(block)
            if entry["_tx_index"] == index
        ]
        return {
            "transactionHash": data_hex(tx.hash),
            "transactionIndex": qty(index),
            "blockHash": data_hex(block.hash),
            "blockNumber": qty(block.number),
            "from": address_hex(sender),
            "to": address_hex(tx.to),
            "cumulativeGasUsed": qty(receipt.gas_used),
            "gasUsed": qty(receipt.gas_used - previous),
            "effectiveGasPrice": qty(effective_gas_price(tx, base_fee)),
            "contractAddress": address_hex(contract) if contract else None,
            "logs": logs,
            "logsBloom": data_hex(receipt.bloom.to_bytes(256, "big")),
            "type": qty(tx.type_id or 0),
            "status": qty(1 if receipt.state_root == b"\x01" else 0),
        }


def _nesting_depth(body: bytes) -> int:
    """Deepest bracket nesting outside JSON strings (cheap exit for ordinary bodies)."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return 0
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def _error_response(request_id, error: RpcError) -> dict:
    return {"jsonrpc": "2.0", "id": request_id, "error": error.to_json()}


def _dump(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
