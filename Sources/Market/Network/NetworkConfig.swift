import EthCore

/// One network the rebalancer can run on (`networks/<name>.json`, format in NETWORK.md): chain id,
/// where the RPC URL comes from, the tokens, DEXes and pools to use, gas caps and confirmation
/// policy, and for public networks where every address was published. Decoding validates
/// (`NetworkConfigCoding.swift`); reading the file is `NetworkConfigFile.swift`.
public struct NetworkConfig: Sendable, Equatable {
    /// A token as configured, with the quirks the plan builder must respect.
    public struct TokenEntry: Sendable, Equatable {
        public var symbol: String
        public var address: Address
        public var decimals: Int
        /// USDT-style tokens refuse to change a non-zero allowance: approve 0 first.
        public var approvalResetRequired: Bool
        /// false for tokens whose transfer/approve return nothing (USDT): don't decode a bool.
        public var returnsBool: Bool
        /// The Chainlink-style AggregatorV3 USD feed the rebalancing vault prices this token with.
        public var priceFeed: PriceFeed?

        public var token: Token { Token(symbol: symbol, address: address, decimals: decimals) }

        public init(symbol: String, address: Address, decimals: Int, approvalResetRequired: Bool = false,
                    returnsBool: Bool = true, priceFeed: PriceFeed? = nil) {
            self.symbol = symbol
            self.address = address
            self.decimals = decimals
            self.approvalResetRequired = approvalResetRequired
            self.returnsBool = returnsBool
            self.priceFeed = priceFeed
        }
    }

    /// A token's USD price feed and how often it posts (seconds); the vault refuses its answer
    /// once it is older than the heartbeat plus the vault's PRICE_STALENESS_MARGIN.
    public struct PriceFeed: Sendable, Equatable {
        public var address: Address
        public var heartbeat: UInt64

        public init(address: Address, heartbeat: UInt64) {
            self.address = address
            self.heartbeat = heartbeat
        }
    }

    public struct Dex: Sendable, Equatable {
        public var name: String
        public var kind: PoolKind
        /// Constant-product DEXes: pair factory and router, and the pairs' fee.
        public var factory: Address?
        public var router: Address?
        public var feeBps: UInt64?
        /// Weighted (Balancer-style) DEXes: the vault all swaps go through.
        public var vault: Address?
    }

    public struct PoolEntry: Sendable, Equatable {
        public var dex: String
        public var kind: PoolKind
        public var address: Address
        /// token0/token1 order for pairs, `getPoolTokens` order for Balancer pools.
        public var tokens: [String]
        /// Constant-product pools; defaults to the DEX's fee.
        public var feeBps: UInt64?
        /// Weighted pools: the vault's 32-byte pool id.
        public var poolId: [UInt8]?
        /// Weighted pools: which factory generation's math the pool runs (`mathVersion`, default 2).
        public var mathVersion: BalancerMathVersion

        public init(dex: String, kind: PoolKind, address: Address, tokens: [String], feeBps: UInt64? = nil, poolId: [UInt8]? = nil,
                    mathVersion: BalancerMathVersion = .v2) {
            self.dex = dex
            self.kind = kind
            self.address = address
            self.tokens = tokens
            self.feeBps = feeBps
            self.poolId = poolId
            self.mathVersion = mathVersion
        }
    }

    /// Upper bounds the fee estimator never exceeds, wei.
    public struct GasCaps: Sendable, Equatable {
        public var maxFeePerGas: UInt256
        public var maxPriorityFeePerGas: UInt256
    }

    public var name: String
    public var chainId: UInt64
    /// Real money: the command line asks for explicit confirmation and refuses test keys.
    public var mainnet: Bool
    /// Environment variable holding the RPC URL (`ETH_RPC_URL` is honoured as well).
    public var rpcUrlEnv: String
    /// Only for local networks (127.0.0.1 / localhost).
    public var defaultRpcUrl: String?
    public var multicall3: Address
    /// Symbol of the wrapped native token (WETH).
    public var wrappedNative: String?
    public var tokens: [TokenEntry]
    public var dexes: [Dex]
    /// nil: discover pairs through each factory's `getPair` for every pair of configured tokens.
    public var pools: [PoolEntry]?
    public var gas: GasCaps
    public var confirmations: Int
    /// Blocks a transaction may stay pending before it is replaced with a higher fee.
    public var replaceAfterBlocks: Int
    /// Where each address was published (required for every address on a public network).
    public var sources: [Address: String]
    /// Where transactions are sent unless `--send-via` says otherwise: "public", "flashbots",
    /// "mevblocker", an http(s) relay URL, or a comma-separated list of relays in fallback order.
    /// nil: private ("flashbots") on mainnet, public elsewhere.
    public var sendVia: String? = nil

    /// `sendVia`, or its default for this network.
    public var defaultSendVia: String { sendVia ?? (mainnet ? "flashbots" : "public") }
    public var uniswapV3: UniswapV3Deployment? = nil

    /// A network is local when its default RPC URL points at this machine; everything else is
    /// public and must document its addresses.
    /// The longest feed heartbeat the rebalancing vault accepts (its MAX_HEARTBEAT), seconds.
    public static let maxFeedHeartbeat: UInt64 = 7 * 86_400

    public var isLocal: Bool { defaultRpcUrl.map(Self.isLocalURL) ?? false }

    public func token(_ symbol: String) -> TokenEntry? { tokens.first { $0.symbol == symbol } }

    public func dex(named name: String) -> Dex? { dexes.first { $0.name == name } }

    /// The tokens as the computing layers know them.
    public var tokenList: [Token] { tokens.map(\.token) }

    static func isLocalURL(_ url: String) -> Bool {
        let lower = url.lowercased()
        for scheme in ["http://", "https://", "ws://", "wss://"] where lower.hasPrefix(scheme) {
            let rest = lower.dropFirst(scheme.count)
            let host = rest.prefix { $0 != "/" && $0 != "?" }
            let hostOnly: Substring
            if host.hasPrefix("[") {
                hostOnly = host.prefix { $0 != "]" }.dropFirst()
            } else {
                hostOnly = host.prefix { $0 != ":" }
            }
            return hostOnly == "127.0.0.1" || hostOnly == "localhost" || hostOnly == "::1"
        }
        return false
    }
}
