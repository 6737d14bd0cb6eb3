import EthCore

/// Uniswap's SwapRouter02 calls for EOA swaps through V3 pools, from its published interface
/// (IV3SwapRouter, IMulticallExtended). Its exact-input functions take no deadline, so the swap is
/// wrapped in `multicall(deadline, [swap])`, which reverts once the block is past the deadline, as
/// Router02's own deadline argument does.
enum SwapRouter02Call {
    /// `exactInputSingle((tokenIn, tokenOut, fee, recipient, amountIn, amountOutMinimum, sqrtPriceLimitX96))`.
    static let exactInputSingleSignature = "exactInputSingle((address,address,uint24,address,uint256,uint256,uint160))(uint256)"
    /// `exactInput((path, recipient, amountIn, amountOutMinimum))`: `path` packed as token, fee, token, ….
    static let exactInputSignature = "exactInput((bytes,address,uint256,uint256))(uint256)"
    static let multicallSignature = "multicall(uint256,bytes[])(bytes[])"

    /// Calldata selling exactly `amountIn` of `tokens[0]` along V3 pools of `fees` (one per hop, in
    /// hundredths of a basis point) for at least `minOut` of the last token, paid to `recipient`,
    /// valid until `deadline`: `exactInputSingle` for one hop, `exactInput` for several.
    static func encode(tokens: [Address], fees: [UInt32], amountIn: UInt256, minOut: UInt256, recipient: Address,
                       deadline: UInt256) throws(PlanBuildError) -> [UInt8] {
        guard tokens.count == fees.count + 1, !fees.isEmpty else {
            throw .encoding("SwapRouter02: \(tokens.count) tokens for \(fees.count) pools")
        }
        let swap: [UInt8]
        if fees.count == 1 {
            swap = try ContractFunctions.encode(exactInputSingleSignature, [.tuple([
                .address(tokens[0]), .address(tokens[1]), .uint(UInt256(fees[0])), .address(recipient),
                .uint(amountIn), .uint(minOut), .uint(.zero)])])
        } else {
            swap = try ContractFunctions.encode(exactInputSignature, [.tuple([
                .bytes(packedPath(tokens: tokens, fees: fees)), .address(recipient), .uint(amountIn), .uint(minOut)])])
        }
        return try ContractFunctions.encode(multicallSignature, [.uint(deadline), .array([.bytes(swap)])])
    }

    /// token0 (20 bytes), fee (uint24, big-endian), token1, fee, … (v3-periphery's Path).
    static func packedPath(tokens: [Address], fees: [UInt32]) -> [UInt8] {
        var out: [UInt8] = []
        for (k, token) in tokens.enumerated() {
            out += token.bytes
            if k < fees.count {
                let fee = fees[k]
                out += [UInt8(truncatingIfNeeded: fee >> 16), UInt8(truncatingIfNeeded: fee >> 8), UInt8(truncatingIfNeeded: fee)]
            }
        }
        return out
    }

    /// The amount bought, from the multicall's return data (its one result is the swap's uint256).
    static func decodeOutput(_ data: [UInt8]) -> UInt256? {
        guard let results = try? ContractFunctions.function(multicallSignature).decodeOutput(data).first?.asArray,
              results.count == 1, let inner = try? results[0].asBytes, inner.count == 32,
              let out = try? ABIDecoder.decode(.uint(256), inner).asUInt256 else { return nil }
        return out
    }
}
