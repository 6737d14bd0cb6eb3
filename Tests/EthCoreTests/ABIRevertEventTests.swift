import Testing
@testable import EthCore

@Suite struct ABIRevertEventTests {
    @Test func errorStringRevert() throws {
        // `require(false, "Not enough Ether provided.")`, as the Solidity docs show it.
        let data = abiHex("0x08c379a0") + abiWords(
            "0000000000000000000000000000000000000000000000000000000000000020",
            "000000000000000000000000000000000000000000000000000000000000001a",
            "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000")
        #expect(RevertReason.decode(data) == .error("Not enough Ether provided."))
        #expect(RevertReason.decode(data).description == "reverted: Not enough Ether provided.")
    }

    @Test func panics() throws {
        let meanings: [(UInt64, String)] = [
            (0x01, "assertion failed"), (0x11, "arithmetic overflow or underflow"), (0x12, "division or modulo by zero"),
            (0x21, "invalid enum value"), (0x22, "incorrectly encoded storage byte array"), (0x31, "pop() on an empty array"),
            (0x32, "array index out of bounds"), (0x41, "out of memory (too much memory allocated or array too large)"),
            (0x51, "call to a zero-initialized internal function"), (0x99, "unknown panic code"),
        ]
        for (code, meaning) in meanings {
            let data = abiHex("0x4e487b71") + UInt256(code).bigEndianBytes
            #expect(RevertReason.decode(data) == .panic(code: UInt256(code), meaning: meaning))
        }
        #expect(RevertReason.decode(abiHex("0x4e487b71") + UInt256(0x11).bigEndianBytes).description
                == "panic 0x11: arithmetic overflow or underflow")
    }

    @Test func customEmptyAndUnknown() throws {
        let registry = try CustomErrorRegistry(signatures: [
            "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)", "Expired(uint256)"])
        let sender = try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        let e = try #require(registry.error(selector: abiHex("0xe450d38c")))
        let data = try e.encode([.address(sender), .uint(5), .uint(7)])
        #expect(RevertReason.decode(data, registry: registry) == .custom(name: "ERC20InsufficientBalance", values: [.address(sender), .uint(5), .uint(7)]))
        #expect(RevertReason.decode(data) == .unknown(data))
        #expect(RevertReason.decode([]) == .empty)
        #expect(RevertReason.decode([0x08, 0xc3]) == .unknown([0x08, 0xc3]))
        // Error(string) with a truncated body is unknown data, not a crash.
        let truncated = abiHex("0x08c379a0") + abiWords("0000000000000000000000000000000000000000000000000000000000000020")
        #expect(RevertReason.decode(truncated) == .unknown(truncated))
        // The registry names every error it holds.
        let expired = abiHex("0xf80dbaea") + UInt256(1234).bigEndianBytes
        #expect(RevertReason.decode(expired, registry: registry) == .custom(name: "Expired", values: [.uint(1234)]))
    }

    @Test func revertDecodingNeverCrashes() {
        var r = ABIRandom(seed: 99)
        for _ in 0..<2000 {
            let prefix: [UInt8] = [[0x08, 0xc3, 0x79, 0xa0], [0x4e, 0x48, 0x7b, 0x71], [0xe4, 0x50, 0xd3, 0x8c], []][r.int(0...3)]
            _ = RevertReason.decode(prefix + r.bytes(r.int(0...100))).description
        }
    }

    @Test func decodesTransferLog() throws {
        let transfer = try ABIEvent(signature: "Transfer(address indexed from, address indexed to, uint256 value)")
        let from = try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        let to = try Address("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")
        let topics = [transfer.topic0, from.word, to.word]
        let values = try transfer.decodeLog(topics: topics, data: UInt256(500).bigEndianBytes)
        #expect(values == [.address(from), .address(to), .uint(500)])
        #expect(try ABIEvent.topic(for: .address(from), type: .address) == from.word)

        #expect(throws: ABIError.topicCountMismatch(expected: 3, got: 2)) {
            try transfer.decodeLog(topics: Array(topics.prefix(2)), data: UInt256(500).bigEndianBytes)
        }
        let approval = try ABIEvent(signature: "Approval(address indexed,address indexed,uint256)")
        #expect(throws: ABIError.self) { try approval.decodeLog(topics: topics, data: UInt256(500).bigEndianBytes) }
        // A topic with dirty address padding is rejected.
        var dirty = from.word
        dirty[0] = 1
        #expect(throws: ABIError.self) { try transfer.decodeLog(topics: [transfer.topic0, dirty, to.word], data: UInt256(1).bigEndianBytes) }
    }

    @Test func indexedDynamicValuesDecodeToTheirHash() throws {
        let note = ABIEvent(name: "Note", inputs: [ABIParameter(name: "text", type: .string, indexed: true),
                                                    ABIParameter(name: "tag", type: .fixedBytes(32))], anonymous: true)
        #expect(note.anonymous)
        let textHash = try ABIEvent.topic(for: .string("hello"), type: .string)
        #expect(textHash == Keccak256.hash("hello"))
        let tag = [UInt8](repeating: 0xab, count: 32)
        let values = try note.decodeLog(topics: [textHash], data: tag)
        #expect(values == [.fixedBytes(textHash), .fixedBytes(tag)])

        let swap = ABIEvent(name: "Swap", inputs: [ABIParameter(name: "poolId", type: .fixedBytes(32), indexed: true),
                                                    ABIParameter(name: "tokenIn", type: .address, indexed: true),
                                                    ABIParameter(name: "tokenOut", type: .address, indexed: true),
                                                    ABIParameter(name: "amountIn", type: .uint(256)),
                                                    ABIParameter(name: "amountOut", type: .uint(256))])
        let poolId = [UInt8](repeating: 0x11, count: 32)
        let tokenIn = try Address("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2")
        let tokenOut = try Address("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48")
        let data = try ABIEncoder.encode([.uint(256), .uint(256)], [.uint(10), .uint(20)])
        let decoded = try swap.decodeLog(topics: [swap.topic0, poolId, tokenIn.word, tokenOut.word], data: data)
        #expect(decoded == [.fixedBytes(poolId), .address(tokenIn), .address(tokenOut), .uint(10), .uint(20)])
    }
}
