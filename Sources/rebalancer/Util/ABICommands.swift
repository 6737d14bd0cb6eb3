import ArgumentParser
import EthCore

extension Util {
    struct ABIEncode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "abi-encode",
            abstract: "ABI-encode arguments (no selector), e.g. abi-encode \"f(uint256,address[])\" 1 \"[0xAbC…,0xDeF…]\".")

        @Argument(help: "The signature: name(types) or just (types).")
        var signature: String

        @Argument(parsing: .allUnrecognized, help: "One value per input type (cast syntax: 1, 0x1f, -5, true, 0x-hex, text, [a,b], (a,b)).")
        var args: [String] = []

        func run() throws {
            let function = try ABIText.function(signature)
            let values = try ABIText.values(args, for: function)
            print(try reporting("arguments") { try ABIEncoder.encode(function.inputs.map(\.type), values) }.hexString)
        }
    }

    struct Calldata: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "ABI-encode a function call: the 4-byte selector and the arguments.")

        @Argument(help: "The function signature, e.g. transfer(address,uint256).")
        var signature: String

        @Argument(parsing: .allUnrecognized, help: "One value per input type (cast syntax).")
        var args: [String] = []

        func run() throws {
            let function = try ABIText.function(signature, needsName: true)
            let values = try ABIText.values(args, for: function)
            print(try reporting("arguments") { try function.encodeCall(values) }.hexString)
        }
    }

    struct ABIDecode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "abi-decode",
            abstract: "Decode ABI data: a call's return data with name(in)(out), or its calldata with --input.")

        @Flag(help: "Decode calldata (selector first, checked) against the input types.")
        var input = false

        @Flag(help: "Print a JSON array (integers as decimal strings).")
        var json = false

        @Argument(help: "The signature with outputs: name(in)(out), e.g. getReserves()(uint112,uint112,uint32).")
        var signature: String

        @Argument(help: "The 0x-hex data.")
        var data: String

        func run() throws {
            let function = try ABIText.function(signature, needsName: input)
            let bytes = try reporting("data") { try Hex.decode(data.trimmingSpaces) }
            let values: [ABIValue]
            if input {
                values = try reporting("data") { try function.decodeInput(bytes) }
            } else {
                guard !function.outputs.isEmpty else {
                    throw CLIError("signature: \"\(signature)\" has no output types; write name(inputs)(outputs), or pass --input to decode calldata")
                }
                values = try reporting("data") { try function.decodeOutput(bytes) }
            }
            if json {
                print("[" + values.map(\.jsonString).joined(separator: ",") + "]")
            } else {
                for v in values { print(v.description) }
            }
        }
    }
}

/// Signatures and argument lists as typed on the command line.
enum ABIText {
    /// Parses `name(types)(outputs)`; without `needsName`, a bare `(types)` is accepted too.
    static func function(_ signature: String, needsName: Bool = false) throws -> ABIFunction {
        var text = signature.trimmingSpaces
        // A constructor has no name and no selector: its arguments follow the init code.
        if text.hasPrefix("constructor") && !needsName {
            text = text.dropFirst("constructor".count).trimmingSpaces
        }
        if text.hasPrefix("(") {
            guard !needsName else { throw CLIError("signature: \"\(signature)\" needs a function name for its selector") }
            let f = try reporting("signature") { try ABIFunction(signature: "f" + text) }
            return ABIFunction(name: "", inputs: f.inputs, outputs: f.outputs)
        }
        return try reporting("signature") { try ABIFunction(signature: text) }
    }

    /// Reads one value per input, naming the argument (1-based) and its type on failure.
    static func values(_ args: [String], for function: ABIFunction) throws -> [ABIValue] {
        let types = function.inputs.map(\.type)
        guard args.count == types.count else {
            let shown = function.name.isEmpty ? function.inputs.map(\.type.canonicalName).joined(separator: ",") : function.signature
            throw CLIError("arguments: \(shown) takes \(types.count) argument\(types.count == 1 ? "" : "s"), got \(args.count)")
        }
        return try zip(args, types).enumerated().map { i, pair in
            try reporting("argument \(i + 1)") { try ABIValue.parse(pair.0, as: pair.1) }
        }
    }
}
