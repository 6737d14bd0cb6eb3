import EthCore
import Testing

@testable import EthRPC

@Suite("JSONValue parser and serializer")
struct JSONValueTests {
    @Test func parsesAllKinds() throws {
        let v = try JSONValue.parse(#" {"a": [1, -2.5e3, true, false, null], "b": "x\"y\\z\n\u00e9\ud83d\ude00", "c": {}} "#)
        #expect(v["a"] == [1, .number("-2.5e3"), true, false, nil])
        #expect(v["b"] == .string("x\"y\\z\né😀"))
        #expect(v["c"] == .object([:]))
    }

    @Test func keepsNumberTextExactly() throws {
        let big = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        #expect(try JSONValue.parse(big) == .number(big))
        #expect(try JSONValue.parse("[12345678901234567890]").serializedString == "[12345678901234567890]")
    }

    @Test func serializesCompactWithSortedKeysAndEscapes() {
        let v: JSONValue = ["b": 1, "a": ["x\u{01}\t\"", nil, true]]
        #expect(v.serializedString == #"{"a":["x\u0001\t\"",null,true],"b":1}"#)
    }

    @Test func roundTrips() throws {
        let text = #"{"id":7,"jsonrpc":"2.0","params":[{"data":"0xabcd","to":"0x01"},"latest"],"result":null}"#
        #expect(try JSONValue.parse(text).serializedString == text)
    }

    @Test(arguments: [
        "", "   ", "{", "[1,", "[1 2]", "{\"a\" 1}", "{\"a\":}", "tru", "nul", "01", "1.", "-", "1e", "\"abc",
        "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "[1]x", "{1:2}", "\"a\u{01}b\"",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func rejectsDeepNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONValue.parse(ok)) != nil)
    }

    @Test func accessors() throws {
        let v = try JSONValue.parse(#"{"n": 42, "s": "t", "f": 1.5}"#)
        #expect(v["n"]?.intValue == 42)
        #expect(v["f"]?.intValue == nil)
        #expect(v["s"]?.stringValue == "t")
        #expect(v["missing"] == nil)
        #expect(JSONValue.string("x")["key"] == nil)
    }
}
