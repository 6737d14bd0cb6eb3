import CCurl
import Testing
@testable import EthRPC

@Suite("libcurl handle shared by the RPC transport and the alert channels")
struct CurlHandleTests {
    @Test func anOptionLibcurlDoesNotKnowIsATypedErrorNamingIt() throws {
        let curl = try CurlHandle()
        #expect(throws: CurlError.optionRejected("BOGUS")) {
            try curl.set(CURLoption(rawValue: 99_999), 1, "BOGUS")
        }
        #expect(CurlError.optionRejected("BOGUS").description.contains("BOGUS"))
    }

    @Test func failuresAreReadOnceForEveryUser() {
        let kind = { (code: CURLcode) in CurlTransferFailure(code: code, message: "").kind }
        #expect(kind(CURLE_OPERATION_TIMEDOUT) == .timeout)
        #expect(kind(CURLE_COULDNT_CONNECT) == .connectionRefused)
        #expect(kind(CURLE_COULDNT_RESOLVE_HOST) == .hostNotFound)
        #expect(kind(CURLE_RECV_ERROR) == .connectionLost)
        #expect(kind(CURLE_USE_SSL_FAILED) == .tls)
        #expect(kind(CURLE_UNSUPPORTED_PROTOCOL) == .invalidURL)
        #expect(kind(CURLE_WRITE_ERROR) == .aborted)
        // An SMTP server refusing a recipient mid-conversation answered: it is not unreachable.
        #expect(!kind(CURLE_SEND_FAIL_REWIND).isUnreachable)
        #expect(kind(CURLE_COULDNT_CONNECT).isUnreachable)
    }

    @Test func aRefusedConnectionIsReportedWithLibcurlsText() throws {
        let curl = try CurlHandle()
        try curl.set(CURLOPT_URL, "http://127.0.0.1:9/", "URL")
        try curl.setProxy(nil)
        let failure = try #require(curl.perform())
        #expect(failure.kind == .connectionRefused)
        #expect(!failure.message.isEmpty)
        #expect(curl.responseCode == 0)
    }
}
