import Foundation
import Market

// networks/<name>.json: decoding and validation throw an error naming the file and field, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func networkFuzzer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json = Data(UnsafeBufferPointer(start: data, count: size))
    do { _ = try NetworkConfig.decode(json, file: "networks/fuzz.json") } catch {
        _ = error.description
    }
    return 0
}
