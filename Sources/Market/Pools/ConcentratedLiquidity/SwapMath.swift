import EthCore

/// v3-core's SwapMath.computeSwapStep: one swap step inside a single liquidity range, from the
/// current price towards `target`, limited by what remains of the specified amount.
enum SwapMath {
    /// Fees are in hundredths of a basis point: 1e6 is the whole input.
    static let feeDenominator = UInt256(1_000_000)

    struct Step: Equatable {
        var sqrtPriceNext: UInt256
        var amountIn: UInt256
        var amountOut: UInt256
        var feeAmount: UInt256
    }

    /// `exactIn`: `amountRemaining` is input still to sell (fee included); otherwise output still to buy.
    static func computeSwapStep(current: UInt256, target: UInt256, liquidity: UInt256, amountRemaining: UInt256,
                                exactIn: Bool, fee: UInt32) -> Step? {
        let zeroForOne = current >= target
        let feeRate = UInt256(UInt64(fee))
        guard feeRate < feeDenominator else { return nil }
        let keep = feeDenominator - feeRate
        var next: UInt256
        var amountIn = UInt256.zero, amountOut = UInt256.zero
        if exactIn {
            guard let lessFee = FullMath.mulDiv(amountRemaining, keep, feeDenominator),
                  let toTarget = zeroForOne ? SqrtPriceMath.amount0Delta(target, current, liquidity: liquidity, roundUp: true)
                                            : SqrtPriceMath.amount1Delta(current, target, liquidity: liquidity, roundUp: true)
            else { return nil }
            amountIn = toTarget
            if lessFee >= toTarget {
                next = target
            } else {
                guard let p = SqrtPriceMath.nextSqrtPriceFromInput(current, liquidity: liquidity, amountIn: lessFee,
                                                                   zeroForOne: zeroForOne) else { return nil }
                next = p
            }
        } else {
            guard let toTarget = zeroForOne ? SqrtPriceMath.amount1Delta(target, current, liquidity: liquidity, roundUp: false)
                                            : SqrtPriceMath.amount0Delta(current, target, liquidity: liquidity, roundUp: false)
            else { return nil }
            amountOut = toTarget
            if amountRemaining >= toTarget {
                next = target
            } else {
                guard let p = SqrtPriceMath.nextSqrtPriceFromOutput(current, liquidity: liquidity, amountOut: amountRemaining,
                                                                    zeroForOne: zeroForOne) else { return nil }
                next = p
            }
        }

        let reachedTarget = next == target
        // Recomputed from the step's end price unless the step ran to the target, where the amount
        // to the target is already known in the direction the caller fixed.
        if zeroForOne {
            if !(reachedTarget && exactIn) {
                guard let v = SqrtPriceMath.amount0Delta(next, current, liquidity: liquidity, roundUp: true) else { return nil }
                amountIn = v
            }
            if !(reachedTarget && !exactIn) {
                guard let v = SqrtPriceMath.amount1Delta(next, current, liquidity: liquidity, roundUp: false) else { return nil }
                amountOut = v
            }
        } else {
            if !(reachedTarget && exactIn) {
                guard let v = SqrtPriceMath.amount1Delta(current, next, liquidity: liquidity, roundUp: true) else { return nil }
                amountIn = v
            }
            if !(reachedTarget && !exactIn) {
                guard let v = SqrtPriceMath.amount0Delta(current, next, liquidity: liquidity, roundUp: false) else { return nil }
                amountOut = v
            }
        }
        // The output rounding may not hand out more than was asked for.
        if !exactIn, amountOut > amountRemaining { amountOut = amountRemaining }

        let feeAmount: UInt256
        if exactIn, next != target {
            // The step used up the input: whatever the price move did not take is fee.
            guard let f = amountRemaining.subtracting(amountIn) else { return nil }
            feeAmount = f
        } else {
            guard let f = FullMath.mulDivRoundingUp(amountIn, feeRate, keep) else { return nil }
            feeAmount = f
        }
        return Step(sqrtPriceNext: next, amountIn: amountIn, amountOut: amountOut, feeAmount: feeAmount)
    }
}
