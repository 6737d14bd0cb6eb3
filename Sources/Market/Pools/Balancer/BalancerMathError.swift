/// Why Balancer V2's math refuses an input. The cases mirror the contract's revert reasons
/// (`BAL#` errors), so a refused quote here is a reverted swap on chain.
public enum BalancerMathError: Error, Equatable, Sendable, CustomStringConvertible {
    case addOverflow
    case subOverflow
    case mulOverflow
    case zeroDivision
    /// `a * ONE` overflowed inside divDown/divUp.
    case divInternal
    /// LogExpMath.pow: the base does not fit in int256.
    case xOutOfBounds
    /// LogExpMath.pow: the exponent is not below MILD_EXPONENT_BOUND.
    case yOutOfBounds
    /// LogExpMath.pow: ln(x)·y is outside [-41, 130].
    case productOutOfBounds
    /// LogExpMath.exp: the argument is outside [-41, 130].
    case invalidExponent
    /// LogExpMath.ln: the argument is not positive.
    case outOfBounds
    /// An int256 intermediate left the signed range (Solidity would have wrapped; we refuse).
    case signedOverflow
    case maxInRatio
    case maxOutRatio

    /// Balancer's name for the revert (`MAX_IN_RATIO`, …), as the reference fixtures spell it.
    public var name: String {
        switch self {
        case .addOverflow: "ADD_OVERFLOW"
        case .subOverflow: "SUB_OVERFLOW"
        case .mulOverflow: "MUL_OVERFLOW"
        case .zeroDivision: "ZERO_DIVISION"
        case .divInternal: "DIV_INTERNAL"
        case .xOutOfBounds: "X_OUT_OF_BOUNDS"
        case .yOutOfBounds: "Y_OUT_OF_BOUNDS"
        case .productOutOfBounds: "PRODUCT_OUT_OF_BOUNDS"
        case .invalidExponent: "INVALID_EXPONENT"
        case .outOfBounds: "OUT_OF_BOUNDS"
        case .signedOverflow: "INT_OVERFLOW"
        case .maxInRatio: "MAX_IN_RATIO"
        case .maxOutRatio: "MAX_OUT_RATIO"
        }
    }

    public var description: String {
        switch self {
        case .addOverflow: "fixed-point addition overflows uint256"
        case .subOverflow: "fixed-point subtraction underflows"
        case .mulOverflow: "fixed-point multiplication overflows uint256"
        case .zeroDivision: "fixed-point division by zero"
        case .divInternal: "fixed-point division overflows while scaling the dividend"
        case .xOutOfBounds: "pow: base does not fit in int256"
        case .yOutOfBounds: "pow: exponent is not below 2^254/1e20"
        case .productOutOfBounds: "pow: ln(x)*y is outside [-41, 130]"
        case .invalidExponent: "exp: argument is outside [-41, 130]"
        case .outOfBounds: "ln: argument is not positive"
        case .signedOverflow: "an int256 intermediate overflows"
        case .maxInRatio: "amount in exceeds 30% of the pool's balance in"
        case .maxOutRatio: "amount out exceeds 30% of the pool's balance out"
        }
    }
}
