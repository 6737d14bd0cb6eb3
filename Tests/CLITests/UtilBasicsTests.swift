import TestSupport
import Testing

@Suite struct UtilBasicsTests {
    @Test func keccak() throws {
        #expect(try CLIRunner.run(["util", "keccak", "abc"]).out == "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        #expect(try CLIRunner.run(["util", "keccak", "0x"]).out == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
        let bad = try CLIRunner.run(["util", "keccak", "0xabc"])
        #expect(bad.status != 0)
        #expect(bad.errorLine == "Error: data: hex has an odd number of digits (3)")
    }

    @Test func rlpRoundTrip() throws {
        let encoded = try CLIRunner.run(["util", "to-rlp", #"["0x01",["0x0203",[]],"0x"]"#])
        #expect(encoded.status == 0)
        #expect(encoded.out == "0xc701c4820203c080")
        #expect(try CLIRunner.run(["util", "from-rlp", encoded.out]).out == #"["0x01",["0x0203",[]],"0x"]"#)
        let truncated = try CLIRunner.run(["util", "from-rlp", "0xc401c28203"])
        #expect(truncated.status != 0)
        #expect(truncated.errorLine.contains("truncated"))
        #expect(!truncated.stderr.contains("Fatal error"))
        let notHex = try CLIRunner.run(["util", "to-rlp", "[1]"])
        #expect(notHex.errorLine == "Error: value[0] must be a 0x-hex string or an array")
    }

    @Test func checksum() throws {
        #expect(try CLIRunner.run(["util", "to-checksum", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"]).out
                == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        let bad = try CLIRunner.run(["util", "to-checksum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"])
        #expect(bad.status != 0)
        #expect(bad.errorLine.contains("wrong EIP-55 checksum"))
        #expect(bad.errorLine.split(separator: "\n").count == 1)
    }
}
