import Crypto
import EthCore
import Testing
import _CryptoExtras
@testable import EthSigning

/// The fallback scrypt (used where BoringSSL refuses the parameters) against RFC 7914's vectors,
/// pycryptodome's output, and BoringSSL itself.
@Suite struct ScryptTests {
    @Test(arguments: [
        // RFC 7914 §12.
        ("", "", 16, 1, 1, 64, "0x77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        ("password", "NaCl", 1024, 8, 16, 64, "0xfdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        // pycryptodome (no N < 2^(16r) restriction), for parameters BoringSSL rejects.
        ("pw", "salt", 1 << 17, 1, 3, 32, "0xe44e28d485e262f45f03e9d69401cfcf0d46421186e42da2b6185a8b3900810c"),
        ("pw", "salt", 64, 20, 2, 32, "0x517d33a008e9239332aa8042928632b1c63eda530fe251a63ce702c42da9dbbc"),
    ])
    func knownAnswers(_ v: (String, String, Int, Int, Int, Int, String)) throws {
        let out = try Scrypt.deriveKey(password: Array(v.0.utf8), salt: Array(v.1.utf8), n: v.2, r: v.3, p: v.4, outputByteCount: v.5)
        #expect(Hex.encode(out) == v.6)
    }

    @Test func agreesWithBoringSSL() throws {
        for (n, r, p) in [(2, 1, 1), (256, 2, 3), (4096, 8, 1), (1024, 4, 2)] {
            #expect(Keystore.boringSSLAcceptsScrypt(n: n, r: r, p: p))
            let ours = try Scrypt.deriveKey(password: Array("pass \(n)".utf8), salt: Array("salt \(r)".utf8), n: n, r: r, p: p, outputByteCount: 32)
            let theirs = try KDF.Scrypt.deriveKey(from: Array("pass \(n)".utf8), salt: Array("salt \(r)".utf8), outputByteCount: 32,
                                                  rounds: n, blockSize: r, parallelism: p).withUnsafeBytes { Array($0) }
            #expect(ours == theirs)
        }
        #expect(!Keystore.boringSSLAcceptsScrypt(n: 262_144, r: 1, p: 8))
        #expect(Keystore.boringSSLAcceptsScrypt(n: 262_144, r: 8, p: 1))
    }
}
