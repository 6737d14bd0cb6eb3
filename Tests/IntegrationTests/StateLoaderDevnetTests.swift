import EthCore
import EthRPC
import EthSigning
import Foundation
@testable import Market
@testable import MarketLoading
import Testing

/// The state loader against the running devnet over HTTP: every value it reads is compared with a
/// direct eth_call at the same block, and its HTTP requests are counted.
@Suite("State loader on the devnet (needs a running devnet)", .serialized)
struct StateLoaderDevnetTests {
    @Test func snapshotMatchesDirectCalls() throws {
        let (client, _) = try Devnet.connect()
        let network = try Devnet.network()
        let spenders = StateRequest.spenders(of: network)
        #expect(spenders.count == 4, "two routers, the Balancer vault and SwapRouter02")
        let loader = StateLoader(client: client, network: network)
        let loaded = try loader.load(StateRequest(holder: Devnet.dev0, operator: Devnet.dev0, spenders: spenders))
        let state = loaded.state
        let n = state.block.number
        #expect(state.chainId == 31337)
        #expect(loaded.header.number == n)
        #expect(state.block.timestamp == loaded.header.timestamp)
        #expect(state.block.baseFeePerGas == loaded.header.baseFeePerGas)
        #expect(state.owner == Devnet.dev0)
        #expect(state.priorityFeePerGas != nil, "the devnet's blocks carry priority fees")
        #expect(try state.nativeBalance == client.getBalance(Devnet.dev0, block: .number(n)))
        #expect(loaded.operatorNativeBalance == state.nativeBalance)
        #expect(try loaded.operatorNonce == client.getTransactionCount(Devnet.dev0, block: .number(n)))
        #expect(state.tokens.map(\.symbol) == network.tokens.map(\.symbol))

        for token in network.tokens {
            let balance = try Devnet.callWord(client, token.address, Devnet.selector("balanceOf(address)") + Devnet.dev0.word, block: n)
            #expect(state.balance(of: token.symbol) == balance, "\(token.symbol) balance")
            #expect(balance > UInt256.zero, "dev account 0 holds \(token.symbol)")
            for spender in spenders {
                let allowance = try Devnet.callWord(
                    client, token.address, Devnet.selector("allowance(address,address)") + Devnet.dev0.word + spender.word, block: n)
                #expect(state.allowance(of: token.symbol, spender: spender) == allowance, "\(token.symbol) allowance for \(spender)")
                #expect(state.allowances[token.symbol]?[spender] != nil, "every allowance is listed, zero included")
            }
        }

        let configured = network.pools ?? []
        let v3 = try #require(network.uniswapV3)
        #expect(state.pools.count == configured.count + v3.pools.count, "the listed pools, then the Uniswap V3 ones")
        for (entry, pool) in zip(configured, state.pools) {
            #expect(pool.address == entry.address)
            #expect(pool.tokens == entry.tokens)
            switch pool {
            case .constantProduct(let p):
                let raw = try client.call(to: entry.address, data: Devnet.selector("getReserves()"), block: .number(n))
                #expect(raw.count == 96)
                #expect(p.reserves == [UInt256(bigEndian: raw[0..<32]), UInt256(bigEndian: raw[32..<64])].compactMap { $0 })
                #expect(p.reserves.allSatisfy { !$0.isZero })
                #expect(p.feeBps == 30)
                #expect(p.dex == entry.dex)
            case .weighted(let p):
                guard let vault = network.dex(named: entry.dex)?.vault, let poolId = entry.poolId else {
                    Issue.record("weighted pool without a vault or pool id")
                    continue
                }
                let fn = try ABIFunction(signature: "getPoolTokens(bytes32)(address[],uint256[],uint256)")
                let out = try fn.decodeOutput(try client.call(to: vault, data: fn.selector + poolId, block: .number(n)))
                let addresses = try out[0].asArray.map { try $0.asAddress }
                let balances = try out[1].asArray.map { try $0.asUInt256 }
                #expect(addresses == entry.tokens.compactMap { network.token($0)?.address })
                #expect(p.balances == balances)
                let weightsFn = try ABIFunction(signature: "getNormalizedWeights()(uint256[])")
                let weights = try weightsFn.decodeOutput(try client.call(to: entry.address, data: weightsFn.selector, block: .number(n)))[0]
                    .asArray.map { try $0.asUInt256 }
                #expect(p.weights == weights)
                let fee = try Devnet.callWord(client, entry.address, Devnet.selector("getSwapFeePercentage()"), block: n)
                #expect(p.swapFee == fee)
                #expect(p.poolId == poolId)
                #expect(p.decimals == entry.tokens.compactMap { network.token($0)?.decimals })
            case .concentratedLiquidity:
                Issue.record("V3 pools come after the listed ones")
            }
        }
        // Uniswap V3: slot0, liquidity, fee, spacing and every TickLens word of the ±windowWords window
        // equal direct calls at the snapshot's block.
        for (entry, pool) in zip(v3.pools, state.pools.dropFirst(configured.count)) {
            guard case .concentratedLiquidity(let p) = pool else {
                Issue.record("\(entry.address) is not a concentrated-liquidity pool in the snapshot")
                continue
            }
            #expect(p.address == entry.address && p.tokens == entry.tokens && p.dex == "uniswap-v3")
            let slot0 = try ABIFunction(signature: "slot0()(uint160,int24,uint16,uint16,uint16,uint8,bool)")
            let out = try slot0.decodeOutput(try client.call(to: entry.address, data: slot0.selector, block: .number(n)))
            #expect(p.sqrtPriceX96 == (try out[0].asUInt256))
            #expect(Int256(p.tick) == (try out[1].asInt256))
            #expect(p.liquidity == (try Devnet.callWord(client, entry.address, Devnet.selector("liquidity()"), block: n)))
            #expect(UInt256(UInt64(p.fee)) == (try Devnet.callWord(client, entry.address, Devnet.selector("fee()"), block: n)))
            #expect(p.tickSpacing == entry.tickSpacing)
            let word = ConcentratedLiquidityPool.Window.word(of: p.tick, spacing: p.tickSpacing)
            let words = (word - v3.windowWords)...(word + v3.windowWords)
            #expect(p.window == ConcentratedLiquidityPool.Window(words: words, spacing: p.tickSpacing))
            let lens = try ABIFunction(signature: "getPopulatedTicksInWord(address,int16)((int24,int128,uint128)[])")
            var direct: [ConcentratedLiquidityPool.Tick] = []
            for w in words {
                let raw = try client.call(to: try #require(v3.tickLens), data: try lens.encodeCall([.address(entry.address), .int(Int256(w))]), block: .number(n))
                for e in try lens.decodeOutput(raw)[0].asArray {
                    let fields = try e.asTuple
                    direct.append(.init(index: Int(try fields[0].asInt256.description) ?? 0, liquidityNet: try fields[1].asInt256))
                }
            }
            #expect(p.ticks == direct.sorted { $0.index < $1.index })
            #expect(p.ticks.count >= 2, "every devnet pool has initialized ticks around its price")
        }

        // The snapshot round-trips through its JSON form unchanged.
        let decoded = try ChainState.decode(try state.jsonData())
        #expect(decoded == state)
    }

    @Test func oneRoundTripWhateverTheNumberOfTokens() throws {
        let (client, counter) = try Devnet.connect()
        let full = try Devnet.network()
        var single = full
        single.tokens = full.tokens.filter { $0.symbol == "WETH" }
        single.pools = []
        single.uniswapV3 = nil
        let number = try client.blockNumber()
        var counts: [String: Int] = [:]
        for (label, network) in [("1 token, no pools", single), ("all tokens and pools", full)] {
            let loader = StateLoader(client: client, network: network)
            let spenders = StateRequest.spenders(of: network)
            let before = counter.count
            let pinned = try loader.load(StateRequest(holder: Devnet.dev0, operator: Devnet.dev0, spenders: spenders, block: .number(number)))
            counts[label + " pinned"] = counter.count - before
            #expect(pinned.roundTrips == counter.count - before)
            #expect(pinned.state.block.number == number)
            let middle = counter.count
            let latest = try loader.load(StateRequest(holder: Devnet.dev0, operator: Devnet.dev0, spenders: spenders))
            counts[label + " latest"] = counter.count - middle
            #expect(latest.roundTrips == counter.count - middle)
            #expect(latest.state.block.number >= number)
        }
        #expect(counts["1 token, no pools pinned"] == 1)
        #expect(counts["all tokens and pools pinned"] == 2, "a loader's first read at a block asks the V3 pools' ticks first")
        #expect(counts["1 token, no pools latest"] == 2, "one request pins latest to a number")
        #expect(counts["all tokens and pools latest"] == 2)

        // A multicall split into many aggregate3 chunks still travels in the same single batch.
        let chunked = StateLoader(client: client, network: full, budget: Multicall3.Budget(maxCalls: 4))
        let whole = StateLoader(client: client, network: full)
        let request = StateRequest(holder: Devnet.dev0, spenders: StateRequest.spenders(of: full), block: .number(number))
        let reference = try whole.load(request)
        chunked.lastTicks = whole.lastTicks
        let before = counter.count
        let small = try chunked.load(request)
        #expect(counter.count - before == 1)
        #expect(small.state == reference.state)
    }

    @Test func aBlockTheNodeDoesNotHaveIsNamed() throws {
        let (client, _) = try Devnet.connect()
        let future = try client.blockNumber() + 1_000_000
        let loader = StateLoader(client: client, network: try Devnet.network())
        do {
            _ = try loader
                .load(StateRequest(holder: Devnet.dev0, block: .number(future)))
            Issue.record("a future block cannot be read")
        } catch {
            #expect(error == .blockNotFound(node: client.endpointDescription, block: "block \(future)"))
        }
        #expect(throws: StateLoadError.unsupportedBlock("the pending block cannot be pinned: read state at latest or at a block number")) {
            try loader.load(StateRequest(holder: Devnet.dev0, block: .pending))
        }
    }

