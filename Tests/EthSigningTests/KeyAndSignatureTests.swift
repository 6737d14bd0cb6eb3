import EthCore
import Foundation
import Testing
@testable import EthSigning

@Suite struct KeyAndSignatureTests {
    // EIP-155's worked example key: public, not a secret.
    static let eip155KeyHex = "0x" + String(repeating: "46", count: 32)

    @Test func publicKeysAndAddressesMatchEthAccount() throws {
        let keys = Vectors.shared.keys
        #expect(keys.count == 4)
        for v in keys {
            let key = try PrivateKey(hex: v.key)
            #expect(Hex.encode(key.publicKey.bytes) == v.publicKey)
            #expect(key.address.checksummed == v.address)
            #expect(PublicKey(uncompressed: try Hex.decode(v.publicKey))?.address == key.address)
        }
    }

    @Test func knownAddressOfKeyOne() throws {
        // The private key 1 has public key G; its address is a well-known constant.
        let key = try PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [1])
        #expect(key.address.checksummed == "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")
    }

    @Test func rejectsInvalidScalars() {
        let order = Secp256k1.order.bigEndianBytes
        for bad: [UInt8] in [[UInt8](repeating: 0, count: 32), order, [UInt8](repeating: 0xff, count: 32), [1, 2, 3]] {
            #expect(throws: KeyError.self) { try PrivateKey(bytes: bad) }
        }
        #expect(throws: KeyError.self) { try PrivateKey(hex: "0x1234") }
        #expect(throws: KeyError.self) { try PrivateKey(hex: "0x" + String(repeating: "zz", count: 32)) }
        // n − 1 is the largest valid key.
        #expect(throws: Never.self) { try PrivateKey(bytes: (Secp256k1.order - 1).bigEndianBytes) }
    }

    @Test func keyErrorsDoNotEchoTheText() {
        let almostKey = "0x" + String(repeating: "4g", count: 32)
        do {
            _ = try PrivateKey(hex: almostKey, source: "ETH_PRIVATE_KEY")
            Issue.record("accepted a non-hex key")
        } catch {
            #expect(error.description.contains("ETH_PRIVATE_KEY"))
            #expect(!error.description.contains("4g4g"))
        }
    }

    @Test func signsDeterministicallyLowSAndRecovers() throws {
        let key = try PrivateKey(hex: Self.eip155KeyHex)
        for i in 0..<50 {
            let hash = Keccak256.hash("message \(i)")
            let sig = try key.sign(hash: hash)
            #expect(sig == (try key.sign(hash: hash)))  // RFC 6979: same key and hash, same signature
            #expect(sig.isLowS)
            #expect(sig.yParity <= 1)
            #expect(try sig.recoverAddress(hash: hash) == key.address)
            // Another hash recovers some other address.
            #expect(try sig.recoverAddress(hash: Keccak256.hash("other \(i)")) != key.address)
        }
        #expect(throws: SigningError.hashLength(31)) { try key.sign(hash: [UInt8](repeating: 1, count: 31)) }
    }

    @Test func signaturesCompareWithoutTrapping() throws {
        let key = try PrivateKey(hex: Self.eip155KeyHex)
        let a = try key.sign(hash: Keccak256.hash("a"))
        let b = try key.sign(hash: Keccak256.hash("b"))
        #expect(a != b)
        #expect(Set([a, b, a]).count == 2)
        #expect(Signature(r: 1, s: 1, yParity: 0) != Signature(r: 1, s: 1, yParity: 1))
    }

    @Test func vHelpers() throws {
        let sig = Signature(r: 1, s: 2, yParity: 1)
        #expect(sig.v27 == 28)
        #expect(sig.legacyV(chainId: nil) == 28)
        #expect(sig.legacyV(chainId: 1) == 38)
        #expect(sig.legacyV(chainId: 31337) == 62710)
        #expect(try Signature.parseLegacyV(37) == (0, 1))
        #expect(try Signature.parseLegacyV(62710) == (1, 31337))
        #expect(try Signature.parseLegacyV(27) == (0, nil))
        for bad: UInt256 in [0, 1, 26, 29, 34] {
            #expect(throws: SignatureError.invalidV(bad)) { try Signature.parseLegacyV(bad) }
        }
        // A chain id beyond 64 bits cannot be a real one.
        #expect(throws: SignatureError.self) { try Signature.parseLegacyV(UInt256.max) }
    }

    @Test func validatedRejectsOutOfRangeAndHighS() {
        let n = Secp256k1.order
        #expect(throws: SignatureError.rOutOfRange) { try Signature.validated(r: 0, s: 1, yParity: 0) }
        #expect(throws: SignatureError.rOutOfRange) { try Signature.validated(r: n, s: 1, yParity: 0) }
        #expect(throws: SignatureError.sOutOfRange) { try Signature.validated(r: 1, s: 0, yParity: 0) }
        #expect(throws: SignatureError.highS) { try Signature.validated(r: 1, s: Secp256k1.halfOrder + 1, yParity: 0) }
        #expect(throws: SignatureError.invalidYParity(2)) { try Signature.validated(r: 1, s: 1, yParity: 2) }
        #expect(throws: Never.self) { try Signature.validated(r: n - 1, s: Secp256k1.halfOrder, yParity: 1) }
    }

    @Test func privateKeyNeverPrintsItself() throws {
        let key = try PrivateKey(hex: Self.eip155KeyHex)
        let secretHex = String(repeating: "46", count: 32)
        var dumped = ""
        dump(key, to: &dumped)
        let renderings = ["\(key)", String(describing: key), String(reflecting: key), dumped,
                          "\([key])", String(reflecting: Optional(key))]
        for text in renderings {
            #expect(!text.lowercased().contains(secretHex), "\(text)")
            #expect(!text.contains("4646464646"))
        }
        #expect("\(key)" == "PrivateKey(<redacted>)")
        #expect(String(reflecting: key) == "PrivateKey(<redacted>)")
        #expect(Mirror(reflecting: key).children.isEmpty)
    }

    /// The secret's one buffer is zero when it goes back to the allocator: observed at that moment
    /// (the release hook runs after deinit's zeroing), after the key has signed; also when init
    /// refuses a scalar. Reading freed memory afterwards would prove nothing, so this is the check.
    @Test func secretIsZeroedWhenTheKeyIsFreed() throws {
        final class Released: @unchecked Sendable {
            let lock = NSLock()
            var buffers: [[UInt8]] = []
            func record(_ p: UnsafeMutablePointer<UInt8>) {
                lock.withLock { buffers.append(Array(UnsafeBufferPointer(start: p, count: 32))) }
                p.deallocate()
            }
        }
        let released = Released()
        let secret = [UInt8](repeating: 0x46, count: 32)
        do {
            let key = try PrivateKey(bytes: secret, release: released.record)
            // In use, the buffer holds the key (signing works), and nothing is released yet.
            let hash = Keccak256.hash("zeroing")
            #expect(try key.sign(hash: hash).recoverAddress(hash: hash) == key.address)
            #expect(released.lock.withLock { released.buffers.isEmpty })
        }
        #expect(throws: KeyError.self) { try PrivateKey(bytes: [UInt8](repeating: 0xff, count: 32), release: released.record) }
        let buffers = released.lock.withLock { released.buffers }
        #expect(buffers.count == 2, "one release per key buffer, got \(buffers.count)")
        for buffer in buffers { #expect(buffer == [UInt8](repeating: 0, count: 32), "released unzeroed: \(buffer.prefix(4))…") }
    }

    @Test func wipeZeroesAnArrayInPlace() {
        var bytes = [UInt8](repeating: 0x46, count: 4096)
        let address = bytes.withUnsafeBufferPointer { $0.baseAddress }
        wipe(&bytes)
        #expect(bytes.allSatisfy { $0 == 0 } && bytes.count == 4096)
        // In place: the same storage, not a zeroed copy with the old one left behind.
        #expect(bytes.withUnsafeBufferPointer { $0.baseAddress } == address)
    }

    @Test func concurrentSigningIsSafe() async throws {
        let key = try PrivateKey(hex: Self.eip155KeyHex)
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask {
                    let hash = Keccak256.hash("task \(i)")
                    guard let sig = try? key.sign(hash: hash) else { return false }
                    return (try? sig.recoverAddress(hash: hash)) == key.address
                }
            }
            var all = [Bool]()
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 64 && results.allSatisfy { $0 })
    }
}

