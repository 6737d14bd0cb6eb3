import Testing
@testable import EthCore
import TestOracles

@Suite struct KeccakTests {
    @Test func publishedVectors() {
        #expect(Keccak256.hash([UInt8]()).hexString == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        #expect(Keccak256.hash("abc").hexString == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        // The ERC-20 Transfer event topic and the transfer selector are keccak of their signatures.
        #expect(Keccak256.hash("Transfer(address,address,uint256)").hexString == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
        #expect(Array(Keccak256.hash("transfer(address,uint256)")[0..<4]).hexString == "0xa9059cbb")
    }

    @Test func incrementalEqualsOneShot() {
        var rng = SeededRandom(seed: 3)
        for len in [0, 1, 135, 136, 137, 271, 272, 273, 1000, 4096] {
            let data = (0..<len).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let oneShot = Keccak256.hash(data)
            var h = Keccak256()
            var i = 0
            while i < len {
                let step = Int.random(in: 1...200, using: &rng)
                h.update(data[i..<min(len, i + step)])
                i += step
            }
            #expect(h.finalize() == oneShot)
        }
    }
}

@Suite struct AddressTests {
    // EIP-55's own examples.
    static let eip55 = [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
    ]

    @Test func checksums() throws {
        for s in Self.eip55 {
            let a = try Address(s)
            let mixed = s.dropFirst(2).contains { $0.isLowercase } && s.dropFirst(2).contains { $0.isUppercase }
            if mixed { #expect(a.checksummed == s) }
            #expect(try Address(s.lowercased()) == a)
        }
    }

    @Test func rejectsBadInput() {
        #expect(throws: AddressError.badChecksum("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")) {
            try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
        }
        #expect(throws: AddressError.invalidLength(38)) { try Address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA") }
        #expect(throws: AddressError.self) { try Address("0xzzAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") }
    }

    @Test func createAddress() throws {
        // Well-known: the first contract deployed by anvil's account 0 (public devnet key).
        let deployer = try Address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        #expect(Address.contractAddress(deployer: deployer, nonce: 0).checksummed == "0x5FbDB2315678afecb367f032d93F642f64180aa3")
        #expect(Address.contractAddress(deployer: deployer, nonce: 1).checksummed == "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512")
    }
}

@Suite struct HexTests {
    @Test func roundTripAndErrors() throws {
        #expect(try Hex.decode("0xdeadBEEF") == [0xde, 0xad, 0xbe, 0xef])
        #expect(try Hex.decode("") == [])
        #expect(Hex.encode([0, 1, 0xff]) == "0x0001ff")
        #expect(throws: HexError.oddLength(3)) { try Hex.decode("0xabc") }
        #expect(throws: HexError.invalidCharacter("g", at: 3)) { try Hex.decode("0x0g") }
    }
}

@Suite struct RLPTests {
    func enc(_ i: RLPItem) -> String { RLP.encode(i).hexString }
    func s(_ t: String) -> RLPItem { .bytes(Array(t.utf8)) }

    // Examples from the Ethereum wiki / yellow paper.
    @Test func publishedExamples() throws {
        #expect(enc(s("dog")) == "0x83646f67")
        #expect(enc(.list([s("cat"), s("dog")])) == "0xc88363617483646f67")
        #expect(enc(s("")) == "0x80")
        #expect(enc(.list([])) == "0xc0")
        #expect(enc(.uint(UInt64(0))) == "0x80")
        #expect(enc(.bytes([0])) == "0x00")
        #expect(enc(.uint(UInt64(15))) == "0x0f")
        #expect(enc(.uint(UInt64(1024))) == "0x820400")
        // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ]
        #expect(enc(.list([.list([]), .list([.list([])]), .list([.list([]), .list([.list([])])])])) == "0xc7c0c1c0c3c0c1c0")
        let lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit"
        #expect(enc(s(lorem)) == "0xb838" + Hex.encode(Array(lorem.utf8), prefix: false))
    }

    @Test func decodeRoundTripAndCanonicalChecks() throws {
        let item = RLPItem.list([s("cat"), .list([s("dog"), .uint(UInt64(1024))]), .bytes([UInt8](repeating: 7, count: 300))])
        #expect(try RLP.decode(RLP.encode(item)) == item)
        #expect(throws: RLPError.nonCanonicalSingleByte) { try RLP.decode([0x81, 0x05]) }
        #expect(throws: RLPError.nonCanonicalLength) { try RLP.decode([0xb8, 0x05, 1, 2, 3, 4, 5]) }
        #expect(throws: RLPError.nonCanonicalLength) { try RLP.decode([0xb9, 0x00, 0x40] + [UInt8](repeating: 1, count: 64)) }
        #expect(throws: RLPError.truncated(needed: 3, available: 2)) { try RLP.decode([0x83, 0x64, 0x6f]) }
        #expect(throws: RLPError.trailingBytes(1)) { try RLP.decode([0x80, 0x80]) }
        #expect(throws: RLPError.empty) { try RLP.decode([]) }
        #expect(throws: RLPError.truncated(needed: 4, available: 3)) { try RLP.decode([0xc4, 0x83, 0x64, 0x6f]) }
        #expect(throws: RLPError.integerWithLeadingZero) { try RLPItem.bytes([0, 1]).uint256Value() }
    }

    @Test func propertyRoundTrip() throws {
        var rng = SeededRandom(seed: 11)
        func random(_ depth: Int) -> RLPItem {
            if depth > 3 || Bool.random(using: &rng) {
                let n = [0, 1, 2, 55, 56, 57, 300].randomElement(using: &rng)!
                return .bytes((0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) })
            }
            return .list((0..<Int.random(in: 0...5, using: &rng)).map { _ in random(depth + 1) })
        }
        for _ in 0..<500 {
            let item = random(0)
            #expect(try RLP.decode(RLP.encode(item)) == item)
        }
    }
}