    @Test func factoriesDiscoverTheConfiguredPairs() throws {
        let (client, counter) = try Devnet.connect()
        let full = try Devnet.network()
        var bare = full
        bare.pools = nil
        let loader = StateLoader(client: client, network: bare)
        #expect(loader.discovered == nil)
        let before = counter.count
        let first = try loader.load(StateRequest(holder: Devnet.dev0))
        #expect(counter.count - before == 2, "the getPair calls (and the V3 pools' slot0) ride with the pinning request")
        let expected = (full.pools ?? []).filter { $0.kind == .constantProduct }
        let v3Count = full.uniswapV3?.pools.count ?? 0
        let found = loader.discovered ?? []
        #expect(Set(found.map(\.address)) == Set(expected.map(\.address)))
        for entry in expected {
            let pool = found.first { $0.address == entry.address }
            #expect(pool?.tokens == entry.tokens, "token0/token1 order of \(entry.address)")
            #expect(pool?.dex == entry.dex)
        }
        #expect(first.state.pools.count == expected.count + v3Count)
        // Cached: the next pinned read is one request again.
        let middle = counter.count
        let again = try loader.load(StateRequest(holder: Devnet.dev0, block: .number(first.state.block.number)))
        #expect(counter.count - middle == 1)
        #expect(again.state == first.state)
    }

