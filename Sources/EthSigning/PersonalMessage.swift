import EthCore

/// EIP-191 version 0x45 (`personal_sign` / `eth_sign`): the message is prefixed with
/// "\u{19}Ethereum Signed Message:\n" and its decimal byte length before hashing, so a signed
/// message can never be a valid transaction.
public enum PersonalMessage {
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        Keccak256.hash(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8) + message)
    }

    public static func hash(_ message: String) -> [UInt8] { hash(Array(message.utf8)) }

    /// 65 bytes r ‖ s ‖ v with v = 27/28, as wallets return it.
    public static func sign(_ message: [UInt8], with key: PrivateKey) -> [UInt8] {
        key.signDigest(hash(message)).bytes65
    }

    public static func sign(_ message: String, with key: PrivateKey) -> [UInt8] { sign(Array(message.utf8), with: key) }

    /// The address that signed `message`; the signature is 65 bytes with v = 27/28 or 0/1.
    public static func recoverAddress(message: [UInt8], signature: [UInt8]) throws(SignatureError) -> Address {
        try Signature(bytes65: signature).recoverAddress(hash: hash(message))
    }
}
