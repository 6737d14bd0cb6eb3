import EthCore

// ABI decoding of hostile bytes against representative types (static, dynamic, nested, the
// project's own call results) and against a type written in the input itself. Decoding throws,
// never traps; what decodes re-encodes canonically and decodes to the same values.

/// Shapes the client decodes: reserves, Multicall3 results, Balancer pool tokens, dynamic and
/// nested arrays and tuples.
private let representativeTypes: [[ABIType]] = [
    "(uint112,uint112,uint32)",
    "(address,uint256,bool,bytes32,int24)",
    "(bytes,string)",
    "((bool,bytes)[])",
    "(address[],uint256[],uint256)",
    "((address,uint256)[],bytes[])",
    "(string[2],(uint8,bytes)[][])",
    "(bytes4,int256,uint8[3],(bool,string))",
    "(int128,uint16,(address,(bytes,uint256[])[2])[])",
].map { text in
    guard case .tuple(let types) = try! ABIType(parsing: text) else { fatalError("not a tuple: \(text)") }
    return types
}

@_cdecl("LLVMFuzzerTestOneInput")
public func abiDecodingFuzzer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let choice = bytes.first else { return 0 }
    var payload = Array(bytes.dropFirst())
    let types: [ABIType]
    if Int(choice) < representativeTypes.count {
        types = representativeTypes[Int(choice)]
    } else {
        // "<type text>\0<data>": the type parser gets hostile text too.
        guard let nul = payload.firstIndex(of: 0) else { return 0 }
        let text = String(decoding: payload[..<nul], as: UTF8.self)
        payload = Array(payload[(nul + 1)...])
        guard let parsed = try? ABIType(parsing: text) else { return 0 }
        types = [parsed]
    }
    _ = RevertReason.decode(payload).description
    let values: [ABIValue]
    do { values = try ABIDecoder.decode(types, payload) } catch {
        _ = error.description
        return 0
    }
    let encoded: [UInt8]
    do { encoded = try ABIEncoder.encode(types, values) } catch {
        fatalError("ABI: decoded values do not encode: \(error)")
    }
    guard (try? ABIDecoder.decode(types, encoded)) == values else {
        fatalError("ABI: decode(encode(values)) != values for \(types)")
    }
    return 0
}