    /// Listing pools does not turn discovery off: the weighted pools a file lists are read beside
    /// the pairs its factories give (mainnet lists Balancer pools and discovers pairs), and a DEX
    /// whose pairs are listed is not asked again. The listed math versions reach the snapshot.
    @Test func listedWeightedPoolsAndDiscoveredPairsTogether() throws {
        let (client, _) = try Devnet.connect()
        let full = try Devnet.network()
        let all = try #require(full.pools)
        var weightedOnly = full
        weightedOnly.pools = all.filter { $0.kind == .weighted }
        let loader = StateLoader(client: client, network: weightedOnly)
        let loaded = try loader.load(StateRequest(holder: Devnet.dev0))
        #expect(Set(loader.discovered?.map(\.address) ?? []) == Set(all.filter { $0.kind == .constantProduct }.map(\.address)))
        let v3 = Set((full.uniswapV3?.pools ?? []).map(\.address))
        #expect(Set(loaded.state.pools.map(\.address)) == Set(all.map(\.address)).union(v3))
        var versions: [BalancerMathVersion] = []
        for case .weighted(let pool) in loaded.state.pools {
            #expect(pool.mathVersion == all.first { $0.address == pool.address }?.mathVersion)
            versions.append(pool.mathVersion)
        }
        #expect(Set(versions) == [.v1, .v2])

        var oneDexListed = full
        oneDexListed.pools = all.filter { $0.dex == "uniswap-v2" }
        let partial = StateLoader(client: client, network: oneDexListed)
        let partly = try partial.load(StateRequest(holder: Devnet.dev0))
        #expect(Set((partial.discovered ?? []).map(\.dex)) == ["sushiswap"])
        #expect(Set(partly.state.pools.map(\.address)) == Set(all.filter { $0.kind == .constantProduct }.map(\.address)).union(v3))
    }

