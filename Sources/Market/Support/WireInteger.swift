/// An integer field as written in a JSON file: a decimal string (the house format, since amounts
/// exceed 2^53) or, leniently, a JSON integer. Kept as text so validation can name the field when
/// it is not a decimal integer; always encoded as a string.
struct WireInteger: Codable, Sendable, Equatable {
    var text: String

    init(_ text: String) { self.text = text }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            text = s
        } else if let n = try? c.decode(UInt64.self) {
            text = String(n)
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a decimal integer")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}
