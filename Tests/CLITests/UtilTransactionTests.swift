import Foundation
import TestSupport
import Testing

/// mktx and decode-tx through the real binary, against the EIP-155 example and an eth-account
/// EIP-1559 signature.
@Suite struct UtilTransactionTests {
    static let env = ["ETH_PRIVATE_KEY": UtilVectors.key]
    static let eip155Raw = "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"

    /// eth-account `Account.sign_transaction` of this transaction with the same key.
    static let eip1559Raw = "0x02f8f3827a69078459682f008506fc23ac0082ea60945fbdb2315678afecb367f032d93f642f64180aa388016345785d8a0000b844a9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8000000000000000000000000000000000000000000000000000000000000000af838f7945fbdb2315678afecb367f032d93f642f64180aa3e1a0000000000000000000000000000000000000000000000000000000000000000180a0ef77f56b9db3ed12d5b3f65921e123888eaf883e3acc8f48c2f806f918f65b80a03c7f7c68d8e9d7b6f9dea5b4c0276f528b3c3e002367494205f87a4671e36d2b"
    static let eip1559Hash = "0x263a263df37b0228ae5133daefb5bfa3e4c001b2ab35b185f3bb6276afd3ec4e"
    static let eip1559Args = [
        "mktx", "--chain", "31337", "--nonce", "7", "--gas-limit", "60000",
        "--gas-price", "30gwei", "--priority-gas-price", "1.5gwei", "--value", "0.1ether",
        "--access-list", #"[{"address":"0x5FbDB2315678afecb367f032d93F642f64180aa3","storageKeys":["0x0000000000000000000000000000000000000000000000000000000000000001"]}]"#,
        "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    ]

    @discardableResult
    func failure(_ args: [String], environment: [String: String] = env) throws -> String {
        let r = try CLIRunner.run(["util"] + args, environment: environment)
        #expect(r.status != 0, "\(args) should fail")
        #expect(r.stdout.isEmpty)
        #expect(r.errorLine.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
        #expect(!r.stderr.contains(UtilVectors.keyDigits))
        return r.errorLine
    }

    @Test func eip155Example() throws {
        let r = try CLIRunner.run(["util", "mktx", "--legacy", "--chain", "1", "--nonce", "9", "--gas-price", "20gwei",
                                   "--gas-limit", "21000", "--value", "1ether", "0x3535353535353535353535353535353535353535"],
                                  environment: Self.env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == Self.eip155Raw)
        #expect(!r.stdout.contains(UtilVectors.keyDigits))
        // Plain wei and hex give the same transaction.
        let wei = try CLIRunner.run(["util", "mktx", "--legacy", "--chain", "0x1", "--nonce", "9", "--gas-price", "20000000000",
                                     "--gas-limit", "21000", "--value", "0xde0b6b3a7640000", "0x3535353535353535353535353535353535353535"],
                                    environment: Self.env)
        #expect(wei.out == Self.eip155Raw, "\(wei.stderr)")

        // The same key from a keystore (eth-account's) and from a key file signs the same bytes.
        let dir = try ScratchDirectory()
        let keystore = try dir.file("keystore.json", UtilVectors.keystore)
        let password = try dir.file("password", UtilVectors.keystorePassword)
        let keyFile = try dir.file("key", UtilVectors.key)
        let common = ["util", "mktx", "--legacy", "--chain", "1", "--nonce", "9", "--gas-price", "20gwei",
                      "--gas-limit", "21000", "--value", "1ether", "0x3535353535353535353535353535353535353535"]
        let viaKeystore = try CLIRunner.run(common + ["--keystore", keystore, "--password-file", password])
        #expect(viaKeystore.out == Self.eip155Raw, "\(viaKeystore.stderr)")
        let viaFile = try CLIRunner.run(common + ["--key-file", keyFile])
        #expect(viaFile.out == Self.eip155Raw, "\(viaFile.stderr)")

        let decoded = try CLIRunner.run(["util", "decode-tx", Self.eip155Raw])
        #expect(decoded.status == 0, "\(decoded.stderr)")
        #expect(decoded.out == """
            type: 0 (legacy, EIP-155)
            chainId: 1
            nonce: 9
            gasPrice: 20000000000
            gasLimit: 21000
            to: 0x3535353535353535353535353535353535353535
            value: 1000000000000000000
            data: 0x
            v: 37
            r: 0x28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276
            s: 0x67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83
            yParity: 0
            from: 0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F
            hash: 0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788
            """)
    }

    @Test func eip1559MatchesEthAccountAndDecodesBack() throws {
        // The data as a signature and arguments, and as raw calldata: the same bytes as eth-account.
        let bySignature = try CLIRunner.run(["util"] + Self.eip1559Args + ["transfer(address,uint256)", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "10"],
                                            environment: Self.env)
        #expect(bySignature.status == 0, "\(bySignature.stderr)")
        #expect(bySignature.out == Self.eip1559Raw)
        let byCalldata = try CLIRunner.run(["util"] + Self.eip1559Args + ["0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8000000000000000000000000000000000000000000000000000000000000000a"],
                                           environment: Self.env)
        #expect(byCalldata.out == Self.eip1559Raw, "\(byCalldata.stderr)")

        let json = try CLIRunner.run(["util", "decode-tx", "--json", Self.eip1559Raw])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect(object["type"] as? Int == 2)
        #expect(object["chainId"] as? String == "31337")
        #expect(object["nonce"] as? String == "7")
        #expect(object["maxFeePerGas"] as? String == "30000000000")
        #expect(object["maxPriorityFeePerGas"] as? String == "1500000000")
        #expect(object["gasLimit"] as? String == "60000")
        #expect(object["value"] as? String == "100000000000000000")
        #expect(object["to"] as? String == "0x5FbDB2315678afecb367f032d93F642f64180aa3")
        #expect(object["from"] as? String == UtilVectors.address)
        #expect(object["hash"] as? String == Self.eip1559Hash)
        #expect(object["yParity"] as? Int == 0)
        let list = try #require(object["accessList"] as? [[String: Any]])
        #expect(list.first?["storageKeys"] as? [String] == ["0x0000000000000000000000000000000000000000000000000000000000000001"])

        let plain = try CLIRunner.run(["util", "decode-tx", Self.eip1559Raw])
        #expect(plain.out.contains("from: \(UtilVectors.address)"))
        #expect(plain.out.contains("type: 2 (EIP-1559)"))
        #expect(plain.out.contains("hash: \(Self.eip1559Hash)"))
    }

    @Test func legacyWithAccessListIsEIP2930AndCreateHasNoRecipient() throws {
        let r = try CLIRunner.run(["util", "mktx", "--legacy", "--chain", "31337", "--nonce", "0", "--gas-limit", "100000",
                                   "--gas-price", "1gwei", "--access-list", "[]", "0x5FbDB2315678afecb367f032d93F642f64180aa3"],
                                  environment: Self.env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out.hasPrefix("0x01"))
        let decoded = try CLIRunner.run(["util", "decode-tx", r.out])
        #expect(decoded.out.contains("type: 1 (EIP-2930)"))
        #expect(decoded.out.contains("from: \(UtilVectors.address)"))

        let create = try CLIRunner.run(["util", "mktx", "--create", "--chain", "31337", "--nonce", "1", "--gas-limit", "200000",
                                        "--gas-price", "2gwei", "--priority-gas-price", "1gwei", "0x6001600055",
                                        "constructor(uint256)", "5"],
                                       environment: Self.env)
        #expect(create.status == 0, "\(create.stderr)")
        let json = try CLIRunner.run(["util", "decode-tx", "--json", create.out])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect(object["to"] is NSNull)
        #expect(object["data"] as? String == "0x6001600055" + "0000000000000000000000000000000000000000000000000000000000000005")
    }

    @Test func badTransactionInput() throws {
        let base = ["mktx", "--chain", "1", "--nonce", "0", "--gas-limit", "21000", "--priority-gas-price", "1gwei"]
        let to = "0x3535353535353535353535353535353535353535"
        #expect(try failure(base + ["--gas-price", "30 zwei", to]).hasPrefix("Error: gas-price: unknown unit \"zwei\""))
        #expect(try failure(base + ["--gas-price", "1.5wei", to]).contains("not a whole number of wei"))
        #expect(try failure(base + ["--gas-price", "1e9", to]).hasPrefix("Error: gas-price:"))
        #expect(try failure(base + ["--gas-price", "30gwei", "--value", "200000000000000000000000000000000000000000000000000000000000000ether", to])
                .contains("2^256"))
        #expect(try failure(base + ["--gas-price", "0.5gwei", to]).contains("exceeds the max fee"))
        #expect(try failure(["mktx", "--chain", "1", "--nonce", "0", "--gas-limit", "21000", "--gas-price", "1gwei", to])
                .contains("priority-gas-price: required"))
        #expect(try failure(base + ["--gas-price", "30gwei", "--legacy", to]).contains("only for EIP-1559"))
        #expect(try failure(["mktx", "--chain", "1", "--nonce", "18446744073709551616", "--gas-limit", "21000", "--gas-price", "1gwei",
                             "--legacy", to]).hasPrefix("Error: nonce:"))
        #expect(try failure(base + ["--gas-price", "30gwei", "0x35353535353535353535353535353535353535"]).hasPrefix("Error: to:"))
        #expect(try failure(base + ["--gas-price", "30gwei", "0x5FbDB2315678afecb367f032d93F642f64180aA3"]).contains("checksum"))
        #expect(try failure(base + ["--gas-price", "30gwei", to, "0xabc"]).hasPrefix("Error: data:"))
        #expect(try failure(base + ["--gas-price", "30gwei", to, "transfer(address,uint256)", to]).contains("takes 2 arguments, got 1"))
        #expect(try failure(base + ["--gas-price", "30gwei", "--access-list", "[{\"address\":1}]", to]).hasPrefix("Error: access-list:"))
        #expect(try failure(base + ["--gas-price", "30gwei", to, "--gas-limt", "5"]).contains("unknown option"))
        #expect(try failure(base + ["--gas-price", "30gwei", to], environment: [:]).contains("no signing key"))

        #expect(try failure(["decode-tx", String(Self.eip155Raw.dropLast(4))]).contains("truncated"))
        #expect(try failure(["decode-tx", String(Self.eip155Raw.dropLast(1))]).contains("odd number of digits"))
        #expect(try failure(["decode-tx", "0x05c0"]).contains("unknown transaction type"))
        // A flipped bit in s: either a signature error or another sender, never a crash.
        var tampered = Array(Self.eip1559Raw)
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == "0" ? "1" : "0"
        let t = try CLIRunner.run(["util", "decode-tx", String(tampered)])
        #expect(!t.stderr.contains("Fatal error"))
        if t.status == 0 { #expect(!t.out.contains(UtilVectors.address)) }
    }
}

/// Amount spellings through mktx: each must give exactly the same transaction as plain wei.
@Suite struct UtilAmountTests {
    static let to = "0x3535353535353535353535353535353535353535"

    func value(_ amount: String) throws -> String? {
        let raw = try CLIRunner.run(["util", "mktx", "--legacy", "--chain", "1", "--nonce", "0", "--gas-limit", "21000",
                                     "--gas-price", "1gwei", "--value", amount, Self.to],
                                    environment: ["ETH_PRIVATE_KEY": UtilVectors.key])
        guard raw.status == 0 else { return nil }
        let json = try CLIRunner.run(["util", "decode-tx", "--json", raw.out])
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        return object?["value"] as? String
    }

    @Test(arguments: [
        ("1ether", "1000000000000000000"), ("1 ETHER", "1000000000000000000"), ("1000finney", "1000000000000000000"),
        ("1.5gwei", "1500000000"), (".5gwei", "500000000"), ("2.000000000gwei", "2000000000"), ("100wei", "100"),
        ("7kwei", "7000"), ("3mwei", "3000000"), ("0.000001szabo", "1000000"), ("42", "42"), ("0x2a", "42"),
        ("0.000000000000000001ether", "1"),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639935wei",
         "115792089237316195423570985008687907853269984665640564039457584007913129639935"),
    ])
    func spelling(_ amount: String, _ wei: String) throws {
        #expect(try value(amount) == wei)
    }

    @Test(arguments: ["1.5", "0.5wei", "1.0000000000000000001ether", "1e18", "ether", "-1ether", "1..2gwei", "1 gwe",
                      "115792089237316195423570985008687907853269984665640564039457584007913129639936", "0x1" + String(repeating: "0", count: 64), " "])
    func rejected(_ amount: String) throws {
        let r = try CLIRunner.run(["util", "mktx", "--legacy", "--chain", "1", "--nonce", "0", "--gas-limit", "21000",
                                   "--gas-price", "1gwei", "--value=\(amount)", Self.to],
                                  environment: ["ETH_PRIVATE_KEY": UtilVectors.key])
        #expect(r.status != 0)
        #expect(r.errorLine.hasPrefix("Error: value:"), "\(r.stderr)")
        #expect(r.errorLine.split(separator: "\n").count == 1)
    }
}