    @Test func deployedContractsAndPinnedHistory() throws {
        let (client, _) = try Devnet.connect()
        let key = try Devnet.account7()
        #expect(key.address == (try Address("0x14dC79964da2C08b23698B3D3cc7Ca32193d9955")))
        // Runtime code that reverts on every call: PUSH1 0, PUSH1 0, REVERT.
        let reverting: [UInt8] = [0x60, 0x00, 0x60, 0x00, 0xfd]
        let receipt = try Devnet.send(client, key: key, to: nil, data: Devnet.initCode(deploying: reverting))
        #expect(receipt.status)
        let deployed = try #require(receipt.contractAddress)
        #expect(try client.getCode(deployed, block: .number(receipt.blockNumber)) == reverting)
        // Runtime code that returns nothing: STOP.
        let silentReceipt = try Devnet.send(client, key: key, to: nil, data: Devnet.initCode(deploying: [0x00]))
        let silent = try #require(silentReceipt.contractAddress)

        // The deployer's native balance at the block before and at the deployment's block differ by
        // exactly the fee paid: both reads are pinned to their block numbers.
        let network = try Devnet.network()
        let loader = StateLoader(client: client, network: network)
        let before = try loader.load(StateRequest(holder: key.address, block: .number(receipt.blockNumber - 1)))
        let after = try loader.load(StateRequest(holder: key.address, block: .number(receipt.blockNumber)))
        let fee = try #require(receipt.fee)
        #expect(before.state.nativeBalance.flatMap { $0.subtracting(fee) } == after.state.nativeBalance)

        // A configured pool at the reverting contract: the error names the pool and the call.
        var broken = network
        broken.pools = [NetworkConfig.PoolEntry(dex: "uniswap-v2", kind: .constantProduct, address: deployed,
                                                tokens: ["USDC", "WETH"], feeBps: 30, poolId: nil)]
        do {
            _ = try StateLoader(client: client, network: broken).load(StateRequest(holder: key.address))
            Issue.record("a reverting pool must fail the read")
        } catch {
            #expect(error == .callFailed(subject: "pool uniswap-v2 USDC/WETH (\(deployed))", function: "getReserves()",
                                         reason: "reverted without a reason"))
        }
        broken.pools = [NetworkConfig.PoolEntry(dex: "uniswap-v2", kind: .constantProduct, address: silent,
                                                tokens: ["USDC", "WETH"], feeBps: 30, poolId: nil)]
        do {
            _ = try StateLoader(client: client, network: broken).load(StateRequest(holder: key.address))
            Issue.record("a pool that returns nothing must fail the read")
        } catch {
            #expect(error.description.contains("pool uniswap-v2 USDC/WETH (\(silent)): getReserves() failed: returned no data"))
        }
    }

    @Test func tokenOrderDisagreeingWithTheChainIsRefused() throws {
        let (client, _) = try Devnet.connect()
        var network = try Devnet.network()
        guard var pools = network.pools, let k = pools.firstIndex(where: { $0.kind == .constantProduct }) else {
            Issue.record("devnet.json lists no pair")
            return
        }
        let entry = pools[k]
        pools[k].tokens = entry.tokens.reversed()
        network.pools = pools
        do {
            _ = try StateLoader(client: client, network: network).load(StateRequest(holder: Devnet.dev0))
            Issue.record("a reversed token order must be refused")
        } catch {
            guard case .mismatch(let subject, let detail) = error else {
                Issue.record("expected .mismatch, got \(error)")
                return
            }
            #expect(subject.contains(entry.address.checksummed))
            #expect(detail.contains("token0/token1"))
        }
    }

    @Test func noMulticallAtTheConfiguredAddressIsNamed() throws {
        let (client, _) = try Devnet.connect()
        var network = try Devnet.network()
        network.multicall3 = Devnet.dev0  // an account without code
        do {
            _ = try StateLoader(client: client, network: network).load(StateRequest(holder: Devnet.dev0))
            Issue.record("a multicall address without code must fail the read")
        } catch {
            guard case .badReturn(let subject, let function, let detail) = error else {
                Issue.record("expected badReturn, got \(error)")
                return
            }
            #expect(subject == "Multicall3 (\(Devnet.dev0)) of networks/devnet.json")
            #expect(function == "aggregate3((address,bool,bytes)[])")
            #expect(detail.contains("is Multicall3 deployed"))
        }
    }

    @Test func chainIdMismatchNamesNodeAndFile() throws {
        let (client, _) = try Devnet.connect()
        var network = try Devnet.network()
        network.chainId = 1
        do {
            _ = try StateLoader(client: client, network: network).load(StateRequest(holder: Devnet.dev0))
            Issue.record("expected a chain id mismatch")
        } catch {
            #expect(error == .chainIdMismatch(node: client.endpointDescription, nodeChainId: 31337,
                                              networkFile: "networks/devnet.json", expected: 1))
            #expect(error.description == "node at \(client.endpointDescription) is chain 31337, networks/devnet.json says 1")
        }
    }

    @Test func unreachableNodeIsATypedErrorWithTheURL() throws {
        let network = try Devnet.network()
        let client = try EthClient(url: "http://127.0.0.1:1/?key=secret", retryPolicy: .none)
        do {
            _ = try StateLoader(client: client, network: network).load(StateRequest(holder: Devnet.dev0))
            Issue.record("expected a transport error")
        } catch {
            guard case .rpc(.transport(.connectionRefused, let url, _)) = error else {
                Issue.record("expected connection refused, got \(error)")
                return
            }
            #expect(url.contains("127.0.0.1:1"))
            #expect(!error.description.contains("secret"), "the URL is printed masked")
        }
    }

    @Test func severalNodesTheUnreachableOneIsRefused() throws {
        let (client, _) = try Devnet.connect()
        let dead = try EthClient(url: "http://127.0.0.1:1", retryPolicy: .none)
        let choice = try NodeSelection.choose([dead, client], now: UInt64(Date().timeIntervalSince1970))
        #expect(choice.index == 1)
        #expect(choice.refused.count == 1)
        #expect(choice.refused.first?.contains("127.0.0.1:1") == true)
        // The head the survey fetched pins the read: one request, and one for the V3 pools' ticks
        // (their windows are centred on them) since this loader has read none before.
        let loaded = try StateLoader(client: choice.client, network: try Devnet.network())
            .load(StateRequest(holder: Devnet.dev0, block: .number(choice.head.number)))
        #expect(loaded.roundTrips == 2)
        #expect(loaded.state.block.number == choice.head.number)
        do {
            _ = try NodeSelection.choose([dead], now: 0)
            Issue.record("no usable node")
        } catch {
            guard case .noUsableNode(let reasons) = error else {
                Issue.record("expected noUsableNode, got \(error)")
                return
            }
            #expect(reasons.count == 1)
        }
    }

    @Test func aNodeBehindIsRefusedAndNamed() throws {
        let (client, _) = try Devnet.connect()
        let lagging = EthClient(rpc: JSONRPCClient(transport: LaggingTransport(try HTTPTransport(url: Devnet.url), lag: 10),
                                                   retryPolicy: .none))
        let head = try client.blockNumber()
        #expect(head >= 10, "the devnet's fixtures take more than 10 blocks")
        #expect(try lagging.getBlock(.latest).number == head - 10)
        let choice = try NodeSelection.choose([lagging, client], maxBlocksBehind: 3, now: UInt64(Date().timeIntervalSince1970))
        #expect(choice.index == 1)
        #expect(choice.refused.count == 1)
        let line = try #require(choice.refused.first)
        #expect(line.hasPrefix("refused http://lagging-node.invalid: at block \(head - 10), 10 behind \(client.endpointDescription)"),
                "\(line)")
        // Within the allowed lag both are usable and the higher head wins.
        let lenient = try NodeSelection.choose([lagging, client], maxBlocksBehind: 20, now: 0)
        #expect(lenient.index == 1 && lenient.refused.isEmpty)
        // Alone, a node behind nothing is not refused.
        #expect(try NodeSelection.choose([lagging], now: 0).refused.isEmpty)
    }

    @Test func staleBlockIsReportedWithItsAge() throws {
        let (client, _) = try Devnet.connect()
        let header = try client.getBlock(.latest)
        let loader = StateLoader(client: client, network: try Devnet.network(), clock: { header.timestamp + 1_000 })
        let loaded = try loader.load(StateRequest(holder: Devnet.dev0, block: .number(header.number), maxBlockAgeSeconds: 300))
        #expect(loaded.blockAgeSeconds == 1_000)
        #expect(loaded.stale?.problems == [.blockTooOld(blockNumber: header.number, ageSeconds: 1_000, maxAgeSeconds: 300)])
        let fresh = StateLoader(client: client, network: try Devnet.network(), clock: { header.timestamp + 10 })
        #expect(try fresh.load(StateRequest(holder: Devnet.dev0, block: .number(header.number), maxBlockAgeSeconds: 300)).stale == nil)
    }
}
