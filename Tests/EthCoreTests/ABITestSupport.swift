@testable import EthCore
import TestOracles

/// Hex from 32-byte words written one per line, as the Solidity docs lay encodings out.
func abiWords(_ words: String...) -> [UInt8] {
    words.flatMap { (try? Hex.decode($0)) ?? [] }
}

func abiHex(_ s: String) -> [UInt8] { (try? Hex.decode(s)) ?? [] }

/// Random ABI types and matching values for property tests (seeded, so failures reproduce).
struct ABIRandom {
    var rng: SeededRandom

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }

    mutating func type(depth: Int = 0, maxDepth: Int = 3) -> ABIType {
        let roll = int(0...99)
        if depth >= maxDepth || roll < 55 {
            switch int(0...6) {
            case 0: return .uint(8 * int(1...32))
            case 1: return .int(8 * int(1...32))
            case 2: return .address
            case 3: return .bool
            case 4: return .fixedBytes(int(1...32))
            case 5: return .bytes
            default: return .string
            }
        }
        if roll < 70 { return .array(type(depth: depth + 1, maxDepth: maxDepth)) }
        if roll < 85 { return .fixedArray(type(depth: depth + 1, maxDepth: maxDepth), int(1...3)) }
        return .tuple((0..<int(1...3)).map { _ in type(depth: depth + 1, maxDepth: maxDepth) })
    }

    /// A uniformly random word masked to `bits`, or an edge value.
    mutating func word(bits: Int) -> UInt256 {
        let full = UInt256(bigEndian: bytes(32)) ?? .zero
        let mask = bits == 256 ? UInt256.max : (UInt256.one << UInt256(UInt64(bits))) - .one
        switch int(0...5) {
        case 0: return .zero
        case 1: return mask
        case 2: return UInt256(UInt64(int(0...1000))) & mask
        default: return (full >> UInt256(UInt64(int(0...255)))) & mask
        }
    }

    mutating func value(_ t: ABIType) -> ABIValue {
        switch t {
        case .uint(let bits): return .uint(word(bits: bits))
        case .int(let bits):
            // Non-negative below 2^(bits-1), or its complement -m-1 down to -2^(bits-1).
            let m = word(bits: bits - 1)
            return .int(Int256(bitPattern: Bool.random(using: &rng) ? ~m : m))
        case .address: return .address(Address(bytes: bytes(20)) ?? .zero)
        case .bool: return .bool(Bool.random(using: &rng))
        case .fixedBytes(let n): return .fixedBytes(bytes(n))
        case .bytes: return .bytes(bytes([0, 1, 31, 32, 33, 64, 100][int(0...6)]))
        case .string:
            let pieces = ["a", "Z", " ", ",", "\"", "\\", "é", "€", "😀", "[", ")", "\n", "\r", "\t", "\u{1}"]
            return .string((0..<int(0...40)).map { _ in pieces[int(0...pieces.count - 1)] }.joined())
        case .array(let e): return .array((0..<int(0...3)).map { _ in value(e) })
        case .fixedArray(let e, let k): return .array((0..<k).map { _ in value(e) })
        case .tuple(let ts): return .tuple(ts.map { value($0) })
        }
    }
}

