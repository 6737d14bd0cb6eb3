import EthCore
import Foundation
import Market

// A snapshot file is user input (`--state FILE`, written by hand for what-if planning): decoding
// and validation throw a located error, never trap; an accepted snapshot writes out as JSON that
// reads back to the same state.
@_cdecl("LLVMFuzzerTestOneInput")
public func chainStateFuzzer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json = Data(UnsafeBufferPointer(start: data, count: size))
    let state: ChainState
    do { state = try ChainState.decode(json) } catch {
        _ = error.description
        return 0
    }
    let written: Data
    do { written = try state.jsonData() } catch { fatalError("ChainState: an accepted snapshot does not encode: \(error)") }
    guard (try? ChainState.decode(written)) == state else {
        fatalError("ChainState: read(write(state)) != state for \(String(decoding: written, as: UTF8.self))")
    }
    return 0
}
