import EthCore
import Testing

@testable import EthRPC

@Suite("RPC errors: classification, revert decoding, retryability")
struct RPCErrorTests {
    /// Error(string) encoded by hand: selector, offset 0x20, length, padded UTF-8.
    static func errorString(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = [0x08, 0xc3, 0x79, 0xa0]
        out += UInt256(32).bigEndianBytes
        out += UInt256(UInt64(bytes.count)).bigEndianBytes
        out += bytes + [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
        return out
    }

    @Test func selectorsAreTheKeccakPrefixes() {
        #expect(RevertReason.errorSelector == Array(Keccak256.hash("Error(string)").prefix(4)))
        #expect(RevertReason.panicSelector == Array(Keccak256.hash("Panic(uint256)").prefix(4)))
    }

    @Test func decodesErrorString() {
        #expect(RevertReason.decode(Self.errorString("UniswapV2: K")) == .error("UniswapV2: K"))
        #expect(RevertReason.decode(Self.errorString("")) == .error(""))
        let long = String(repeating: "slippage ", count: 10)
        #expect(RevertReason.decode(Self.errorString(long)) == .error(long))
    }

    @Test func decodesPanic() {
        let data = RevertReason.panicSelector + UInt256(0x11).bigEndianBytes
        let reason = RevertReason.decode(data)
        #expect(reason == .panic(code: UInt256(0x11), meaning: RevertReason.panicMeaning(0x11)))
        #expect(reason.description == "panic 0x11: arithmetic overflow or underflow")
    }

    @Test func keepsUnknownSelectorsAndHandlesHostileData() {
        #expect(RevertReason.decode([]) == .empty)
        #expect(RevertReason.decode([0x08, 0xc3, 0x79]) == .unknown([0x08, 0xc3, 0x79]))
        #expect(RevertReason.decode([0xde, 0xad, 0xbe, 0xef, 1, 2]) == .unknown([0xde, 0xad, 0xbe, 0xef, 1, 2]))
        // Error(string) with a length pointing far past the end, an offset of 2^255, and truncation.
        var lying = Self.errorString("abc")
        lying[4 + 32 + 31] = 0xff
        #expect({ if case .unknown = RevertReason.decode(lying) { return true } else { return false } }())
        var hugeOffset = Self.errorString("abc")
        hugeOffset[4] = 0x80
        #expect({ if case .unknown = RevertReason.decode(hugeOffset) { return true } else { return false } }())
        #expect({ if case .unknown = RevertReason.decode(Array(Self.errorString("abc").prefix(40))) { return true } else { return false } }())
        // Panic with a short body is not a panic.
        #expect({ if case .unknown = RevertReason.decode(RevertReason.panicSelector + [1]) { return true } else { return false } }())
    }

    @Test func classifiesNodeErrors() {
        let revertData = JSONValue.string(Hex.encode(Self.errorString("too little received")))
        guard case .executionReverted(let geth) = RPCError.classify(code: 3, message: "execution reverted: too little received", data: revertData) else {
            Issue.record("geth-style revert not recognised")
            return
        }
        #expect(geth.reason == .error("too little received"))
        #expect(geth.data == Self.errorString("too little received"))
        // Hardhat/ganache style: message plus data nested in an object.
        guard case .executionReverted(let nested) = RPCError.classify(
            code: -32000, message: "VM Exception while processing transaction: revert",
            data: ["message": "revert", "data": revertData])
        else {
            Issue.record("nested revert data not recognised")
            return
        }
        #expect(nested.reason == .error("too little received"))
        guard case .executionReverted(let bare) = RPCError.classify(code: -32000, message: "execution reverted", data: nil) else {
            Issue.record("bare revert not recognised")
            return
        }
        #expect(bare.data.isEmpty && bare.reason == .empty)

        #expect(RPCError.classify(code: -32000, message: "nonce too low: address 0x.., tx: 3 state: 5", data: nil)
            == .nonceTooLow("nonce too low: address 0x.., tx: 3 state: 5"))
        #expect(RPCError.classify(code: -32000, message: "replacement transaction underpriced", data: nil)
            == .replacementUnderpriced("replacement transaction underpriced"))
        #expect(RPCError.classify(code: -32000, message: "insufficient funds for gas * price + value", data: nil)
            == .insufficientFunds("insufficient funds for gas * price + value"))
        #expect(RPCError.classify(code: -32000, message: "already known", data: nil) == .alreadyKnown("already known"))
        #expect(RPCError.classify(code: -32602, message: "invalid params", data: nil) == .rpc(code: -32602, message: "invalid params"))
    }

    @Test func retryabilityAndMessages() {
        let retryable: [RPCError] = [
            .transport(.connectionRefused, url: "u", detail: ""), .transport(.hostNotFound, url: "u", detail: ""),
            .transport(.connectionLost, url: "u", detail: ""), .timeout(url: "u", milliseconds: 1),
            .rateLimited(url: "u", retryAfterSeconds: nil), .httpServerError(status: 502, url: "u", body: ""),
            .missingResponse(id: 1, method: "m"), .rpc(code: -32005, message: "limit exceeded"),
            .rpc(code: -32000, message: "header not found"), .httpStatus(status: 408, url: "u", body: ""),
        ]
        let final: [RPCError] = [
            .transport(.tls, url: "u", detail: ""), .transport(.invalidURL, url: "u", detail: ""),
            .httpStatus(status: 401, url: "u", body: ""), .malformedReply("x"), .rpc(code: -32602, message: "invalid params"),
            .executionReverted(RevertInfo(data: [], nodeMessage: "execution reverted")), .nonceTooLow("m"),
            .replacementUnderpriced("m"), .insufficientFunds("m"), .alreadyKnown("m"), .notFound("block 5"),
            .responseTooLarge(limitBytes: 1), .invalidArgument("x"),
            .staleNode(StalenessReport(node: "n", problems: [])),
        ]
        for e in retryable {
            #expect(e.isRetryable, "\(e)")
            #expect(e.description.contains("[retryable"), "\(e)")
        }
        for e in final {
            #expect(!e.isRetryable, "\(e)")
            #expect(!e.description.contains("\n"))
        }
        let revert = RPCError.executionReverted(RevertInfo(data: Self.errorString("K"), nodeMessage: "execution reverted"))
        #expect(revert.description == "execution reverted: K [not retryable]")
    }
}
