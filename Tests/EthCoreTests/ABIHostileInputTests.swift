import Testing
@testable import EthCore

@Suite struct ABIHostileInputTests {
    /// decode(encode(x)) == x over random types (nesting ≤ 3) and values.
    @Test func roundTripRandomTypesAndValues() throws {
        var r = ABIRandom(seed: 42)
        for _ in 0..<1500 {
            let types = (0..<r.int(0...4)).map { _ in r.type() }
            let values = types.map { r.value($0) }
            let encoded = try ABIEncoder.encode(types, values)
            #expect(encoded.count % 32 == 0)
            let decoded = try ABIDecoder.decode(types, encoded)
            #expect(decoded == values, "\(types.map(\.canonicalName))")
            // The canonical name parses back to the same type.
            for t in types { #expect(try ABIType(parsing: t.canonicalName) == t) }
        }
    }

    /// Random garbage and mutated valid encodings must decode or throw, never crash or hang.
    @Test func garbageAndMutationsNeverCrash() throws {
        var r = ABIRandom(seed: 7)
        var decodedCount = 0, rejected = 0
        for i in 0..<4000 {
            let types = (0..<r.int(1...3)).map { _ in r.type() }
            var data: [UInt8]
            if i % 4 == 0 {
                data = r.bytes(r.int(0...300))
            } else {
                data = try ABIEncoder.encode(types, types.map { r.value($0) })
                for _ in 0..<r.int(1...4) {
                    guard !data.isEmpty else { break }
                    switch r.int(0...5) {
                    case 0: data[r.int(0...data.count - 1)] = UInt8(r.int(0...255))
                    case 1: data.removeLast(r.int(1...min(40, data.count)))
                    case 2:  // a word set to a huge or small number: offsets and lengths
                        let w = r.int(0...(data.count / 32)) * 32
                        guard w + 32 <= data.count else { break }
                        let big: [UInt8] = [[UInt8](repeating: 0xff, count: 32),
                                            UInt256(UInt64(r.int(0...400))).bigEndianBytes,
                                            (UInt256.one << 64).bigEndianBytes,
                                            (UInt256.max - UInt256(UInt64(r.int(0...64)))).bigEndianBytes][r.int(0...3)]
                        data.replaceSubrange(w..<(w + 32), with: big)
                    case 3: data.insert(contentsOf: r.bytes(r.int(1...64)), at: r.int(0...data.count))
                    case 4: data[r.int(0...data.count - 1)] ^= 0x80
                    default: data = Array(data.prefix(r.int(0...data.count)))
                    }
                }
            }
            let values: [ABIValue]
            do {
                values = try ABIDecoder.decode(types, data)
            } catch {
                rejected += 1
                #expect(!error.description.isEmpty)
                continue
            }
            decodedCount += 1
            // Whatever decodes must re-encode (the decoder only returns values that fit their
            // types); outside the decode's `do`, so a re-encode failure fails the test.
            #expect(throws: Never.self, "case \(i): \(types.map(\.canonicalName))") {
                _ = try ABIEncoder.encode(types, values)
            }
        }
        #expect(decodedCount > 100)
        #expect(rejected > 100)
    }

    @Test func rejectsHugeLengthsAndCountsWithoutAllocating() throws {
        // bytes with length 2^256 - 1.
        let hugeLength = abiWords(
            "0000000000000000000000000000000000000000000000000000000000000020",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
        #expect(throws: ABIError.self) { try ABIDecoder.decode([.bytes], hugeLength) }
        // bytes with a length just past the data.
        let pastEnd = abiWords(
            "0000000000000000000000000000000000000000000000000000000000000020",
            "0000000000000000000000000000000000000000000000000000000000000021",
            "0000000000000000000000000000000000000000000000000000000000000000")
        #expect(throws: ABIError.at("arg0", .lengthOutOfBounds(length: "33", available: 32))) {
            try ABIDecoder.decode([.bytes], pastEnd)
        }
        // An array claiming 2^40 elements in 96 bytes: refused before any allocation.
        let hugeCount = abiWords(
            "0000000000000000000000000000000000000000000000000000000000000020",
            "0000000000000000000000000000000000000000000000000000010000000000",
            "0000000000000000000000000000000000000000000000000000000000000001")
        #expect(throws: ABIError.self) { try ABIDecoder.decode([.array(.uint(256))], hugeCount) }
        #expect(throws: ABIError.self) { try ABIDecoder.decode([.array(.array(.string))], hugeCount) }
    }

