import EthCore

/// Multicall3 `aggregate3((address target, bool allowFailure, bytes callData)[])
/// returns ((bool success, bytes returnData)[])`, encoded and decoded by hand for exactly this
/// shape (standard ABI encoding: head/tail layout, offsets relative to the start of each
/// enclosing tuple or array body).
public enum Multicall3 {
    public struct Call: Sendable, Equatable {
        public var target: Address
        /// false: a failing call reverts the whole aggregate3 (and so its whole chunk).
        public var allowFailure: Bool
        public var callData: [UInt8]

        public init(target: Address, allowFailure: Bool = true, callData: [UInt8]) {
            self.target = target
            self.allowFailure = allowFailure
            self.callData = callData
        }
    }

    public struct Result: Sendable, Equatable {
        public var success: Bool
        public var returnData: [UInt8]

        public init(success: Bool, returnData: [UInt8]) {
            self.success = success
            self.returnData = returnData
        }
    }

    /// Limits per eth_call: nodes cap request size and gas per call; beyond these, calls are split.
    public struct Budget: Sendable, Equatable {
        public var maxCalls: Int
        /// Calldata bytes of one aggregate3 call (selector included).
        public var maxCalldataBytes: Int

        public init(maxCalls: Int = 500, maxCalldataBytes: Int = 100_000) {
            self.maxCalls = max(1, maxCalls)
            self.maxCalldataBytes = max(1, maxCalldataBytes)
        }

        public static let `default` = Budget()
    }

    /// First 4 bytes of keccak256("aggregate3((address,bool,bytes)[])").
    public static let aggregate3Selector: [UInt8] = [0x82, 0xad, 0x56, 0xcb]

    /// Selector + offset word + length word: the bytes an aggregate3 call has before its elements.
    static let fixedOverhead = 4 + 32 + 32

    /// Bytes one element adds: its offset in the array head, the tuple head (address, bool,
    /// bytes offset), the bytes length and the data padded to whole words.
    static func encodedSize(_ call: Call) -> Int {
        32 + 3 * 32 + 32 + paddedLength(call.callData.count)
    }

    static func paddedLength(_ n: Int) -> Int { (n + 31) / 32 * 32 }

    public static func encodeAggregate3(_ calls: [Call]) -> [UInt8] {
        var out = aggregate3Selector
        out.reserveCapacity(fixedOverhead + calls.reduce(0) { $0 + encodedSize($1) })
        out += word(32)  // offset of the array argument
        out += word(calls.count)
        // Array head: offsets of each tuple, relative to the start of the head.
        var offset = 32 * calls.count
        for call in calls {
            out += word(offset)
            offset += 3 * 32 + 32 + paddedLength(call.callData.count)
        }
        for call in calls {
            out += call.target.word
            out += word(call.allowFailure ? 1 : 0)
            out += word(3 * 32)  // bytes tail starts after the 3-word tuple head
            out += word(call.callData.count)
            out += call.callData
            out += [UInt8](repeating: 0, count: paddedLength(call.callData.count) - call.callData.count)
        }
        return out
    }

    /// Decodes aggregate3's return data; `expectedCount` guards against a reply for other calls.
    /// Every offset and length is bounds-checked: hostile data gives `.malformedReply`, never a trap.
    public static func decodeAggregate3(_ data: [UInt8], expectedCount: Int) throws(RPCError) -> [Result] {
        func fail(_ what: String) -> RPCError { .malformedReply("aggregate3 return data: \(what)") }
        guard let arrayOffset = readWord(data, at: 0) else { throw fail("shorter than one word") }
        guard let count = readWord(data, at: arrayOffset) else { throw fail("array offset \(arrayOffset) out of range") }
        guard count == expectedCount else { throw fail("\(count) results for \(expectedCount) calls") }
        let head = arrayOffset + 32
        guard count <= (data.count - head) / 32 else { throw fail("array of \(count) elements does not fit") }
        var results: [Result] = []
        results.reserveCapacity(count)
        for i in 0..<count {
            guard let relative = readWord(data, at: head + 32 * i), let tuple = add(head, relative),
                let flag = readWord(data, at: tuple), flag <= 1,
                let bytesRelative = readWord(data, at: tuple + 32), let bytesStart = add(tuple, bytesRelative),
                let length = readWord(data, at: bytesStart)
            else { throw fail("element \(i) is malformed or out of range") }
            let start = bytesStart + 32
            guard length <= data.count - start else { throw fail("element \(i) returnData length \(length) out of range") }
            results.append(Result(success: flag == 1, returnData: Array(data[start..<(start + length)])))
        }
        return results
    }

    /// Splits calls so that each chunk's calldata stays within the budget (a single call larger
    /// than the byte budget gets a chunk of its own). Order is preserved.
    public static func chunk(_ calls: [Call], budget: Budget) -> [[Call]] {
        var chunks: [[Call]] = []
        var current: [Call] = []
        var size = fixedOverhead
        for call in calls {
            let extra = encodedSize(call)
            if !current.isEmpty && (current.count >= budget.maxCalls || size + extra > budget.maxCalldataBytes) {
                chunks.append(current)
                current = []
                size = fixedOverhead
            }
            current.append(call)
            size += extra
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    static func word(_ value: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var v = UInt64(value)
        for i in stride(from: 31, through: 24, by: -1) {
            out[i] = UInt8(truncatingIfNeeded: v)
            v >>= 8
        }
        return out
    }

    /// The word at `position` as an Int; nil when out of bounds or above 2^32 (no valid offset is).
    static func readWord(_ data: [UInt8], at position: Int) -> Int? {
        guard position >= 0, data.count >= 32, position <= data.count - 32 else { return nil }
        for i in position..<(position + 28) where data[i] != 0 { return nil }
        var value = 0
        for i in (position + 28)..<(position + 32) { value = value << 8 | Int(data[i]) }
        return value
    }

    static func add(_ a: Int, _ b: Int) -> Int? {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : sum
    }
}

extension EthBatch {
    /// Multicall3 aggregate3 of `calls` at this batch's block, chunked by `budget`; each chunk is
    /// one eth_call in this batch. The value is one result per call, in order; if a chunk's
    /// eth_call itself failed (e.g. an allowFailure=false call reverted), that error is thrown.
    public func aggregate3(
        multicall: Address, calls: [Multicall3.Call], budget: Multicall3.Budget = .default
    ) -> Pending<[Multicall3.Result]> {
        let chunks = Multicall3.chunk(calls, budget: budget)
        let requests = chunks.map { chunk in
            Eth.call(to: multicall, data: Multicall3.encodeAggregate3(chunk), block: block).call
        }
        let sizes = chunks.map(\.count)
        return addGroup(requests) { raw throws(RPCError) in
            var results: [Multicall3.Result] = []
            results.reserveCapacity(calls.count)
            for (i, answer) in raw.enumerated() {
                let data = try EthJSON.bytes(try answer.get(), .init("eth_call(aggregate3) chunk \(i)"))
                results += try Multicall3.decodeAggregate3(data, expectedCount: sizes[i])
            }
            return results
        }
    }
}
