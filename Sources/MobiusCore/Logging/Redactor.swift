/// Removes personal data and secrets from log text before anything is written (issue 9's
/// redaction policy; the table is in README "Logging and redaction").
///
/// Pattern rules find values inside free text; key rules blank whole values. Each replacement
/// says what was there (`[redacted:email]`), never any of it. Values of the fields the service
/// itself produces and must keep (`hash`, `hash_base64`, `chain`, `sha256`, `seq`, `requestId`,
/// durations) are never pattern-redacted, which is also why a dHash that happens to be 16 decimal
/// digits passing the Luhn check is not mistaken for a card number there.
public struct Redactor: Sendable {
    /// Keys whose whole value is removed, matched case-insensitively as a substring of the key
    /// after removing `-` and `_` (`X-Api-Key`, `session_id`, `Authorization`).
    public var secretKeyFragments = ["password", "passwd", "secret", "token", "authorization", "cookie", "apikey", "session", "credential", "privatekey"]
    /// Keys whose values are the service's own and kept as they are.
    public var keptKeys: Set<String> = ["hash", "hash_base64", "hashbase64", "chain", "sha256", "seq", "requestid", "request_id",
                                         "duration_ms", "durationms", "duration", "avg_hash_time", "p95_hash_time", "timestamp", "ts"]

    /// The default policy.
    public init() {}

    /// Whether the value under `key` is blanked whole.
    public func isSecretKey(_ key: String) -> Bool {
        let folded = Redactor.fold(key)
        return secretKeyFragments.contains { folded.contains($0) }
    }

    /// Whether the value under `key` is kept without pattern redaction.
    public func isKeptKey(_ key: String) -> Bool { keptKeys.contains(Redactor.fold(key)) }

    /// `key` lower-cased without `-` and `_`.
    static func fold(_ key: String) -> String {
        String(key.lowercased().unicodeScalars.filter { $0 != "-" && $0 != "_" })
    }

    /// `text` with every e-mail address, IP address, card number, SSN-shaped number, bearer
    /// token, JWT and `token=`/`key=`/`secret=`-style value replaced.
    public func redact(_ text: String) -> String {
        guard text.utf8.contains(where: Redactor.mayStartSensitive) else { return text }
        var scanner = RedactionScanner(Array(text.utf8))
        return scanner.run()
    }

    /// Whether a byte can begin anything a pattern rule removes (fast exit for plain text).
    static func mayStartSensitive(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || byte == UInt8(ascii: "@") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "=")
            || byte == UInt8(ascii: "B") || byte == UInt8(ascii: "b") || byte == UInt8(ascii: "e")
    }
}
