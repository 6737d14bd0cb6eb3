import EthCore
import Testing
@testable import EthSigning

@Suite struct TransactionTests {
    /// The worked example in EIP-155.
    static let eip155Example = LegacyTransaction(
        chainId: 1, nonce: 9, gasPrice: 20_000_000_000, gasLimit: 21000,
        to: try? Address("0x3535353535353535353535353535353535353535"),
        value: 1_000_000_000_000_000_000)
    static let eip155Raw = "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"

    @Test func eip155Example() throws {
        let key = try PrivateKey(hex: KeyAndSignatureTests.eip155KeyHex)
        let tx = Self.eip155Example
        #expect(tx.to != nil)
        #expect(Hex.encode(tx.signingHash) == "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53")
        let signed = tx.sign(with: key)
        #expect(signed.rawHex == Self.eip155Raw)
        #expect(signed.signature.legacyV(chainId: 1) == 37)
        #expect(signed.signature.r == UInt256(decimal: "18515461264373351373200002665853028612451056578545711640558177340181847433846"))
        #expect(signed.signature.s == UInt256(decimal: "46948507304638947509940763649030358759909902576025900602547168820602576006531"))

        let decoded = try SignedTransaction.decode(rawHex: Self.eip155Raw)
        #expect(decoded.transaction == .legacy(tx))
        #expect(decoded.from == key.address)
        #expect(decoded.hash == Keccak256.hash(try Hex.decode(Self.eip155Raw)))
        #expect(decoded == signed)
    }

