import EthCore

/// An address constant for tests; a typo yields the zero address (and failing expectations), not a trap.
func testAddress(_ text: String) -> Address {
    (try? Address(text)) ?? .zero
}
