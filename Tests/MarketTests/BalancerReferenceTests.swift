import EthCore
import Foundation
import Testing
@testable import Market

/// Every case of `Fixtures/balancer_cases.json`, generated once by the independent Python model
/// `Fixtures/balancer_reference.py` of docs/BALANCER_MATH.md, must match to the wei (and revert with
/// the same reason).
@Suite struct BalancerReferenceTests {
    struct SwapCase: Decodable {
        var decimals: [Int]
        var balances: [String]
        var weights: [String]
        var swapFee: String
        var kind: String
        var i: Int
        var j: Int
        var amount: String
        var result: String?
        var error: String?
    }
    struct ScalarCase: Decodable {
        var x: String
        var y: String?
        var result: String?
        var error: String?
    }
    struct Fixture: Decodable {
        var swaps: [SwapCase]
        var pow: [ScalarCase]
        var exp: [ScalarCase]
        var ln: [ScalarCase]
    }

    func load() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: fixtureData("balancer_cases.json"))
    }

    func outcome(_ body: () throws(BalancerMathError) -> String) -> (String?, String?) {
        do { return (try body(), nil) } catch { return (nil, error.name) }
    }

    @Test func swapsMatchReferenceToTheWei() throws {
        let fixture = try load()
        #expect(fixture.swaps.count >= 300)
        #expect(fixture.swaps.contains { $0.error == "MAX_IN_RATIO" } && fixture.swaps.contains { $0.error == "MAX_OUT_RATIO" })
        for (n, c) in fixture.swaps.enumerated() {
            let pool = try WeightedPool(
                address: .zero, poolId: [UInt8](repeating: 0, count: 32),
                tokens: c.decimals.indices.map { "T\($0)" }, decimals: c.decimals,
                balances: c.balances.map { UInt256.dec($0) }, weights: c.weights.map { UInt256.dec($0) },
                swapFee: .dec(c.swapFee))
            let amount = UInt256.dec(c.amount)
            let (result, error) = outcome { () throws(BalancerMathError) -> String in
                c.kind == "givenIn"
                    ? try pool.quoteGivenIn(amount, from: c.i, to: c.j).description
                    : try pool.quoteGivenOut(amount, from: c.i, to: c.j).description
            }
            #expect(result == c.result && error == c.error, "case \(n) (\(c.kind))")
            // The Pool-protocol views agree: nil exactly where the pool reverts.
            let viaProtocol = c.kind == "givenIn" ? pool.amountOut(amount, from: c.i, to: c.j) : pool.amountIn(forOut: amount, from: c.i, to: c.j)
            #expect(viaProtocol?.description == c.result, "case \(n) via Pool")
        }
    }

    @Test func logExpMatchesReference() throws {
        let fixture = try load()
        for (n, c) in fixture.pow.enumerated() {
            let y = UInt256.dec(c.y ?? "")
            let (result, error) = outcome { () throws(BalancerMathError) -> String in try LogExpMath.pow(.dec(c.x), y).description }
            #expect(result == c.result && error == c.error, "pow case \(n)")
        }
        for (n, c) in fixture.exp.enumerated() {
            let x = try #require(Int256(parsing: c.x))
            #expect(try LogExpMath.exp(x).description == c.result, "exp case \(n)")
        }
        for (n, c) in fixture.ln.enumerated() {
            let x = try #require(Int256(parsing: c.x))
            #expect(try LogExpMath.ln(x).description == c.result, "ln case \(n)")
        }
    }
}
