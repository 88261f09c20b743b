/// One pass over a text's UTF-8 bytes, copying them and replacing what `Redactor` removes.
///
/// At each position where a token may start, the matchers are tried in order: bearer/basic
/// credentials, JWTs, `key=value` secrets, e-mail addresses, then runs of digits, hex and
/// separators (IPv4, IPv6, card numbers, SSN-shaped numbers). A matcher returns where its match
/// ends; the bytes up to there are replaced by its label. Non-ASCII bytes are copied as they are.
struct RedactionScanner {
    private let bytes: [UInt8]
    private var output: [UInt8] = []
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        output.reserveCapacity(bytes.count)
    }

    mutating func run() -> String {
        while index < bytes.count {
            if isTokenStart, let (end, replacement) = match() {
                output += replacement
                index = end
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `index` starts a word (the byte before is not part of a word).
    private var isTokenStart: Bool { index == 0 || !RedactionScanner.isWordByte(bytes[index - 1]) }

    private mutating func match() -> (Int, [UInt8])? {
        if let end = credential() { return end }
        if let end = jwt(at: index) { return (end, RedactionScanner.label("jwt")) }
        if let end = keyValueSecret() { return end }
        if let end = email() { return (end, RedactionScanner.label("email")) }
        return numbers()
    }

    // MARK: Credentials and tokens

    /// `Bearer <token>` / `Basic <token>`: the scheme stays, the credential goes.
    private func credential() -> (Int, [UInt8])? {
        for scheme in ["bearer", "basic"] {
            let word = Array(scheme.utf8)
            guard index + word.count + 1 < bytes.count,
                  zip(bytes[index..<(index + word.count)], word).allSatisfy({ RedactionScanner.lower($0) == $1 }),
                  bytes[index + word.count] == 0x20 else { continue }
            var start = index + word.count
            while start < bytes.count && bytes[start] == 0x20 { start += 1 }
            var end = start
            while end < bytes.count && RedactionScanner.isTokenByte(bytes[end]) { end += 1 }
            guard end - start >= 6 else { continue }
            return (end, Array(bytes[index..<(index + word.count)]) + [0x20] + RedactionScanner.label("token"))
        }
        return nil
    }

    /// A JWT: `eyJ…` base64url, a dot, base64url, a dot, optional base64url signature.
    private func jwt(at start: Int) -> Int? {
        guard start + 3 < bytes.count, bytes[start] == UInt8(ascii: "e"), bytes[start + 1] == UInt8(ascii: "y"), bytes[start + 2] == UInt8(ascii: "J") else { return nil }
        var end = start
        var dots = 0
        while end < bytes.count, RedactionScanner.isBase64URL(bytes[end]) || (bytes[end] == UInt8(ascii: ".") && dots < 2) {
            if bytes[end] == UInt8(ascii: ".") { dots += 1 }
            end += 1
        }
        return dots == 2 && end - start >= 10 ? end : nil
    }

    /// `token=…`, `api_key: …`, `"password":"…"`, `?secret=…&` — the key and separator stay.
    private func keyValueSecret() -> (Int, [UInt8])? {
        var cursor = index
        let quoted = bytes[cursor] == UInt8(ascii: "\"")
        if quoted { cursor += 1 }
        let keyStart = cursor
        while cursor < bytes.count, RedactionScanner.isKeyByte(bytes[cursor]) { cursor += 1 }
        guard cursor > keyStart else { return nil }
        let key = String(decoding: bytes[keyStart..<cursor], as: UTF8.self)
        if quoted {
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") else { return nil }
            cursor += 1
        }
        while cursor < bytes.count && bytes[cursor] == 0x20 { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") || bytes[cursor] == UInt8(ascii: ":") else { return nil }
        guard RedactionScanner.namesSecret(key) else { return nil }
        cursor += 1
        while cursor < bytes.count && bytes[cursor] == 0x20 { cursor += 1 }
        let prefix = Array(bytes[index..<cursor])
        guard cursor < bytes.count else { return nil }
        var end = cursor
        if bytes[cursor] == UInt8(ascii: "\"") {
            end += 1
            while end < bytes.count && bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
            end = min(end + 1, bytes.count)
            return (end, prefix + [UInt8(ascii: "\"")] + RedactionScanner.label("secret") + [UInt8(ascii: "\"")])
        }
        while end < bytes.count, !RedactionScanner.endsValue(bytes[end]) { end += 1 }
        guard end > cursor else { return nil }
        // `Authorization: Bearer <token>`: the scheme's credential is part of the value.
        let scheme = String(decoding: bytes[cursor..<end].map(RedactionScanner.lower), as: UTF8.self)
        if scheme == "bearer" || scheme == "basic" || scheme == "digest" {
            var credential = end
            while credential < bytes.count && bytes[credential] == 0x20 { credential += 1 }
            while credential < bytes.count, !RedactionScanner.endsValue(bytes[credential]) { credential += 1 }
            end = credential
        }
        return (end, prefix + RedactionScanner.label("secret"))
    }

    /// Whether a `key=` names a secret: the key rules, plus the bare `key`.
    static func namesSecret(_ key: String) -> Bool {
        let folded = Redactor.fold(key)
        return folded == "key" || folded.hasSuffix("key") || folded.hasSuffix("keys") || Redactor().isSecretKey(key) || folded == "auth" || folded == "pwd"
    }

    // MARK: E-mail

    /// `local@domain.tld`: a word of e-mail characters with one `@`, a dot in the domain and a
    /// top-level label of two or more letters.
    private func email() -> Int? {
        var end = index
        var at: Int?
        while end < bytes.count, RedactionScanner.isEmailByte(bytes[end]) {
            if bytes[end] == UInt8(ascii: "@") {
                guard at == nil else { return nil }
                at = end
            }
            end += 1
        }
        while end > index, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
        guard let at, at > index, end > at + 3 else { return nil }
        let domain = bytes[(at + 1)..<end]
        guard let lastDot = domain.lastIndex(of: UInt8(ascii: ".")), lastDot > at + 1 else { return nil }
        let tld = bytes[(lastDot + 1)..<end]
        guard tld.count >= 2, tld.allSatisfy({ RedactionScanner.isLetter($0) }) else { return nil }
        return end
    }

    // MARK: Numbers and addresses

    /// IPv4 and IPv6 addresses, card numbers and SSN-shaped numbers, at the start of a run of
    /// hex digits, `.`, `:`, `-` and spaces.
    private func numbers() -> (Int, [UInt8])? {
        let first = bytes[index]
        guard RedactionScanner.isHex(first) || first == UInt8(ascii: ":") else { return nil }
        var end = index
        while end < bytes.count, RedactionScanner.isHex(bytes[end]) || bytes[end] == UInt8(ascii: ":") || bytes[end] == UInt8(ascii: ".") {
            end += 1
        }
        // A sentence's full stop or colon after an address is not part of it ("::" is).
        var address = end
        while address > index {
            let last = bytes[address - 1]
            let isLoneColon = last == UInt8(ascii: ":") && !(address - 2 >= index && bytes[address - 2] == UInt8(ascii: ":"))
            guard last == UInt8(ascii: ".") || isLoneColon else { break }
            address -= 1
        }
        if address > index, address == bytes.count || !RedactionScanner.isWordByte(bytes[address]) {
            let run = Array(bytes[index..<address])
            if IPAddressShape.isIPv4(run[...]) { return (address, RedactionScanner.label("ip")) }
            if IPAddressShape.isIPv6(run[...]) { return (address, RedactionScanner.label("ip")) }
        }
        guard RedactionScanner.isDigit(first) else { return nil }
        if let end = NumberShape.cardNumberEnd(bytes, from: index) { return (end, RedactionScanner.label("card")) }
        if let end = NumberShape.ssnEnd(bytes, from: index) { return (end, RedactionScanner.label("ssn")) }
        return nil
    }

    // MARK: Byte classes

    static func label(_ kind: String) -> [UInt8] { Array("[redacted:\(kind)]".utf8) }
    static func lower(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }
    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte) }
    static func isWordByte(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) || byte == UInt8(ascii: "_") || byte >= 0x80 }
    static func isKeyByte(_ byte: UInt8) -> Bool { isWordByte(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") }
    static func isBase64URL(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") }
    static func isTokenByte(_ byte: UInt8) -> Bool {
        isBase64URL(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
    }
    static func isEmailByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || isLetter(byte) || "._%+-@".utf8.contains(byte)
    }
    static func endsValue(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
    }
}