    @Test func rejectsBadOffsets() throws {
        // Beyond the data.
        let beyond = abiWords("0000000000000000000000000000000000000000000000000000000000000400")
        #expect(throws: ABIError.at("arg0", .offsetOutOfBounds(offset: "1024", dataSize: 32))) {
            try ABIDecoder.decode([.bytes], beyond)
        }
        // Near 2^256.
        let wrapped = abiWords("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0")
        #expect(throws: ABIError.self) { try ABIDecoder.decode([.string], wrapped) }
        // Pointing backwards into the head (offset 0 for the first of two arguments).
        let backwards = abiWords(
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000040",
            "0000000000000000000000000000000000000000000000000000000000000000")
        #expect(throws: ABIError.at("arg0", .offsetOutOfBounds(offset: "0", dataSize: 96))) {
            try ABIDecoder.decode([.bytes, .bytes], backwards)
        }
    }

    /// Every element of nested arrays pointing at the same tail would decode to n^depth values
    /// from n words; the decoder stops once output exceeds what the data could hold.
    @Test func overlappingOffsetsCannotAmplify() throws {
        let n = 200
        // uint256[][][] where each array's n offsets all point at the same inner array.
        var words: [String] = ["0000000000000000000000000000000000000000000000000000000000000020"]
        func word(_ v: Int) -> String { Hex.encode(UInt256(UInt64(v)).bigEndianBytes, prefix: false) }
        // Level array: count n, then n offsets all equal to 32*n (just after the heads), then the next level.
        for _ in 0..<2 {
            words.append(word(n))
            words.append(contentsOf: repeatElement(word(32 * n), count: n))
        }
        words.append(word(n))
        words.append(contentsOf: repeatElement(word(7), count: n))
        let data = words.flatMap { abiHex($0) }
        do {
            _ = try ABIDecoder.decode([.array(.array(.array(.uint(256))))], data)
            Issue.record("aliased arrays decoded")
        } catch {
            #expect(error.underlying == .overlappingData(limit: data.count))
        }
        // The same bytes[] trick with one large payload.
        var payload: [String] = ["0000000000000000000000000000000000000000000000000000000000000020", word(n)]
        payload.append(contentsOf: repeatElement(word(32 * n), count: n))
        payload.append(word(32 * 40))
        payload.append(contentsOf: repeatElement(String(repeating: "ab", count: 32), count: 40))
        #expect(throws: ABIError.self) { try ABIDecoder.decode([.array(.bytes)], payload.flatMap { abiHex($0) }) }
    }

    @Test func rejectsDirtyPadding() throws {
        let cases: [(ABIType, String)] = [
            (.uint(8), "0000000000000000000000000000000000000000000000000000000000000100"),
            (.uint(160), "0000000000000000000000010000000000000000000000000000000000000000"),
            (.int(8), "0000000000000000000000000000000000000000000000000000000000000080"),
            (.int(8), "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
            (.int(16), "00000000000000000000000000000000000000000000000000000000ffff8000"),
            (.address, "000000000000000000000001ffffffffffffffffffffffffffffffffffffffff"),
            (.bool, "0000000000000000000000000000000000000000000000000000000000000002"),
            (.fixedBytes(3), "6162636400000000000000000000000000000000000000000000000000000000"),
        ]
        for (t, w) in cases {
            #expect(throws: ABIError.at("arg0", .nonCanonicalPadding(type: t.canonicalName, word: "0x" + w)), "\(t)") {
                try ABIDecoder.decode([t], abiHex(w))
            }
        }
        // The clean neighbours decode.
        #expect(try ABIDecoder.decode(.int(8), abiHex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80")) == .int(Int256(-128)))
        #expect(try ABIDecoder.decode(.uint(8), abiHex("00000000000000000000000000000000000000000000000000000000000000ff")) == .uint(255))
    }

    @Test func errorsSayWhere() throws {
        let types: [ABIType] = [.uint(256), .array(.tuple([.bool, .string]))]
        var data = try ABIEncoder.encode(types, [.uint(1), .array([.tuple([.bool(true), .string("a")]), .tuple([.bool(false), .string("b")])])])
        // Dirty the bool of the second tuple: heads are arg0, offset; then count, two offsets; tuple 2's bool.
        let tuple2Offset = Int(UInt256(bigEndian: data[128..<160])?.uint64Value ?? 0)
        data[96 + tuple2Offset + 31] = 5
        #expect(throws: ABIError.self) { try ABIDecoder.decode(types, data) }
        do { _ = try ABIDecoder.decode(types, data) } catch {
            guard case .at(let path, let inner) = error else { Issue.record("\(error)"); return }
            #expect(path == "arg1[1].0")
            #expect(inner == .nonCanonicalPadding(type: "bool", word: "0x" + String(repeating: "0", count: 62) + "05"))
        }
        #expect(throws: ABIError.dataTooShort(needed: 64, available: 32)) {
            try ABIDecoder.decode([.uint(256), .uint(256)], abiWords("0000000000000000000000000000000000000000000000000000000000000001"))
        }
        #expect(throws: ABIError.at("arg0", .invalidUTF8)) {
            try ABIDecoder.decode([.string], abiWords(
                "0000000000000000000000000000000000000000000000000000000000000020",
                "0000000000000000000000000000000000000000000000000000000000000001",
                "ff00000000000000000000000000000000000000000000000000000000000000"))
        }
    }
}
