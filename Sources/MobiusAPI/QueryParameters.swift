import Foundation
import HTTP
import Integrity

/// A request's query string as name → value (first occurrence wins), percent- and `+`-decoded.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    init(_ query: Substring?) {
        guard let query else { return }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            if values[name] == nil { values[name] = parts.count > 1 ? Self.decode(parts[1]) : "" }
        }
    }

    subscript(name: String) -> String? { values[name] }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// The request id: the client's `X-Request-Id` when it is 1–128 of `A–Z a–z 0–9 . _ : -`,
/// else a new random one of 32 lower-case hex digits (128 bits).
enum RequestId {
    static func of(_ request: HTTPRequest) -> String {
        if let given = request.fields["x-request-id"], (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || ".-_:".utf8.contains($0) }) {
            return given
        }
        return Hex.random(byteCount: 16)
    }
}
