import Foundation
import Testing
@testable import EthCore

@Suite struct ABIContractTests {
    static func contract() throws -> ABIContract {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/abi_contract.json")
        return try ABIContract(jsonData: Array(try Data(contentsOf: url)))
    }

    @Test func loadsFunctionsEventsErrorsAndSpecialEntries() throws {
        let c = try Self.contract()
        #expect(c.functions.count == 11)
        #expect(c.events.count == 4)
        #expect(c.errors.count == 2)
        #expect(c.constructorInputs?.map(\.type) == [.string, .uint(8)])
        #expect(c.hasFallback && c.hasReceive)
        #expect(try c.encodeConstructorArguments([.string("Token"), .uint(18)]) == ABIEncoder.encode([.string, .uint(8)], [.string("Token"), .uint(18)]))
        #expect(throws: ABIError.self) { try c.encodeConstructorArguments([.string("Token"), .uint(256)]) }

        #expect(try c.function("transfer").selectorHex == "0xa9059cbb")
        #expect(try c.function("balanceOf").outputs.types == [.uint(256)])
        #expect(try c.function("allowance").stateMutability == "view")  // from the old `constant` flag
        #expect(c.function(selector: abiHex("0x095ea7b3"))?.name == "approve")

        let batchSwap = try c.function("batchSwap")
        #expect(batchSwap.signature == "batchSwap(uint8,(bytes32,uint256,uint256,uint256,bytes)[],address[],(address,bool,address,bool),int256[],uint256)")
        #expect(batchSwap.selectorHex == "0x945bcec9")
        #expect(batchSwap.stateMutability == "payable")
        #expect(try c.function("queryBatchSwap").selectorHex == "0xf84d066e")
        #expect(try c.function("pairs").inputs.types == [.array(.fixedArray(.tuple([.address, .fixedArray(.uint(16), 3)]), 2))])

        #expect(c.event(topic0: abiHex("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"))?.name == "Transfer")
        #expect(try c.event("Swap").topic0.hexString == "0x2170c741c41531aec20e7c107c24eecfdd15e69c9bb0a8dd37b1840b9e0b207b")
        #expect(c.error(selector: abiHex("0xe450d38c"))?.name == "ERC20InsufficientBalance")
    }

    @Test func overloadsNeedASignature() throws {
        let c = try Self.contract()
        #expect(c.functions(named: "safeTransferFrom").count == 2)
        #expect(throws: ABIError.ambiguousMember("safeTransferFrom", candidates: [
            "safeTransferFrom(address,address,uint256)", "safeTransferFrom(address,address,uint256,bytes)"])) {
            try c.function("safeTransferFrom")
        }
        #expect(try c.function("safeTransferFrom(address,address,uint256)").selectorHex == "0x42842e0e")
        #expect(try c.function("safeTransferFrom(address from, address to, uint256 id, bytes data)").selectorHex == "0xb88d4fde")
        #expect(throws: ABIError.unknownMember("mint")) { try c.function("mint") }
    }

    @Test func batchSwapCallRoundTrips() throws {
        let c = try Self.contract()
        let f = try c.function("batchSwap")
        let weth = try Address("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2")
        let usdc = try Address("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48")
        let poolId = abiHex("0x96646936b91d6b9d7d0c47c496afbf3d6ec7b6f8000200000000000000000019")
        let args: [ABIValue] = [
            .uint(0),
            .array([.tuple([.fixedBytes(poolId), .uint(0), .uint(1), .uint(1_000_000_000_000_000_000), .bytes([])])]),
            .array([.address(weth), .address(usdc)]),
            .tuple([.address(weth), .bool(false), .address(weth), .bool(false)]),
            .array([.int(Int256(1_000_000_000_000_000_000)), .int(-Int256(2_900_000_000))]),
            .uint(UInt256(UInt64(1_764_000_000))),
        ]
        let calldata = try f.encodeCall(args)
        #expect(Array(calldata.prefix(4)).hexString == "0x945bcec9")
        let (called, decoded) = try c.decodeCall(calldata)
        #expect(called.name == "batchSwap")
        #expect(decoded == args)
        let deltas: [ABIValue] = [.array([.int(Int256(1_000_000_000_000_000_000)), .int(-Int256(2_912_345_678))])]
        #expect(try f.decodeOutput(f.encodeOutput(deltas)) == deltas)
    }

    @Test func acceptsArtifactsAndReportsBadFields() throws {
        let artifact = #"{"abi": [{"type": "function", "name": "f", "inputs": [{"name": "x", "type": "uint"}], "outputs": []}], "bytecode": "0x"}"#
        #expect(try ABIContract(json: artifact).functions.first?.signature == "f(uint256)")

        let badType = #"[{"type": "function", "name": "ok", "inputs": []}, {"type": "function", "name": "f", "inputs": [{"name": "x", "type": "uint7"}]}]"#
        #expect(throws: ABIError.invalidJSON(field: "abi[1].inputs[0].type", reason: "integer width must be a multiple of 8 from 8 to 256")) {
            try ABIContract(json: badType)
        }
        let noComponents = #"[{"type": "event", "name": "E", "inputs": [{"name": "x", "type": "tuple[]", "indexed": false}]}]"#
        #expect(throws: ABIError.invalidJSON(field: "abi[0].inputs[0].components", reason: "a tuple needs its components")) {
            try ABIContract(json: noComponents)
        }
        let nestedBad = #"[{"type": "function", "name": "f", "inputs": [{"type": "tuple", "components": [{"type": "bool"}, {"type": "bytes40"}]}]}]"#
        #expect(throws: ABIError.invalidJSON(field: "abi[0].inputs[0].components[1].type", reason: "bytesN needs N from 1 to 32")) {
            try ABIContract(json: nestedBad)
        }
        let missingType = #"[{"type": "function", "name": "f", "inputs": [{"name": "x"}]}]"#
        #expect(throws: ABIError.invalidJSON(field: "abi[0].inputs[0].type", reason: "missing field")) {
            try ABIContract(json: missingType)
        }
        #expect(throws: ABIError.self) { try ABIContract(json: "[{]") }
        #expect(throws: ABIError.self) { try ABIContract(json: #"[{"type": "modifier", "name": "m"}]"#) }
        #expect(throws: ABIError.self) { try ABIContract(json: #"{"bytecode": "0x"}"#) }
    }
}
