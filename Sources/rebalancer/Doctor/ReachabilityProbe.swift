import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a channel's host accepts a TCP connection: what `doctor` checks of an alert channel
/// without sending a message.
enum ReachabilityProbe {
    /// The host and port of an http(s)/smtp(s) URL (the scheme's default port when none is given).
    static func hostAndPort(_ url: String) -> (String, UInt16)? {
        guard let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty else { return nil }
        let defaults: [String: UInt16] = ["https": 443, "http": 80, "smtp": 25, "smtps": 465]
        guard let port = parts.port.map({ UInt16(clamping: $0) }) ?? parts.scheme.flatMap({ defaults[$0] }) else { return nil }
        return (host, port)
    }

    /// nil when a connection was made within the timeout, else why not.
    static func connect(host: String, port: UInt16, timeoutSeconds: Int) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else { return "cannot resolve \(host): \(String(cString: gai_strerror(status)))" }
        defer { freeaddrinfo(list) }
        var problem = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return nil }
            guard errno == EINPROGRESS else { problem = String(cString: strerror(errno)); continue }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&poller, 1, Int32(timeoutSeconds * 1000)) == 1 else { problem = "no answer within \(timeoutSeconds) s"; continue }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return nil }
            problem = String(cString: strerror(error))
        }
        return problem
    }
}
