import ArgumentParser
import Foundation
import Market

/// `rebalancer snapshot`: the chain state a plan is made from, as the snapshot JSON.
struct Snapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read balances, allowances and every pool at one block and print the ChainState snapshot JSON.",
        discussion: """
            One JSON-RPC batch reads the block header, the fee history and one Multicall3 aggregate3 with \
            every balance, allowance and pool (plus one small request first to pin "latest" to a block number). \
            The output is always JSON; `status --state FILE` and the planner read it back without a node.
            """)

    @OptionGroup var networkOption: NetworkOption
    @OptionGroup var portfolioOption: PortfolioOption
    @OptionGroup var blockOption: BlockOption
    @OptionGroup var rpc: RPCOptions
    @Flag(help: "Accepted like every verb's --json; the snapshot is always JSON.")
    var json = false

    @Option(help: ArgumentHelp("Write the snapshot to this file instead of stdout.", valueName: "file"))
    var out: String?

    func run() throws {
        let portfolio = try ConfigLoading.portfolio(path: portfolioOption.portfolio)
        let network = try ConfigLoading.network(named: networkOption.network ?? portfolio.network)
        try ConfigLoading.validate(portfolio, file: portfolioOption.portfolio, knownTokens: Set(network.tokens.map(\.symbol)))
        let loaded = try StateReading.read(network: network, portfolio: portfolio, rpc: rpc, block: blockOption.block,
                                           deadline: rpc.commandDeadline)
        if let out {
            do { try loaded.state.write(to: out) } catch { throw CLIError("--out: \(error)") }
            note("wrote \(out): chain \(loaded.state.chainId), block \(loaded.state.block.number), \(loaded.state.pools.count) pools, from \(loaded.node)")
        } else {
            let data: Data
            do { data = try loaded.state.jsonData() } catch { throw CLIError("\(error)") }
            JSONOutput.write(data)
        }
    }
}
