import TestSupport
import Testing

/// abi-encode / calldata / abi-decode through the real binary. Expected encodings are the
/// Solidity ABI specification's examples (the same bytes eth-abi produces).
@Suite struct UtilABITests {
    static let spec: [(sig: String, args: [String], calldata: String)] = [
        ("baz(uint32,bool)", ["69", "true"],
         "0xcdcd77c000000000000000000000000000000000000000000000000000000000000000450000000000000000000000000000000000000000000000000000000000000001"),
        ("bar(bytes3[2])", ["[0x616263, 0x646566]"],
         "0xfce353f661626300000000000000000000000000000000000000000000000000000000006465660000000000000000000000000000000000000000000000000000000000"),
        ("sam(bytes,bool,uint256[])", ["0x64617665", "true", "[1,2,3]"],
         "0xa5643bf20000000000000000000000000000000000000000000000000000000000000060000000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000000464617665000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003000000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000003"),
        ("f(uint256,uint32[],bytes10,bytes)", ["0x123", "[0x456,0x789]", "0x31323334353637383930", "0x48656c6c6f2c20776f726c6421"],
         "0x8be6524600000000000000000000000000000000000000000000000000000000000001230000000000000000000000000000000000000000000000000000000000000080313233343536373839300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000e0000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000000000000000000004560000000000000000000000000000000000000000000000000000000000000789000000000000000000000000000000000000000000000000000000000000000d48656c6c6f2c20776f726c642100000000000000000000000000000000000000"),
        ("g(uint256[][],string[])", ["[[1,2],[3]]", #"["one","two","three"]"#],
         "0x2289b18c000000000000000000000000000000000000000000000000000000000000004000000000000000000000000000000000000000000000000000000000000001400000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000004000000000000000000000000000000000000000000000000000000000000000a0000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000000000000000000000030000000000000000000000000000000000000000000000000000000000000003000000000000000000000000000000000000000000000000000000000000006000000000000000000000000000000000000000000000000000000000000000a000000000000000000000000000000000000000000000000000000000000000e000000000000000000000000000000000000000000000000000000000000000036f6e650000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000374776f000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000057468726565000000000000000000000000000000000000000000000000000000"),
    ]

    @Test(arguments: 0..<spec.count)
    func specExampleCalldataAndEncoding(_ i: Int) throws {
        let (sig, args, expected) = Self.spec[i]
        let calldata = try CLIRunner.run(["util", "calldata", sig] + args)
        #expect(calldata.status == 0, "\(calldata.stderr)")
        #expect(calldata.out == expected)
        let encoded = try CLIRunner.run(["util", "abi-encode", sig] + args)
        #expect(encoded.status == 0, "\(encoded.stderr)")
        #expect(encoded.out == "0x" + expected.dropFirst(10))   // the same without the 4-byte selector

        // Decoding the calldata with --input gives the arguments back, one per line, cast-style.
        let decoded = try CLIRunner.run(["util", "abi-decode", "--input", sig, expected])
        #expect(decoded.status == 0, "\(decoded.stderr)")
        let lines = decoded.out.split(separator: "\n").map(String.init)
        #expect(lines.count == args.count)
        // Re-encoding the printed values must reproduce the calldata exactly.
        let again = try CLIRunner.run(["util", "calldata", sig] + lines)
        #expect(again.out == expected, "\(again.stderr)")
    }

    @Test func negativeIntegersAndNestedTuples() throws {
        let r = try CLIRunner.run(["util", "abi-encode", "f(int8,(address,string))", "-5",
                                   #"(0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, "hi, there")"#])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffb00000000000000000000000000000000000000000000000000000000000000400000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed0000000000000000000000000000000000000000000000000000000000000040000000000000000000000000000000000000000000000000000000000000000968692c2074686572650000000000000000000000000000000000000000000000")
        // A bare type list works for abi-encode and abi-decode, not for calldata (no selector).
        let bare = try CLIRunner.run(["util", "abi-encode", "(int8,(address,string))", "-5",
                                      #"(0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, "hi, there")"#])
        #expect(bare.out == r.out)
        let decoded = try CLIRunner.run(["util", "abi-decode", "f()(int8,(address,string))", r.out])
        #expect(decoded.status == 0, "\(decoded.stderr)")
        #expect(decoded.out == "-5\n(0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, \"hi, there\")")
        let json = try CLIRunner.run(["util", "abi-decode", "--json", "f()(int8,(address,string))", r.out])
        #expect(json.out == #"["-5",["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","hi, there"]]"#)
        let noName = try CLIRunner.run(["util", "calldata", "(uint256)", "1"])
        #expect(noName.status != 0)
        #expect(noName.errorLine.contains("needs a function name"))
    }

    @Test func decodeOutputsAsJSON() throws {
        // getReserves()(uint112,uint112,uint32) return data, then a mixed list.
        let data = try CLIRunner.run(["util", "abi-encode", "(uint112,uint112,uint32)", "1000000000000000000000", "3000000000000", "1764000000"]).out
        let plain = try CLIRunner.run(["util", "abi-decode", "getReserves()(uint112,uint112,uint32)", data])
        #expect(plain.out == "1000000000000000000000\n3000000000000\n1764000000")
        let mixed = try CLIRunner.run(["util", "abi-encode", "(bool,address[],bytes,bytes2,string)", "false",
                                       "[0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed]", "0x", "0xbeef", "ok"]).out
        let json = try CLIRunner.run(["util", "abi-decode", "--json", "f()(bool,address[],bytes,bytes2,string)", mixed])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.out == #"[false,["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"],"0x","0xbeef","ok"]"#)
        // --input --json on calldata.
        let input = try CLIRunner.run(["util", "abi-decode", "--input", "--json", "transfer(address,uint256)",
                                       "0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8000000000000000000000000000000000000000000000000000000000000000a"])
        #expect(input.out == #"["0x70997970C51812dc3A010C7d01b50e0d17dc79C8","10"]"#)
    }

    @Test func badInputIsOneLineNamingTheArgument() throws {
        func failure(_ args: [String]) throws -> String {
            let r = try CLIRunner.run(["util"] + args)
            #expect(r.status != 0, "\(args) should fail")
            #expect(r.errorLine.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"))
            #expect(r.stdout.isEmpty)
            return r.errorLine
        }
        #expect(try failure(["abi-encode", "f(uint256,bool)", "1"]) == "Error: arguments: f(uint256,bool) takes 2 arguments, got 1")
        #expect(try failure(["calldata", "f(uint8)", "256"]).hasPrefix("Error: argument 1: cannot read \"256\" as uint8: out of range for uint8"))
        #expect(try failure(["calldata", "f(uint256)", "-1"]).contains("cannot be negative"))
        #expect(try failure(["abi-encode", "f(int8)", "-129"]).contains("out of range for int8"))
        #expect(try failure(["abi-encode", "f(bytes)", "0xabc"]).contains("odd number of digits"))
        #expect(try failure(["abi-encode", "f(bytes2)", "0xabcdef"]).contains("bytes2 needs exactly 2 bytes"))
        #expect(try failure(["abi-encode", "f(address)", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"]).contains("checksum"))
        #expect(try failure(["abi-encode", "f(uint256[2])", "[1,2,3]"]).hasPrefix("Error: argument 1:"))
        #expect(try failure(["abi-encode", "f(uint257)", "1"]).hasPrefix("Error: signature:"))
        #expect(try failure(["abi-decode", "f()(uint256)", "0x1234"]).hasPrefix("Error: data: ABI data too short"))
        #expect(try failure(["abi-decode", "f()(uint256)", "0x123"]).contains("odd number of digits"))
        #expect(try failure(["abi-decode", "f(uint256)", "0x00"]).contains("no output types"))
        // The selector of other calldata is refused by --input.
        #expect(try failure(["abi-decode", "--input", "approve(address,uint256)",
                             "0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8000000000000000000000000000000000000000000000000000000000000000a"])
                .contains("selector 0xa9059cbb does not match 0x095ea7b3"))
    }
}
