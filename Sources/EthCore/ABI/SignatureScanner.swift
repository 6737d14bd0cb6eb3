/// A small recursive-descent reader for human-readable types and signatures
/// (`transfer(address to, uint256 amount)`, `getReserves()(uint112,uint112,uint32)`,
/// `function balanceOf(address) view returns (uint256)`, `event Transfer(address indexed from, …)`).
struct SignatureScanner {
    let text: String
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    var atEnd: Bool { position >= bytes.count }
    var rest: String { ABIError.oneLine(String(decoding: bytes[min(position, bytes.count)...], as: UTF8.self), limit: 40) }
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipSpaces() {
        while let c = peek, c == 32 || c == 9 || c == 10 || c == 13 { position += 1 }
    }

    /// Consumes `c` (after spaces) if it is next.
    mutating func consume(_ c: Character) -> Bool {
        skipSpaces()
        guard let a = c.asciiValue, peek == a else { return false }
        position += 1
        return true
    }

    static func isIdentifierByte(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95 || c == 36
    }

    /// An identifier (letters, digits, `_`, `$`), or nil if none is next.
    mutating func identifier() -> String? {
        skipSpaces()
        let start = position
        while let c = peek, Self.isIdentifierByte(c) { position += 1 }
        return position > start ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
    }

    /// Peeks the next identifier without consuming it.
    mutating func peekIdentifier() -> String? {
        let saved = position
        defer { position = saved }
        return identifier()
    }

    func typeError(_ reason: String) -> ABIError { .invalidType(text, reason: reason) }

    /// A type: an elementary name or a parenthesised tuple (optionally written `tuple(…)`), then
    /// any number of `[]` / `[k]` suffixes. Tuple components may carry names (`(uint256 a, bool b)`).
    mutating func parseType(depth: Int) throws(ABIError) -> ABIType {
        guard depth <= ABIType.maxDepth else { throw .tooDeep(limit: ABIType.maxDepth) }
        skipSpaces()
        var base: ABIType
        if peek == UInt8(ascii: "(") || peekIdentifier() == "tuple" {
            if peek != UInt8(ascii: "(") { _ = identifier() }
            guard consume("(") else { throw typeError("expected \"(\" after \"tuple\"") }
            let components = try parseParameterList(depth: depth + 1, allowIndexed: false)
            guard !components.isEmpty else { throw typeError("an empty tuple is not an ABI type") }
            base = .tuple(components.map(\.type))
        } else {
            guard let name = identifier() else {
                throw typeError(atEnd ? "a type is missing" : "unexpected \"\(rest)\"")
            }
            base = try ABIType.elementary(name)
        }
        return try parseArraySuffixes(on: base, depth: depth)
    }

    /// One parameter: a type, then optional words (`indexed`, data locations, `payable`) and a name.
    mutating func parseParameter(depth: Int, allowIndexed: Bool) throws(ABIError) -> ABIParameter {
        var type = try parseType(depth: depth)
        var indexed = false
        var name = ""
        while let word = peekIdentifier() {
            _ = identifier()
            switch word {
            case "indexed":
                guard allowIndexed else { throw typeError("\"indexed\" is only allowed in event parameters") }
                indexed = true
            case "memory", "calldata", "storage":
                continue
            case "payable" where type == .address && name.isEmpty:
                continue
            default:
                guard name.isEmpty else { throw typeError("unexpected \"\(word)\" after parameter \"\(name)\"") }
                name = word
            }
        }
        // `address payable[]` puts the suffix after the word; accept it like solc does.
        if name.isEmpty, consume("[") {
            position -= 1
            var suffixScanner = self
            type = try suffixScanner.parseArraySuffixes(on: type, depth: depth)
            self = suffixScanner
        }
        return ABIParameter(name: name, type: type, indexed: indexed)
    }

