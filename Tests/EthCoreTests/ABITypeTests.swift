import Testing
@testable import EthCore

@Suite struct ABITypeTests {
    @Test func parsesAndPrintsCanonicalNames() throws {
        let cases: [(String, ABIType, String)] = [
            ("uint256", .uint(256), "uint256"),
            ("uint", .uint(256), "uint256"),
            ("int", .int(256), "int256"),
            ("int8", .int(8), "int8"),
            ("address", .address, "address"),
            ("bool", .bool, "bool"),
            ("bytes1", .fixedBytes(1), "bytes1"),
            ("bytes32", .fixedBytes(32), "bytes32"),
            ("bytes", .bytes, "bytes"),
            ("string", .string, "string"),
            ("uint256[]", .array(.uint(256)), "uint256[]"),
            ("uint[2][]", .array(.fixedArray(.uint(256), 2)), "uint256[2][]"),
            ("(uint256,address)[]", .array(.tuple([.uint(256), .address])), "(uint256,address)[]"),
            ("( uint , (bool,string[]) )[3]", .fixedArray(.tuple([.uint(256), .tuple([.bool, .array(.string)])]), 3),
             "(uint256,(bool,string[]))[3]"),
            ("tuple(uint256,bool)", .tuple([.uint(256), .bool]), "(uint256,bool)"),
        ]
        for (text, type, canonical) in cases {
            let parsed = try ABIType(parsing: text)
            #expect(parsed == type, "\(text)")
            #expect(parsed.canonicalName == canonical)
            #expect(try ABIType(parsing: canonical) == type)
        }
    }