@Suite struct PersonalMessageTests {
    @Test func matchesEthAccount() throws {
        let vectors = Vectors.shared.personal
        #expect(vectors.count == 5)
        for v in vectors {
            let key = try PrivateKey(hex: v.key)
            let signature = PersonalMessage.sign(v.message, with: key)
            #expect(Hex.encode(signature) == v.signature)
            #expect(signature.count == 65 && (signature[64] == 27 || signature[64] == 28))
            #expect(try PersonalMessage.recoverAddress(message: Array(v.message.utf8), signature: signature).checksummed == v.address)
        }
    }

    @Test func knownHash() {
        // keccak256("\x19Ethereum Signed Message:\n11hello world"), as in web3.js' hashMessage docs.
        #expect(Hex.encode(PersonalMessage.hash("hello world"))
                == "0xd9eba16ed0ecae432b71fe008c98cc872bb4cc214d3220a36f365326cf807d68")
    }

    @Test func rejectsMalformedSignatures() throws {
        let key = try PrivateKey(hex: KeyAndSignatureTests.eip155KeyHex)
        var sig = PersonalMessage.sign("hi", with: key)
        #expect(throws: SignatureError.length(64)) { try PersonalMessage.recoverAddress(message: [1], signature: Array(sig.prefix(64))) }
        sig[64] = 29
        #expect(throws: SignatureError.invalidV(29)) { try PersonalMessage.recoverAddress(message: Array("hi".utf8), signature: sig) }
        sig[64] = 0  // 0/1 is accepted as well as 27/28
        let recovered = try PersonalMessage.recoverAddress(message: Array("hi".utf8), signature: sig)
        let expected = try Signature(bytes65: PersonalMessage.sign("hi", with: key)).yParity == 0
        #expect((recovered == key.address) == expected)
    }
}
