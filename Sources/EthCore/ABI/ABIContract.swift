#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A contract's interface loaded from standard ABI JSON (solc, Vyper, foundry and hardhat
/// artifacts): functions by name or selector (overloads allowed), events by name or topic0,
/// custom errors by selector.
public struct ABIContract: Sendable {
    public let functions: [ABIFunction]
    public let events: [ABIEvent]
    public let errors: [ABICustomError]
    /// Constructor parameters, when the ABI declares a constructor.
    public let constructorInputs: [ABIParameter]?
    public let hasFallback: Bool
    public let hasReceive: Bool

    public init(functions: [ABIFunction] = [], events: [ABIEvent] = [], errors: [ABICustomError] = [],
                constructorInputs: [ABIParameter]? = nil, hasFallback: Bool = false, hasReceive: Bool = false) {
        self.functions = functions
        self.events = events
        self.errors = errors
        self.constructorInputs = constructorInputs
        self.hasFallback = hasFallback
        self.hasReceive = hasReceive
    }

    /// Parses ABI JSON text: a JSON array of entries, or an artifact object with an `"abi"` array.
    public init(json: String) throws(ABIError) {
        try self.init(jsonData: Array(json.utf8))
    }

    public init(jsonData: [UInt8]) throws(ABIError) {
        let entries: [JSONEntry]
        do {
            let decoder = JSONDecoder()
            if jsonData.first(where: { $0 != 32 && $0 != 10 && $0 != 13 && $0 != 9 }) == UInt8(ascii: "{") {
                entries = try decoder.decode(JSONArtifact.self, from: Data(jsonData)).abi
            } else {
                entries = try decoder.decode([JSONEntry].self, from: Data(jsonData))
            }
        } catch let e as DecodingError {
            throw Self.describe(e)
        } catch {
            throw .invalidJSON(field: "abi", reason: "not JSON")
        }
        var functions: [ABIFunction] = [], events: [ABIEvent] = [], errors: [ABICustomError] = []
        var constructorInputs: [ABIParameter]? = nil
        var hasFallback = false, hasReceive = false
        for (i, entry) in entries.enumerated() {
            let field = "abi[\(i)]"
            do throws(ABIError) {
                let inputs = try Self.parameters(entry.inputs ?? [], field: "inputs")
                switch entry.type ?? "function" {
                case "function":
                    guard let name = entry.name, !name.isEmpty else { throw ABIError.invalidJSON(field: "name", reason: "a function needs a name") }
                    let outputs = try Self.parameters(entry.outputs ?? [], field: "outputs")
                    functions.append(ABIFunction(name: name, inputs: inputs, outputs: outputs, stateMutability: entry.mutability))
                case "event":
                    guard let name = entry.name, !name.isEmpty else { throw ABIError.invalidJSON(field: "name", reason: "an event needs a name") }
                    events.append(ABIEvent(name: name, inputs: inputs, anonymous: entry.anonymous ?? false))
                case "error":
                    guard let name = entry.name, !name.isEmpty else { throw ABIError.invalidJSON(field: "name", reason: "an error needs a name") }
                    errors.append(ABICustomError(name: name, inputs: inputs))
                case "constructor": constructorInputs = inputs
                case "fallback": hasFallback = true
                case "receive": hasReceive = true
                case let other: throw ABIError.invalidJSON(field: "type", reason: "unknown entry type \"\(other)\"")
                }
            } catch {
                throw Self.prefix(error, with: field)
            }
        }
        self.init(functions: functions, events: events, errors: errors, constructorInputs: constructorInputs,
                  hasFallback: hasFallback, hasReceive: hasReceive)
    }

    // MARK: Lookup

    public func functions(named name: String) -> [ABIFunction] { functions.filter { $0.name == name } }

    /// A function by name (must not be overloaded) or by full signature `name(types)`.
    public func function(_ nameOrSignature: String) throws(ABIError) -> ABIFunction {
        if nameOrSignature.contains("(") {
            let wanted = try ABIFunction(signature: nameOrSignature).signature
            guard let f = functions.first(where: { $0.signature == wanted }) else { throw .unknownMember(wanted) }
            return f
        }
        let matches = functions(named: nameOrSignature)
        guard let first = matches.first else { throw .unknownMember(nameOrSignature) }
        guard matches.count == 1 else { throw .ambiguousMember(nameOrSignature, candidates: matches.map(\.signature)) }
        return first
    }

    public func function(selector: [UInt8]) -> ABIFunction? { functions.first { $0.selector == selector } }

    /// The function called by `calldata`, with its decoded arguments.
    public func decodeCall(_ calldata: [UInt8]) throws(ABIError) -> (function: ABIFunction, arguments: [ABIValue]) {
        guard calldata.count >= 4 else { throw .dataTooShort(needed: 4, available: calldata.count) }
        let selector = Array(calldata.prefix(4))
        guard let f = function(selector: selector) else { throw .unknownMember(selector.hexString) }
        return (f, try f.decodeInput(calldata))
    }

    public func events(named name: String) -> [ABIEvent] { events.filter { $0.name == name } }

    /// An event by name (must not be overloaded) or by full signature.
    public func event(_ nameOrSignature: String) throws(ABIError) -> ABIEvent {
        if nameOrSignature.contains("(") {
            let wanted = try ABIEvent(signature: nameOrSignature).signature
            guard let e = events.first(where: { $0.signature == wanted }) else { throw .unknownMember(wanted) }
            return e
        }
        let matches = events(named: nameOrSignature)
        guard let first = matches.first else { throw .unknownMember(nameOrSignature) }
        guard matches.count == 1 else { throw .ambiguousMember(nameOrSignature, candidates: matches.map(\.signature)) }
        return first
    }