    /// `[]` and `[k]` suffixes after a base type.
    private mutating func parseArraySuffixes(on t: ABIType, depth: Int) throws(ABIError) -> ABIType {
        var base = t
        var arrays = 0
        while consume("[") {
            arrays += 1
            guard depth + arrays <= ABIType.maxDepth else { throw .tooDeep(limit: ABIType.maxDepth) }
            skipSpaces()
            let start = position
            while let c = peek, c >= 48 && c <= 57 { position += 1 }
            let digits = String(decoding: bytes[start..<position], as: UTF8.self)
            guard consume("]") else { throw typeError("expected \"]\"") }
            if digits.isEmpty { base = .array(base) } else {
                guard digits.count <= 9, let k = Int(digits), k >= 1 else {
                    throw typeError("array length \(digits) must be from 1 to \(ABIType.maxStaticSize / 32)")
                }
                base = .fixedArray(base, k)
            }
        }
        do { try base.validate() } catch { throw typeError(ABIType.reason(error)) }
        return base
    }

    /// A comma-separated list up to and including the closing `)`; the opening `(` is already read.
    mutating func parseParameterList(depth: Int, allowIndexed: Bool) throws(ABIError) -> [ABIParameter] {
        var out: [ABIParameter] = []
        if consume(")") { return out }
        while true {
            out.append(try parseParameter(depth: depth, allowIndexed: allowIndexed))
            if consume(",") { continue }
            if consume(")") { return out }
            throw typeError(atEnd ? "missing \")\"" : "unexpected \"\(rest)\"")
        }
    }
}

/// What a human-readable signature says: `name(inputs)`, optional outputs, and the words around them.
struct ParsedSignature {
    var keyword: String?          // function / event / error / constructor, if written
    var name: String
    var inputs: [ABIParameter]
    var outputs: [ABIParameter]
    var modifiers: [String]       // view, pure, payable, nonpayable, anonymous, external, …

    static let keywords: Set<String> = ["function", "event", "error", "constructor", "fallback", "receive"]
    /// Words Solidity allows after the parameter list; anything else is most likely a typo.
    static let knownModifiers: Set<String> = ["external", "public", "internal", "private", "view", "pure", "payable",
                                              "nonpayable", "constant", "virtual", "override", "anonymous"]

    init(_ text: String, allowIndexed: Bool) throws(ABIError) {
        var s = SignatureScanner(text)
        func fail(_ reason: String) -> ABIError { .invalidSignature(text, reason: reason) }
        func wrap<T>(_ body: (inout SignatureScanner) throws(ABIError) -> T) throws(ABIError) -> T {
            do { return try body(&s) } catch {
                if case .invalidType(_, let r) = error { throw fail(r) }
                throw error
            }
        }
        var first = s.identifier()
        if let f = first, Self.keywords.contains(f) {
            keyword = f
            first = f == "constructor" || f == "fallback" || f == "receive" ? f : s.identifier()
        } else {
            keyword = nil
        }
        guard let n = first else { throw fail("expected a name before \"(\"") }
        guard let c = n.utf8.first, !(c >= 48 && c <= 57) else { throw fail("a name cannot start with a digit") }
        name = n
        guard s.consume("(") else { throw fail(s.atEnd ? "missing \"(\"" : "unexpected \"\(s.rest)\" after the name") }
        inputs = try wrap { (sc: inout SignatureScanner) throws(ABIError) in try sc.parseParameterList(depth: 1, allowIndexed: allowIndexed) }
        outputs = []
        modifiers = []
        var sawOutputs = false
        while true {
            s.skipSpaces()
            if s.atEnd { break }
            if s.consume("(") {
                guard !sawOutputs else { throw fail("more than one output list") }
                sawOutputs = true
                outputs = try wrap { (sc: inout SignatureScanner) throws(ABIError) in try sc.parseParameterList(depth: 1, allowIndexed: false) }
                continue
            }
            guard let word = s.identifier() else { throw fail("unexpected \"\(s.rest)\"") }
            if word == "returns" {
                guard s.consume("(") else { throw fail("expected \"(\" after returns") }
                guard !sawOutputs else { throw fail("more than one output list") }
                sawOutputs = true
                outputs = try wrap { (sc: inout SignatureScanner) throws(ABIError) in try sc.parseParameterList(depth: 1, allowIndexed: false) }
            } else {
                guard Self.knownModifiers.contains(word) else { throw fail("unexpected \"\(word)\"") }
                modifiers.append(word)
            }
        }
    }
}
