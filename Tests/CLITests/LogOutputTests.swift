import Foundation
import Logging
import Testing
@testable import rebalancer

/// The log line handler: JSON lines with the metadata as fields, and URL secrets masked in the
/// message and in every value (a node error quoting its URL must not leak the credential).
@Suite struct LogOutputTests {
    @Test func aJSONLineCarriesTheMetadataAndNoURLSecret() throws {
        let line = LineLogHandler.line(
            format: .json, time: Date(timeIntervalSince1970: 0), level: .error, label: "rebalancer",
            message: "state read failed: https://user:hunter2pass@node.example/v3/0123456789abcdef0123456789abcdef: timeout",
            metadata: ["network": "devnet", "block": .stringConvertible(UInt64(12)), "node": "https://node.example/?apikey=SECRETKEY123456"])
        #expect(!line.contains("hunter2pass") && !line.contains("0123456789abcdef0123456789abcdef") && !line.contains("SECRETKEY123456"), "\(line)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "error" && object["network"] as? String == "devnet")
        #expect((object["block"] as? NSNumber)?.intValue == 12)
        #expect((object["message"] as? String)?.contains("****") == true)
    }

    @Test func aTextLineIsOneLineWithSortedFields() {
        let line = LineLogHandler.line(format: .text, time: Date(timeIntervalSince1970: 0), level: .notice, label: "rebalancer",
                                       message: "completed", metadata: ["runId": .stringConvertible(7), "network": "devnet"])
        #expect(line == "1970-01-01T00:00:00Z notice completed network=devnet runId=7")
    }

    @Test func aLogLevelIsOneOfTheNames() {
        #expect((try? LogOptions.level("DEBUG")) == .debug)
        #expect((try? LogOptions.level("loud")) == nil)
    }
}