    /// Snapshots from the test suite of wevm/ox (a JavaScript implementation), signed with the
    /// first Anvil/Hardhat dev account key (public devnet key, not a secret).
    @Test func matchesOxSnapshots() throws {
        let key = try PrivateKey(hex: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
        #expect(key.address.checksummed == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        let to = try Address("0x70997970c51812dc3a010c7d01b50e0d17dc79c8")
        let eip1559 = DynamicFeeTransaction(chainId: 1, nonce: 665, maxPriorityFeePerGas: 1_000_000_000,
                                            maxFeePerGas: 13_000_000_000, gasLimit: 21000, to: to,
                                            value: 1_000_000_000_000_000_000)
        #expect(Hex.encode(eip1559.signingHash) == "0x1d099d1f25465b53e1e56e715e35d5daaaef6a9e9883ba21652eea7f411fffc7")
        #expect(eip1559.sign(with: key).hashHex == "0x57e6a86fac2dc4b827f6d77d869d625aebf88a71790a740bc859badf556d43c4")
        let eip2930 = AccessListTransaction(chainId: 1, nonce: 665, gasPrice: 13_000_000_000, gasLimit: 21000, to: to,
                                            value: 1_000_000_000_000_000_000)
        #expect(Hex.encode(eip2930.signingHash) == "0x7604c4fa324a1945c8d960f0ec0554434b749c597bcb7d1ddbc1614bad9feca3")
        #expect(eip2930.sign(with: key).hashHex == "0x6fb8b1dd822896cf6b4a7abe9b6de0da9be36a755034494df6374caaca66d920")
    }

    @Test func matchesEthAccountVectors() throws {
        let vectors = Vectors.shared.transactions
        #expect(vectors.count == 11)
        var kinds = Set<UInt8>()
        for v in vectors {
            let tx = try v.transaction()
            kinds.insert(tx.type ?? 0)
            let key = try PrivateKey(hex: v.key)
            #expect(Hex.encode(tx.signingHash) == v.signingHash, "\(v.raw)")
            let signed = tx.sign(with: key)
            #expect(signed.rawHex == v.raw)
            #expect(signed.hashHex == v.hash)
            #expect(signed.from.checksummed == v.from)
            #expect(signed.signature.r.hexString == v.r)
            #expect(signed.signature.s.hexString == v.s)

            let decoded = try SignedTransaction.decode(rawHex: v.raw)
            #expect(decoded.transaction == tx)
            #expect(decoded.from.checksummed == v.from)
            #expect(decoded.hashHex == v.hash)
            #expect(decoded.signature == signed.signature)
        }
        #expect(kinds == [0, 1, 2])
    }

    static let sampleAccessList: AccessList = [
        AccessListEntry(address: Address.zero, storageKeys: [0, 1, UInt256.max]),
        AccessListEntry(address: (try? Address("0x3535353535353535353535353535353535353535")) ?? .zero),
    ]

    static let samples: [EthTransaction] = [
        .legacy(eip155Example),
        .legacy(LegacyTransaction(chainId: nil, nonce: 0, gasPrice: 0, gasLimit: 0, to: nil)),
        .legacy(LegacyTransaction(chainId: UInt64.max, nonce: .max, gasPrice: .max, gasLimit: .max, to: .zero,
                                  value: .max, data: [UInt8](repeating: 0xee, count: 1000))),
        .accessList(AccessListTransaction(chainId: 31337, nonce: 1, gasPrice: 7, gasLimit: 60000, to: nil,
                                          data: [0x60, 0x00], accessList: sampleAccessList)),
        .dynamicFee(DynamicFeeTransaction(chainId: 31337, nonce: 3, maxPriorityFeePerGas: 1, maxFeePerGas: 2,
                                          gasLimit: 21000, to: .zero, value: 5, accessList: sampleAccessList)),
        .dynamicFee(DynamicFeeTransaction(chainId: 1, nonce: 0, maxPriorityFeePerGas: 0, maxFeePerGas: 0,
                                          gasLimit: 0, to: nil)),
    ]

    @Test(arguments: samples)
    func roundTrips(_ tx: EthTransaction) throws {
        let key = PrivateKey.random()
        let signed = tx.sign(with: key)
        let decoded = try SignedTransaction.decode(raw: signed.raw)
        #expect(decoded == signed)
        #expect(decoded.from == key.address)
        #expect(decoded.transaction.signingHash == tx.signingHash)
        if let chainId = tx.chainId {
            #expect(throws: Never.self) { try SignedTransaction.decode(raw: signed.raw, expectedChainId: chainId) }
            #expect(throws: TransactionError.chainIdMismatch(expected: chainId &+ 1, found: chainId)) {
                try SignedTransaction.decode(raw: signed.raw, expectedChainId: chainId &+ 1)
            }
        } else {
            #expect(throws: TransactionError.chainIdMismatch(expected: 1, found: nil)) {
                try SignedTransaction.decode(raw: signed.raw, expectedChainId: 1)
            }
        }
    }

    /// Flipping any single bit of a signed transaction either makes it undecodable or changes
    /// the recovered sender: a tampered transaction never passes as the original sender's.
    @Test(arguments: [0, 3, 4])
    func tamperingIsDetected(_ sampleIndex: Int) throws {
        let key = try PrivateKey(hex: KeyAndSignatureTests.eip155KeyHex)
        let signed = Self.samples[sampleIndex].sign(with: key)
        var accepted = 0
        for i in signed.raw.indices {
            for bit in 0..<8 {
                var raw = signed.raw
                raw[i] ^= UInt8(1 << bit)
                if let decoded = try? SignedTransaction.decode(raw: raw) {
                    accepted += 1
                    #expect(decoded.from != key.address, "byte \(i) bit \(bit)")
                }
            }
        }
        // Most flips in fields (not headers) still decode, with a different sender.
        #expect(accepted > 0)
    }

    @Test func rejectsStructuralDamage() throws {
        let key = try PrivateKey(hex: KeyAndSignatureTests.eip155KeyHex)
        let raw1559 = Self.samples[4].sign(with: key).raw
        let rawLegacy = try Hex.decode(Self.eip155Raw)

        #expect(throws: TransactionError.empty) { try SignedTransaction.decode(raw: []) }
        #expect(throws: TransactionError.unknownType(0x03)) { try SignedTransaction.decode(raw: [0x03] + raw1559.dropFirst()) }
        #expect(throws: TransactionError.unknownType(0x00)) { try SignedTransaction.decode(raw: [0x00, 0xc0]) }
        #expect(throws: TransactionError.notAList(kind: "legacy")) { try SignedTransaction.decode(raw: [0x83, 1, 2, 3]) }
        #expect(throws: TransactionError.notAList(kind: "EIP-1559")) { try SignedTransaction.decode(raw: [0x02, 0x80]) }
        // Trailing bytes after the list.
        #expect(throws: TransactionError.malformedRLP(.trailingBytes(1))) { try SignedTransaction.decode(raw: rawLegacy + [0]) }
        #expect(throws: TransactionError.malformedRLP(.trailingBytes(2))) { try SignedTransaction.decode(raw: raw1559 + [1, 2]) }
        // Truncation.
        #expect(throws: TransactionError.self) { try SignedTransaction.decode(raw: Array(rawLegacy.dropLast())) }
        // A legacy transaction wrapped as type 2 has the wrong field count.
        #expect(throws: TransactionError.fieldCount(kind: "EIP-1559", expected: 12, found: 9)) {
            try SignedTransaction.decode(raw: [0x02] + rawLegacy)
        }
    }

    /// Re-encodes a decoded list with one field replaced, fixing up the outer header.
    func replacing(_ raw: [UInt8], field: Int, with item: RLPItem) throws -> [UInt8] {
        let typed = raw[0] < 0x80
        var fields = try RLP.decode(typed ? Array(raw.dropFirst()) : raw).listValue()
        fields[field] = item
        return (typed ? [raw[0]] : []) + RLP.encode(.list(fields))
    }

    @Test func rejectsBadFields() throws {
        let key = try PrivateKey(hex: KeyAndSignatureTests.eip155KeyHex)
        let legacy = try Hex.decode(Self.eip155Raw)
        let dynamic = Self.samples[4].sign(with: key)

        // Non-canonical integer: nonce 9 written with a leading zero byte.
        #expect(throws: TransactionError.invalidField(kind: "legacy", field: "nonce", reason: RLPError.integerWithLeadingZero.description)) {
            try SignedTransaction.decode(raw: try replacing(legacy, field: 0, with: .bytes([0, 9])))
        }
        // Nonce above 64 bits.
        #expect(throws: TransactionError.invalidField(kind: "legacy", field: "nonce", reason: "does not fit in 64 bits")) {
            try SignedTransaction.decode(raw: try replacing(legacy, field: 0, with: .bytes([UInt8](repeating: 1, count: 9))))
        }
        // A 19-byte recipient.
        #expect(throws: TransactionError.invalidField(kind: "legacy", field: "to", reason: "an address has 20 bytes, got 19")) {
            try SignedTransaction.decode(raw: try replacing(legacy, field: 3, with: .bytes([UInt8](repeating: 0x35, count: 19))))
        }
        // v = 29 is neither 27/28 nor EIP-155.
        #expect(throws: TransactionError.invalidSignature(kind: "legacy", .invalidV(29))) {
            try SignedTransaction.decode(raw: try replacing(legacy, field: 6, with: .uint(UInt64(29))))
        }
        // v for chain 2 on a transaction signed for chain 1: a different signing hash, so a different sender.
        let otherChain = try SignedTransaction.decode(raw: try replacing(legacy, field: 6, with: .uint(UInt64(39))))
        #expect(otherChain.transaction.chainId == 2)
        #expect(otherChain.from != key.address)
        #expect(throws: TransactionError.chainIdMismatch(expected: 1, found: 2)) {
            try SignedTransaction.decode(raw: try replacing(legacy, field: 6, with: .uint(UInt64(39))), expectedChainId: 1)
        }
        // High s: the malleable twin (n − s, flipped parity) recovers the same key but is invalid since EIP-2.
        let highS = Secp256k1.order - dynamic.signature.s
        var twin = try replacing(dynamic.raw, field: 11, with: .uint(highS))
        twin = try replacing(twin, field: 9, with: .uint(UInt64(1 - dynamic.signature.yParity)))
        #expect(throws: TransactionError.invalidSignature(kind: "EIP-1559", .highS)) { try SignedTransaction.decode(raw: twin) }
        // y parity 2.
        #expect(throws: TransactionError.invalidSignature(kind: "EIP-1559", .invalidYParity(2))) {
            try SignedTransaction.decode(raw: try replacing(dynamic.raw, field: 9, with: .uint(UInt64(2))))
        }
        // r = 0.
        #expect(throws: TransactionError.invalidSignature(kind: "EIP-1559", .rOutOfRange)) {
            try SignedTransaction.decode(raw: try replacing(dynamic.raw, field: 10, with: .uint(UInt64(0))))
        }
        // Access list storage key of 31 bytes.
        let badList = RLPItem.list([.list([.bytes(Address.zero.bytes), .list([.bytes([UInt8](repeating: 1, count: 31))])])])
        #expect(throws: TransactionError.invalidField(kind: "EIP-1559", field: "accessList[0].storageKeys[0]", reason: "a storage key has 32 bytes")) {
            try SignedTransaction.decode(raw: try replacing(dynamic.raw, field: 8, with: badList))
        }
        // Access list that is a string.
        #expect(throws: TransactionError.invalidField(kind: "EIP-1559", field: "accessList", reason: "expected a list")) {
            try SignedTransaction.decode(raw: try replacing(dynamic.raw, field: 8, with: .bytes([1])))
        }
        // A field that is a list where a number belongs.
        #expect(throws: TransactionError.self) {
            try SignedTransaction.decode(raw: try replacing(dynamic.raw, field: 1, with: .list([])))
        }
    }

    @Test func errorMessagesAreOneLine() {
        let errors: [TransactionError] = [
            .empty, .unknownType(3), .malformedRLP(.trailingBytes(2)), .notAList(kind: "legacy"),
            .fieldCount(kind: "EIP-1559", expected: 12, found: 9),
            .invalidField(kind: "legacy", field: "to", reason: "x"), .invalidSignature(kind: "legacy", .highS),
            .chainIdMismatch(expected: 1, found: nil), .chainIdMismatch(expected: 1, found: 5),
        ]
        for e in errors {
            #expect(!e.description.isEmpty && !e.description.contains("\n"))
        }
        #expect(TransactionError.unknownType(3).description.contains("0x3"))
    }

    @Test func contractCreationHasNoRecipient() throws {
        let signed = Self.samples[1].sign(with: PrivateKey.random())
        // Field 3 (to) is the empty string 0x80.
        let fields = try RLP.decode(signed.raw).listValue()
        #expect(fields[3] == .bytes([]))
        #expect(try SignedTransaction.decode(raw: signed.raw).transaction.to == nil)
    }
}
