import Foundation
import Testing
@testable import EthCore

/// Vectors generated once by eth-abi (Fixtures/abi_vectors_gen.py); the tests only read the JSON.
@Suite struct ABIDifferentialTests {
    static func fixture() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/abi_vectors.json")
        let data = try Data(contentsOf: url)
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func canonicalJSON(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["v": value], options: [.sortedKeys, .fragmentsAllowed])
    }

    @Test func encodingMatchesEthAbiByteForByte() throws {
        let fixture = try Self.fixture()
        let vectors = try #require(fixture["vectors"] as? [[String: Any]])
        #expect(vectors.count == 300)
        for (i, vector) in vectors.enumerated() {
            let typeNames = try #require(vector["types"] as? [String])
            let jsonValues = try #require(vector["values"] as? [Any])
            let expected = try Hex.decode(try #require(vector["encoded"] as? String))
            let types = try typeNames.map { try ABIType(parsing: $0) }
            let values = try zip(jsonValues, types).map { try ABIValue(json: $0, type: $1) }

            #expect(try ABIEncoder.encode(types, values) == expected, "vector \(i): \(typeNames)")
            let decoded = try ABIDecoder.decode(types, expected)
            #expect(decoded == values, "vector \(i)")
            // jsonValue renders exactly what the generator wrote (checksummed addresses, decimal strings).
            #expect(try Self.canonicalJSON(decoded.map(\.jsonValue)) == Self.canonicalJSON(jsonValues), "vector \(i)")
            // jsonString is the same JSON.
            let text = "[" + decoded.map(\.jsonString).joined(separator: ",") + "]"
            let reparsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
            #expect(try Self.canonicalJSON(reparsed) == Self.canonicalJSON(jsonValues), "vector \(i)")
        }
    }

    @Test func selectorsMatchEthUtils() throws {
        let selectors = try #require(Self.fixture()["selectors"] as? [String: String])
        #expect(selectors.count == 7)
        for (signature, selector) in selectors {
            #expect(try ABIFunction(signature: signature).selectorHex == selector)
        }
    }
}
