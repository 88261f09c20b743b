/// A response read back by a test client: status, fields (names lowercased), body.
struct ParsedResponse: Sendable {
    var status: Int
    var fields: [(name: String, value: String)]
    var body: [UInt8]

    func field(_ name: String) -> String? { fields.first { $0.name == name.lowercased() }?.value }
    var text: String { String(decoding: body, as: UTF8.self) }

    /// Splits `bytes` into the responses it holds, in order; `headRequests` are the indexes of
    /// responses to HEAD requests (no body whatever the fields say). Stops at an incomplete one.
    static func parseAll(_ bytes: [UInt8], headRequests: Set<Int> = []) -> [ParsedResponse] {
        var responses: [ParsedResponse] = []
        var rest = bytes[...]
        while let (response, remainder) = parseOne(rest, isHead: headRequests.contains(responses.count)) {
            if response.status != 100 { responses.append(response) }
            rest = remainder
        }
        return responses
    }

    private static func parseOne(_ bytes: ArraySlice<UInt8>, isHead: Bool) -> (ParsedResponse, ArraySlice<UInt8>)? {
        guard let end = find([13, 10, 13, 10], in: bytes) else { return nil }
        let head = String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let fields = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = ParsedResponse(status: status, fields: fields, body: [])
        var rest = bytes[(end + 4)...]
        if isHead || status == 100 || status == 204 || status == 304 { return (response, rest) }
        if let length = response.field("content-length").flatMap(Int.init) {
            guard rest.count >= length else { return nil }
            response.body = Array(rest.prefix(length))
            return (response, rest.dropFirst(length))
        }
        if response.field("transfer-encoding") == "chunked" {
            while true {
                guard let lineEnd = find([13, 10], in: rest),
                      let size = Int(String(decoding: rest[rest.startIndex..<lineEnd], as: UTF8.self), radix: 16) else { return nil }
                rest = rest[(lineEnd + 2)...]
                if size == 0 {
                    guard rest.count >= 2 else { return nil }
                    return (response, rest.dropFirst(2))
                }
                guard rest.count >= size + 2 else { return nil }
                response.body += rest.prefix(size)
                rest = rest.dropFirst(size + 2)
            }
        }
        response.body = Array(rest)
        return (response, rest[rest.endIndex...])
    }

    private static func find(_ needle: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = bytes.startIndex
        while index + needle.count <= bytes.endIndex {
            if bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

import Foundation
