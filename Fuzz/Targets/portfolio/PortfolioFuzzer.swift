import Foundation
import Strategy

// portfolio.json: decoding (unknown fields refused) and validation against a network's tokens
// throw, never trap.
private let knownTokens: Set<String> = ["WETH", "WBTC", "USDC", "USDT", "DAI"]

@_cdecl("LLVMFuzzerTestOneInput")
public func portfolioFuzzer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let json = Data(UnsafeBufferPointer(start: data, count: size))
    let portfolio: PortfolioConfig
    do { portfolio = try JSONDecoder().decode(PortfolioConfig.self, from: json) } catch {
        _ = "\(error)"
        return 0
    }
    do { try portfolio.validate(knownTokens: knownTokens) } catch {
        _ = error.description
        return 0
    }
    _ = portfolio.holder
    _ = portfolio.target(portfolio.quoteToken)
    return 0
}
