import EthCore
import Testing

@testable import EthRPC

@Suite("Multicall3 aggregate3 encoding")
struct Multicall3Tests {
    static let target = testAddress("0x1111111111111111111111111111111111111111")

    /// aggregate3's return value encoded independently, word by word, for decoder tests.
    static func encodeResults(_ results: [Multicall3.Result]) -> [UInt8] {
        func w(_ n: Int) -> [UInt8] { UInt256(UInt64(n)).bigEndianBytes }
        var tails: [[UInt8]] = []
        for r in results {
            let padded = r.returnData + [UInt8](repeating: 0, count: (32 - r.returnData.count % 32) % 32)
            tails.append(w(r.success ? 1 : 0) + w(64) + w(r.returnData.count) + padded)
        }
        var out = w(32) + w(results.count)
        var offset = 32 * results.count
        for t in tails {
            out += w(offset)
            offset += t.count
        }
        return out + tails.flatMap { $0 }
    }

    @Test func selectorIsKeccakOfSignature() {
        #expect(Multicall3.aggregate3Selector == Array(Keccak256.hash("aggregate3((address,bool,bytes)[])").prefix(4)))
    }

    @Test func encodesOneCallExactly() throws {
        let encoded = Multicall3.encodeAggregate3([Multicall3.Call(target: Self.target, allowFailure: true, callData: [0xaa, 0xbb, 0xcc, 0xdd])])
        let expected = try Hex.decode(
            "82ad56cb"
                + "0000000000000000000000000000000000000000000000000000000000000020"  // offset of the array
                + "0000000000000000000000000000000000000000000000000000000000000001"  // length
                + "0000000000000000000000000000000000000000000000000000000000000020"  // offset of tuple 0
                + "0000000000000000000000001111111111111111111111111111111111111111"  // target
                + "0000000000000000000000000000000000000000000000000000000000000001"  // allowFailure
                + "0000000000000000000000000000000000000000000000000000000000000060"  // offset of callData
                + "0000000000000000000000000000000000000000000000000000000000000004"  // callData length
                + "aabbccdd00000000000000000000000000000000000000000000000000000000")
        #expect(encoded == expected)
    }

    @Test func encodesTwoCallsWithOffsets() throws {
        let calls = [
            Multicall3.Call(target: Self.target, allowFailure: false, callData: Array(repeating: 0x01, count: 33)),
            Multicall3.Call(target: .zero, allowFailure: true, callData: []),
        ]
        let encoded = Multicall3.encodeAggregate3(calls)
        // head: 2 offsets; tuple 0 = 3 words + length + 2 data words = 6 words = 192 bytes.
        #expect(Multicall3.readWord(encoded, at: 4 + 64) == 64)
        #expect(Multicall3.readWord(encoded, at: 4 + 96) == 64 + 192)
        #expect(encoded.count == 4 + 32 + 32 + 64 + 192 + 128)
        #expect(encoded.count == Multicall3.fixedOverhead + calls.map(Multicall3.encodedSize).reduce(0, +))
    }

    @Test func decodesResults() throws {
        let results = [
            Multicall3.Result(success: true, returnData: UInt256(12345).bigEndianBytes),
            Multicall3.Result(success: false, returnData: RevertReason.panicSelector + UInt256(1).bigEndianBytes),
            Multicall3.Result(success: true, returnData: []),
        ]
        #expect(try Multicall3.decodeAggregate3(Self.encodeResults(results), expectedCount: 3) == results)
    }

    @Test func rejectsHostileReturnDataWithoutCrashing() {
        let good = Self.encodeResults([Multicall3.Result(success: true, returnData: [1, 2, 3])])
        #expect(throws: RPCError.self) { try Multicall3.decodeAggregate3(good, expectedCount: 2) }
        #expect(throws: RPCError.self) { try Multicall3.decodeAggregate3([], expectedCount: 0) }
        // The last element's padding is not required (only its declared length is).
        for cut in [1, 31, 33, 64, 100, good.count - 30] {
            #expect(throws: RPCError.self) { try Multicall3.decodeAggregate3(Array(good.prefix(cut)), expectedCount: 1) }
        }
        // Flip each byte of every word to 0xff in turn: must be an error or a result, never a trap.
        for i in 0..<good.count {
            var bad = good
            bad[i] ^= 0xff
            _ = try? Multicall3.decodeAggregate3(bad, expectedCount: 1)
        }
        var hugeCount = good
        hugeCount[32 + 28] = 0x7f
        #expect(throws: RPCError.self) { try Multicall3.decodeAggregate3(hugeCount, expectedCount: 0x7f00_0001) }
    }

    @Test func chunksByCountAndBytes() {
        let small = Multicall3.Call(target: Self.target, callData: Array(repeating: 7, count: 4))
        let byCount = Multicall3.chunk(Array(repeating: small, count: 1_200), budget: .default)
        #expect(byCount.map(\.count) == [500, 500, 200])

        // Each small call adds 192 bytes; a 1,000-byte budget holds (1000 - 68) / 192 = 4 of them.
        let byBytes = Multicall3.chunk(Array(repeating: small, count: 10), budget: Multicall3.Budget(maxCalls: 500, maxCalldataBytes: 1_000))
        #expect(byBytes.map(\.count) == [4, 4, 2])
        for chunk in byBytes { #expect(Multicall3.encodeAggregate3(chunk).count <= 1_000) }

        let huge = Multicall3.Call(target: Self.target, callData: Array(repeating: 1, count: 5_000))
        let alone = Multicall3.chunk([small, huge, small], budget: Multicall3.Budget(maxCalls: 500, maxCalldataBytes: 1_000))
        #expect(alone.map(\.count) == [1, 1, 1])
        #expect(alone.flatMap { $0 } == [small, huge, small])
        #expect(Multicall3.chunk([], budget: .default).isEmpty)
    }
}
