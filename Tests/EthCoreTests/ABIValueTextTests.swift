import Testing
@testable import EthCore

@Suite struct ABIValueTextTests {
    @Test func parsesScalars() throws {
        #expect(try ABIValue.parse("1000", as: .uint(256)) == .uint(1000))
        #expect(try ABIValue.parse(" 0x3e8 ", as: .uint(16)) == .uint(1000))
        #expect(try ABIValue.parse("-128", as: .int(8)) == .int(Int256(-128)))
        #expect(try ABIValue.parse("-0x80", as: .int(8)) == .int(Int256(-128)))
        #expect(try ABIValue.parse("true", as: .bool) == .bool(true))
        #expect(try ABIValue.parse("0xdeadbeef", as: .fixedBytes(4)) == .fixedBytes([0xde, 0xad, 0xbe, 0xef]))
        #expect(try ABIValue.parse("0x", as: .bytes) == .bytes([]))
        #expect(try ABIValue.parse("  spaced, \"quoted\" ", as: .string) == .string("  spaced, \"quoted\" "))
        let a = try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        #expect(try ABIValue.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", as: .address) == .address(a))
        #expect(try ABIValue.parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", as: .address) == .address(a))
        #expect(try ABIValue.parse("115792089237316195423570985008687907853269984665640564039457584007913129639935", as: .uint(256)) == .uint(.max))
    }

    @Test func rejectsBadScalarsNamingTheProblem() {
        let bad: [(String, ABIType, String)] = [
            ("256", .uint(8), "out of range for uint8"),
            ("-1", .uint(256), "an unsigned integer cannot be negative"),
            ("-129", .int(8), "out of range for int8"),
            ("128", .int(8), "out of range for int8"),
            ("12abc", .uint(256), "not a decimal or 0x integer below 2^256"),
            ("115792089237316195423570985008687907853269984665640564039457584007913129639936", .uint(256), "not a decimal or 0x integer below 2^256"),
            ("yes", .bool, "expected true or false"),
            ("0xdeadbe", .fixedBytes(4), "bytes4 needs exactly 4 bytes, got 3"),
            ("deadbeef", .bytes, "bytes are written as 0x hex"),
        ]
        for (text, type, reason) in bad {
            #expect(throws: ABIError.invalidValueText(text, type: type.canonicalName, reason: reason)) {
                try ABIValue.parse(text, as: type)
            }
        }
        // A wrong EIP-55 checksum is refused.
        #expect(throws: ABIError.self) { try ABIValue.parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", as: .address) }
        #expect(throws: ABIError.self) { try ABIValue.parse("0x123", as: .bytes) }
    }

    @Test func parsesArraysTuplesAndNesting() throws {
        #expect(try ABIValue.parse("[1, 2 ,3]", as: .array(.uint(256))) == .array([.uint(1), .uint(2), .uint(3)]))
        #expect(try ABIValue.parse("[]", as: .array(.uint(256))) == .array([]))
        #expect(try ABIValue.parse(" [ [1,2] , [] ] ", as: .array(.array(.uint(8)))) == .array([.array([.uint(1), .uint(2)]), .array([])]))
        let t = try ABIType(parsing: "(uint256,string,bool[],(address,bytes2))")
        let v = try ABIValue.parse(#"(7, "a, \"b\"]", [true,false], (0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, 0xbeef))"#, as: t)
        #expect(v == .tuple([.uint(7), .string("a, \"b\"]"), .array([.bool(true), .bool(false)]),
                             .tuple([.address(try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")), .fixedBytes([0xbe, 0xef])])]))
        #expect(try ABIValue.parse("[hello world, bye]", as: .array(.string)) == .array([.string("hello world"), .string("bye")]))
        #expect(try ABIValue.parse(#"["", " x "]"#, as: .array(.string)) == .array([.string(""), .string(" x ")]))

        #expect(throws: ABIError.self) { try ABIValue.parse("[1,2]", as: .fixedArray(.uint(256), 3)) }
        #expect(throws: ABIError.self) { try ABIValue.parse("(1,2,3)", as: .tuple([.uint(256), .uint(256)])) }
        #expect(throws: ABIError.self) { try ABIValue.parse("(1)", as: .tuple([.uint(256), .uint(256)])) }
        #expect(throws: ABIError.self) { try ABIValue.parse("[1,2", as: .array(.uint(256))) }
        #expect(throws: ABIError.self) { try ABIValue.parse("[1,,2]", as: .array(.uint(256))) }
        #expect(throws: ABIError.self) { try ABIValue.parse("[1] x", as: .array(.uint(256))) }
        #expect(throws: ABIError.self) { try ABIValue.parse("1", as: .array(.uint(256))) }
        #expect(throws: ABIError.self) { try ABIValue.parse(#"["open]"#, as: .array(.string)) }
    }

    /// The text `description` writes reads back as the same value (cast-style round trip).
    @Test func descriptionParsesBack() throws {
        var r = ABIRandom(seed: 5)
        for _ in 0..<500 {
            let t = r.type()
            let v = r.value(t)
            if case .string = t { continue }  // a top-level string is verbatim, not quoted
            #expect(try ABIValue.parse(v.description, as: t) == v, "\(t.canonicalName): \(v.description)")
        }
    }

    @Test func jsonRendering() throws {
        let a = try Address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        let v: ABIValue = .tuple([.uint(.max), .int(Int256(-5)), .address(a), .bool(true), .bytes([1, 2]),
                                  .array([.string("q\"\n")])])
        #expect(v.jsonString == #"["115792089237316195423570985008687907853269984665640564039457584007913129639935","-5","0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",true,"0x0102",["q\"\n"]]"#)
        let tree = try #require(v.jsonValue as? [Any])
        #expect(tree[3] as? Bool == true)
        #expect(tree[2] as? String == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        #expect(try ABIValue(json: v.jsonValue, type: ABIType(parsing: "(uint256,int8,address,bool,bytes,string[])")) == v)
        #expect(throws: ABIError.at("[1]", .typeMismatch(expected: "uint256", got: "JSON Bool"))) {
            try ABIValue(json: [1, true] as [Any], type: .array(.uint(256)))
        }
    }

    @Test func accessorsThrowTypedErrors() throws {
        #expect(try ABIValue.uint(5).asUInt256 == 5)
        #expect(try ABIValue.uint(5).asUInt64 == 5)
        #expect(throws: ABIError.outOfRange(value: UInt256.max.description, type: "UInt64")) { try ABIValue.uint(.max).asUInt64 }
        #expect(throws: ABIError.typeMismatch(expected: "address", got: "uint")) { try ABIValue.uint(5).asAddress }
        #expect(throws: ABIError.typeMismatch(expected: "string", got: "bytes2")) { try ABIValue.fixedBytes([1, 2]).asString }
        #expect(try ABIValue.fixedBytes([1, 2]).asBytes == [1, 2])
        #expect(try ABIValue.tuple([.bool(true)]).asTuple == [.bool(true)])
        #expect(throws: ABIError.self) { try ABIValue.tuple([.bool(true)]).asArray }
    }
}