    public func event(topic0: [UInt8]) -> ABIEvent? { events.first { !$0.anonymous && $0.topic0 == topic0 } }

    public func error(selector: [UInt8]) -> ABICustomError? { errors.first { $0.selector == selector } }

    /// Constructor arguments, encoded to append to the creation bytecode.
    public func encodeConstructorArguments(_ args: [ABIValue]) throws(ABIError) -> [UInt8] {
        try ABIEncoder.encode((constructorInputs ?? []).types, args)
    }

    public var errorRegistry: CustomErrorRegistry { CustomErrorRegistry(errors) }

    /// Revert data read against this contract's custom errors.
    public func decodeRevert(_ data: [UInt8]) -> RevertReason { RevertReason.decode(data, registry: errorRegistry) }

    // MARK: JSON shapes

    private struct JSONArtifact: Decodable { let abi: [JSONEntry] }

    private struct JSONEntry: Decodable {
        let type: String?
        let name: String?
        let inputs: [JSONParameter]?
        let outputs: [JSONParameter]?
        let stateMutability: String?
        let anonymous: Bool?
        // Pre-0.5 ABI JSON said `constant` / `payable` instead of `stateMutability`.
        let constant: Bool?
        let payable: Bool?

        var mutability: String? {
            if let m = stateMutability { return m }
            if constant == true { return "view" }
            if let p = payable { return p ? "payable" : "nonpayable" }
            return nil
        }
    }

    private final class JSONParameter: Decodable, Sendable {
        let name: String?
        let type: String
        let components: [JSONParameter]?
        let indexed: Bool?
    }

    /// `tuple`, `tuple[]`, `tuple[2][]` take their component types from `components`.
    private static func parameters(_ params: [JSONParameter], field: String) throws(ABIError) -> [ABIParameter] {
        var out: [ABIParameter] = []
        for (i, p) in params.enumerated() {
            do throws(ABIError) {
                out.append(ABIParameter(name: p.name ?? "", type: try type(of: p, depth: 0), indexed: p.indexed ?? false))
            } catch {
                throw prefix(error, with: "\(field)[\(i)]")
            }
        }
        return out
    }

    private static func type(of p: JSONParameter, depth: Int) throws(ABIError) -> ABIType {
        guard depth <= ABIType.maxDepth else { throw .tooDeep(limit: ABIType.maxDepth) }
        guard p.type.hasPrefix("tuple") else {
            do { return try ABIType(parsing: p.type) } catch {
                throw .invalidJSON(field: "type", reason: ABIType.reason(error))
            }
        }
        let suffix = p.type.dropFirst("tuple".count)
        guard suffix.allSatisfy({ "[]0123456789".contains($0) }) else {
            throw .invalidJSON(field: "type", reason: "unexpected \"\(p.type)\"")
        }
        guard let components = p.components, !components.isEmpty else {
            throw .invalidJSON(field: "components", reason: "a tuple needs its components")
        }
        var types: [ABIType] = []
        for (i, c) in components.enumerated() {
            do throws(ABIError) { types.append(try type(of: c, depth: depth + 1)) } catch {
                throw prefix(error, with: "components[\(i)]")
            }
        }
        // Reuse the type-string parser for the array suffixes on a placeholder base.
        let placeholder = try? ABIType(parsing: "bool" + suffix)
        guard let shape = placeholder else { throw .invalidJSON(field: "type", reason: "bad array suffix in \"\(p.type)\"") }
        let t = replacingBase(of: shape, with: .tuple(types))
        do { try t.validate() } catch { throw .invalidJSON(field: "type", reason: ABIType.reason(error)) }
        return t
    }

    private static func replacingBase(of shape: ABIType, with base: ABIType) -> ABIType {
        switch shape {
        case .array(let e): return .array(replacingBase(of: e, with: base))
        case .fixedArray(let e, let k): return .fixedArray(replacingBase(of: e, with: base), k)
        default: return base
        }
    }

    /// Puts a location before JSON field errors (`abi[3].inputs[0].type`) and others.
    private static func prefix(_ error: ABIError, with component: String) -> ABIError {
        if case .invalidJSON(let field, let reason) = error { return .invalidJSON(field: component + "." + field, reason: reason) }
        if case .at(let path, let inner) = error, case .invalidJSON = inner { return .at(path, prefix(inner, with: component)) }
        return error.located(component)
    }

    private static func describe(_ e: DecodingError) -> ABIError {
        func path(_ keys: [any CodingKey]) -> String {
            var s = "abi"
            for k in keys {
                if let i = k.intValue { s += "[\(i)]" } else if k.stringValue != "abi" { s += "." + k.stringValue }
            }
            return s
        }
        switch e {
        case .typeMismatch(_, let c): return .invalidJSON(field: path(c.codingPath), reason: "wrong JSON type")
        case .valueNotFound(_, let c): return .invalidJSON(field: path(c.codingPath), reason: "missing value")
        case .keyNotFound(let k, let c): return .invalidJSON(field: path(c.codingPath + [k]), reason: "missing field")
        case .dataCorrupted(let c): return .invalidJSON(field: path(c.codingPath), reason: "malformed JSON")
        @unknown default: return .invalidJSON(field: "abi", reason: "malformed JSON")
        }
    }
}
