import EthCore

// Property: RLP decoding is strict (canonical only), so whatever decodes re-encodes to exactly the
// input bytes, and decoding that encoding gives the same item back.
@_cdecl("LLVMFuzzerTestOneInput")
public func rlpFuzzer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let item = try? RLP.decode(bytes) else { return 0 }
    let encoded = RLP.encode(item)
    guard encoded == bytes else { fatalError("RLP: encode(decode(x)) != x for \(bytes)") }
    guard (try? RLP.decode(encoded)) == item else { fatalError("RLP: decode(encode(item)) != item") }
    readScalars(item)
    return 0
}

/// The typed accessors transaction decoding uses must throw, never trap, on any item.
private func readScalars(_ item: RLPItem) {
    _ = try? item.uint256Value()
    _ = try? item.uint64Value()
    _ = try? item.bytesValue()
    if let items = try? item.listValue() {
        for child in items { readScalars(child) }
    }
}
