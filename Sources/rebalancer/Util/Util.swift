import ArgumentParser

/// The operator's cast-like toolbox: hashing, RLP, ABI, addresses, keys and raw transactions.
struct Util: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ethereum utilities (the verbs and formats of foundry's cast).",
        subcommands: [Keccak.self, ToRLP.self, FromRLP.self, ToChecksum.self,
                      ABIEncode.self, Calldata.self, ABIDecode.self,
                      Wallet.self, MakeTx.self, DecodeTx.self])
}