    @Test func rejectsInvalidTypesWithTypedErrors() {
        for bad in ["uint7", "uint0", "uint264", "int3", "bytes0", "bytes33", "uint08", "float", "fixed128x18",
                    "uint256[", "uint256[]]", "uint256[0]", "()", "(uint256", "(uint256,)", "uint256 x", "",
                    "uint256[99999999999]", String(repeating: "(", count: 10_000)] {
            #expect(throws: ABIError.self, "\(bad)") { try ABIType(parsing: bad) }
        }
        do {
            _ = try ABIType(parsing: "uint7")
            Issue.record("uint7 parsed")
        } catch {
            guard case .invalidType(let t, let reason) = error else { Issue.record("\(error)"); return }
            #expect(t == "uint7")
            #expect(reason.contains("multiple of 8"))
        }
        #expect(throws: ABIError.invalidType("bytes33", reason: "bytesN needs N from 1 to 32")) {
            try ABIType(parsing: "bytes33")
        }
        #expect(throws: ABIError.tooDeep(limit: ABIType.maxDepth)) {
            try ABIType(parsing: "uint256" + String(repeating: "[]", count: 40))
        }
    }

    @Test func dynamismAndHeadSizes() throws {
        let cases: [(String, Bool, Int)] = [
            ("uint8", false, 32), ("bytes", true, 32), ("string", true, 32), ("uint256[]", true, 32),
            ("uint256[3]", false, 96), ("uint256[2][3]", false, 192), ("string[2]", true, 32),
            ("(uint256,bool,address)", false, 96), ("(uint256,bytes)", true, 32),
            ("(uint256,(bool,bytes4)[2])[2]", false, 320),
        ]
        for (text, dynamic, head) in cases {
            let t = try ABIType(parsing: text)
            #expect(t.isDynamic == dynamic, "\(text)")
            #expect(t.headSize == head, "\(text)")
        }
    }

    @Test func handBuiltInvalidTypesAreCaught() {
        for t: ABIType in [.uint(7), .int(264), .fixedBytes(0), .fixedArray(.bool, 0), .tuple([]),
                           .fixedArray(.uint(256), Int.max), .fixedArray(.fixedArray(.uint(256), 1 << 20), 1 << 20)] {
            #expect(throws: ABIError.self, "\(t)") { try t.validate() }
            #expect(throws: ABIError.self) { try ABIDecoder.decode([t], [UInt8](repeating: 0, count: 64)) }
        }
    }

    @Test func signaturesWithNamesOutputsAndKeywords() throws {
        let swap = try ABIFunction(signature: "swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external")
        #expect(swap.signature == "swap(uint256,uint256,address,bytes)")
        #expect(swap.selectorHex == "0x022c0d9f")
        #expect(swap.inputs.map(\.name) == ["amount0Out", "amount1Out", "to", "data"])

        let balance = try ABIFunction(signature: "function balanceOf(address owner) external view returns (uint256 balance)")
        #expect(balance.name == "balanceOf")
        #expect(balance.stateMutability == "view")
        #expect(balance.outputs == [ABIParameter(name: "balance", type: .uint(256))])

        let nested = try ABIFunction(signature: "f((uint256 a, (address b, bytes[] c)[2] d)[] memory xs, address payable to)")
        #expect(nested.signature == "f((uint256,(address,bytes[])[2])[],address)")

        let transfer = try ABIEvent(signature: "event Transfer(address indexed from, address indexed to, uint256 value)")
        #expect(transfer.topic0.hexString == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
        #expect(transfer.inputs.map(\.indexed) == [true, true, false])

        let custom = try ABICustomError(signature: "error InsufficientBalance(uint256 available, uint256 required)")
        #expect(custom.signature == "InsufficientBalance(uint256,uint256)")
        #expect(throws: ABIError.invalidSignature("error E(uint256)", reason: "\"error\" declares no function")) {
            try ABIFunction(signature: "error E(uint256)")
        }
        let anonymous = try ABIEvent(signature: "Note(string indexed text, bytes32 tag) anonymous")
        #expect(anonymous.anonymous && anonymous.inputs.map(\.indexed) == [true, false])

        for bad in ["transfer", "transfer(address", "transfer(address,uint7)", "1abc()", "f(uint256)(bool)(bool)",
                    "f(uint256 indexed x)", "event E(uint256)", "f(uint256) returns", "f(uint256 a b)",
                    "transfer(address,uint256) retuns (bool)", "f(uint256) view (bool) (bool)"] {
            #expect(throws: ABIError.self, "\(bad)") { try ABIFunction(signature: bad) }
        }
        #expect(throws: ABIError.invalidSignature("f(uint7)", reason: "integer width must be a multiple of 8 from 8 to 256")) {
            try ABIFunction(signature: "f(uint7)")
        }
    }
}

@Suite struct ABIParserFuzzTests {
    /// Random token soup through the type, signature, value-text and ABI JSON readers: errors, no crashes.
    @Test func parsersNeverCrash() {
        var r = ABIRandom(seed: 11)
        let tokens = ["(", ")", "[", "]", ",", " ", "uint", "256", "8", "int", "bytes", "address", "bool", "string",
                      "tuple", "indexed", "returns", "f", "x", "0", "99999999999999999999", "\"", "\\", "0x", "ff",
                      "-", "true", "é", "function", "event", "view"]
        for _ in 0..<3000 {
            let text = (0..<r.int(0...25)).map { _ in tokens[r.int(0...tokens.count - 1)] }.joined()
            _ = try? ABIType(parsing: text)
            _ = try? ABIFunction(signature: text)
            _ = try? ABIEvent(signature: "E" + text)
            let t = r.type()
            _ = try? ABIValue.parse(text, as: t)
        }
    }
}

@Suite struct ABIErrorMessageTests {
    @Test func messagesStayOnOneLine() {
        let long = String(repeating: "(", count: 5000)
        do { _ = try ABIType(parsing: long); Issue.record("parsed") } catch {
            #expect(!error.description.contains("\n"))
            #expect(error.description.count < 300)
        }
        do { _ = try ABIValue.parse("1\n2", as: .uint(256)); Issue.record("parsed") } catch {
            #expect(error.description == #"cannot read "1\n2" as uint256: not a decimal or 0x integer below 2^256"#)
        }
    }
}
