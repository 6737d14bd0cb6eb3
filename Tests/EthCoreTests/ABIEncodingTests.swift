import Testing
@testable import EthCore

@Suite struct ABIEncodingTests {
    // The examples of the Solidity ABI specification, byte for byte.
    @Test func specBaz() throws {
        let f = try ABIFunction(signature: "baz(uint32,bool)")
        let data = try f.encodeCall([.uint(69), .bool(true)])
        #expect(data == abiHex("0xcdcd77c0") + abiWords(
            "0000000000000000000000000000000000000000000000000000000000000045",
            "0000000000000000000000000000000000000000000000000000000000000001"))
        #expect(try f.decodeInput(data) == [.uint(69), .bool(true)])
    }

    @Test func specBar() throws {
        let f = try ABIFunction(signature: "bar(bytes3[2])")
        let args: [ABIValue] = [.array([.fixedBytes(Array("abc".utf8)), .fixedBytes(Array("def".utf8))])]
        let data = try f.encodeCall(args)
        #expect(data == abiHex("0xfce353f6") + abiWords(
            "6162630000000000000000000000000000000000000000000000000000000000",
            "6465660000000000000000000000000000000000000000000000000000000000"))
        #expect(try f.decodeInput(data) == args)
    }

    @Test func specSam() throws {
        let f = try ABIFunction(signature: "sam(bytes,bool,uint256[])")
        let args: [ABIValue] = [.bytes(Array("dave".utf8)), .bool(true), .array([.uint(1), .uint(2), .uint(3)])]
        let data = try f.encodeCall(args)
        #expect(data == abiHex("0xa5643bf2") + abiWords(
            "0000000000000000000000000000000000000000000000000000000000000060",
            "0000000000000000000000000000000000000000000000000000000000000001",
            "00000000000000000000000000000000000000000000000000000000000000a0",
            "0000000000000000000000000000000000000000000000000000000000000004",
            "6461766500000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000003",
            "0000000000000000000000000000000000000000000000000000000000000001",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0000000000000000000000000000000000000000000000000000000000000003"))
        #expect(try f.decodeInput(data) == args)
    }

    @Test func specF() throws {
        let f = try ABIFunction(signature: "f(uint256,uint32[],bytes10,bytes)")
        let args: [ABIValue] = [.uint(0x123), .array([.uint(0x456), .uint(0x789)]),
                                .fixedBytes(Array("1234567890".utf8)), .bytes(Array("Hello, world!".utf8))]
        let data = try f.encodeCall(args)
        #expect(data == abiHex("0x8be65246") + abiWords(
            "0000000000000000000000000000000000000000000000000000000000000123",
            "0000000000000000000000000000000000000000000000000000000000000080",
            "3132333435363738393000000000000000000000000000000000000000000000",
            "00000000000000000000000000000000000000000000000000000000000000e0",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0000000000000000000000000000000000000000000000000000000000000456",
            "0000000000000000000000000000000000000000000000000000000000000789",
            "000000000000000000000000000000000000000000000000000000000000000d",
            "48656c6c6f2c20776f726c642100000000000000000000000000000000000000"))
        #expect(try f.decodeInput(data) == args)
    }

    @Test func specG() throws {
        let f = try ABIFunction(signature: "g(uint256[][],string[])")
        let args: [ABIValue] = [.array([.array([.uint(1), .uint(2)]), .array([.uint(3)])]),
                                .array([.string("one"), .string("two"), .string("three")])]
        let data = try f.encodeCall(args)
        #expect(data == abiHex("0x2289b18c") + abiWords(
            "0000000000000000000000000000000000000000000000000000000000000040",
            "0000000000000000000000000000000000000000000000000000000000000140",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0000000000000000000000000000000000000000000000000000000000000040",
            "00000000000000000000000000000000000000000000000000000000000000a0",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0000000000000000000000000000000000000000000000000000000000000001",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0000000000000000000000000000000000000000000000000000000000000001",
            "0000000000000000000000000000000000000000000000000000000000000003",
            "0000000000000000000000000000000000000000000000000000000000000003",
            "0000000000000000000000000000000000000000000000000000000000000060",
            "00000000000000000000000000000000000000000000000000000000000000a0",
            "00000000000000000000000000000000000000000000000000000000000000e0",
            "0000000000000000000000000000000000000000000000000000000000000003",
            "6f6e650000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000003",
            "74776f0000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000005",
            "7468726565000000000000000000000000000000000000000000000000000000"))
        #expect(try f.decodeInput(data) == args)
    }

    @Test func negativeIntsAreSignExtended() throws {
        let data = try ABIEncoder.encode([.int(8), .int(256)], [.int(Int256(-1)), .int(Int256(-129))])
        #expect(data == abiWords(
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"))
        #expect(try ABIDecoder.decode([.int(8), .int(256)], data) == [.int(Int256(-1)), .int(Int256(-129))])
    }

    @Test func encoderRejectsBadValuesNamingThem() throws {
        #expect(throws: ABIError.at("arg0", .outOfRange(value: "256", type: "uint8"))) {
            try ABIEncoder.encode([.uint(8)], [.uint(256)])
        }
        #expect(throws: ABIError.at("arg1", .outOfRange(value: "-129", type: "int8"))) {
            try ABIEncoder.encode([.bool, .int(8)], [.bool(false), .int(Int256(-129))])
        }
        #expect(throws: ABIError.at("arg0", .outOfRange(value: "128", type: "int8"))) {
            try ABIEncoder.encode([.int(8)], [.int(Int256(128))])
        }
        #expect(try ABIEncoder.encode([.int(8), .uint(8)], [.int(Int256(-128)), .uint(255)]).count == 64)
        #expect(throws: ABIError.at("arg0", .wrongArrayLength(type: "uint256[3]", expected: 3, got: 2))) {
            try ABIEncoder.encode([.fixedArray(.uint(256), 3)], [.array([.uint(1), .uint(2)])])
        }
        #expect(throws: ABIError.at("arg0[1].1", .typeMismatch(expected: "address", got: "uint"))) {
            try ABIEncoder.encode([.array(.tuple([.uint(256), .address]))],
                                  [.array([.tuple([.uint(1), .address(.zero)]), .tuple([.uint(2), .uint(3)])])])
        }
        #expect(throws: ABIError.at("arg0", .wrongByteCount(type: "bytes4", expected: 4, got: 3))) {
            try ABIEncoder.encode([.fixedBytes(4)], [.fixedBytes([1, 2, 3])])
        }
        #expect(throws: ABIError.wrongArgumentCount(expected: 2, got: 1)) {
            try ABIEncoder.encode([.uint(256), .bool], [.uint(1)])
        }
        #expect(throws: ABIError.self) { try ABIEncoder.encode([.uint(7)], [.uint(1)]) }
        #expect(throws: ABIError.self) { try ABIEncoder.encode([.tuple([])], [.tuple([])]) }
        let message = ABIError.at("arg0[1].1", .typeMismatch(expected: "address", got: "uint")).description
        #expect(message == "arg0[1].1: expected a value of type address, got uint")
    }

    @Test func wellKnownSelectors() throws {
        let cases = [
            ("transfer(address,uint256)", "0xa9059cbb"),
            ("approve(address,uint256)", "0x095ea7b3"),
            ("balanceOf(address)", "0x70a08231"),
            ("getReserves()(uint112,uint112,uint32)", "0x0902f1ac"),
            ("swapExactTokensForTokens(uint256,uint256,address[],address,uint256)", "0x38ed1739"),
            ("aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)", "0x82ad56cb"),
            ("function transfer(address to, uint256 amount) external returns (bool)", "0xa9059cbb"),
        ]
        for (signature, selector) in cases {
            #expect(try ABIFunction(signature: signature).selectorHex == selector, "\(signature)")
        }
        let reserves = try ABIFunction(signature: "getReserves()(uint112,uint112,uint32)")
        #expect(reserves.outputs.types == [.uint(112), .uint(112), .uint(32)])
        #expect(reserves.fullSignature == "getReserves()(uint112,uint112,uint32)")
        let aggregate = try ABIFunction(signature: "aggregate3((address,bool,bytes)[])((bool,bytes)[])")
        #expect(aggregate.signature == "aggregate3((address,bool,bytes)[])")
        #expect(aggregate.outputs.types == [.array(.tuple([.bool, .bytes]))])
    }

    @Test func callRoundTripAndSelectorCheck() throws {
        let transfer = try ABIFunction(signature: "transfer(address,uint256)(bool)")
        let to = try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        let calldata = try transfer.encodeCall([.address(to), .uint(1_000_000)])
        #expect(calldata.count == 68)
        #expect(try transfer.decodeInput(calldata) == [.address(to), .uint(1_000_000)])
        let approve = try ABIFunction(signature: "approve(address,uint256)")
        #expect(throws: ABIError.self) { try approve.decodeInput(calldata) }
        #expect(try transfer.decodeOutput(abiWords(
            "0000000000000000000000000000000000000000000000000000000000000001")) == [.bool(true)])
    }

    @Test func multicallOutputs() throws {
        let aggregate = try ABIFunction(signature: "aggregate3((address,bool,bytes)[])((bool,bytes)[])")
        let results: [ABIValue] = [.array([.tuple([.bool(true), .bytes(abiWords("00000000000000000000000000000000000000000000000000000000000003e8"))]),
                                           .tuple([.bool(false), .bytes([])])])]
        let encoded = try aggregate.encodeOutput(results)
        #expect(try aggregate.decodeOutput(encoded) == results)
    }
}
