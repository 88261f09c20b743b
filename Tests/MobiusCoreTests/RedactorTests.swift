import JSON
@testable import MobiusCore
import Testing
import TestSupport

/// The redaction policy: none of the secrets survive, the service's own values do.
@Suite struct RedactorTests {
    static let redactor = Redactor()

    @Test(arguments: [
        ("mail from alice.smith+tag@example.co.uk arrived", "mail from [redacted:email] arrived", "alice.smith"),
        ("client 192.168.10.255 connected", "client [redacted:ip] connected", "192.168"),
        ("client 10.0.0.1.", "client [redacted:ip].", "10.0.0.1"),
        ("peer 2001:db8::8a2e:370:7334 left", "peer [redacted:ip] left", "2001:db8"),
        ("peer ::1 and fe80::1 and ::", "peer [redacted:ip] and [redacted:ip] and [redacted:ip]", "fe80"),
        ("mapped ::ffff:1.2.3.4 here", "mapped [redacted:ip] here", "1.2.3.4"),
        ("full 2001:0db8:85a3:0000:0000:8a2e:0370:7334", "full [redacted:ip]", "85a3"),
        ("card 4111 1111 1111 1111 used", "card [redacted:card] used", "4111"),
        ("card 4111-1111-1111-1111", "card [redacted:card]", "1111-1111"),
        ("card 4012888888881881", "card [redacted:card]", "4012888888881881"),
        ("amex 378282246310005.", "amex [redacted:card].", "378282246310005"),
        ("ssn 078-05-1120 and 999-99-9999", "ssn [redacted:ssn] and [redacted:ssn]", "078-05"),
        ("Authorization: Bearer abc.def-ghi_jkl", "Authorization: [redacted:secret]", "abc.def"),
        ("header Bearer s3cr3tT0ken==", "header Bearer [redacted:token]", "s3cr3t"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-x", "jwt [redacted:jwt]", "eyJhbG"),
        ("GET /api?token=abc123&page=2", "GET /api?token=[redacted:secret]&page=2", "abc123"),
        ("retry with api_key=XYZ789, please", "retry with api_key=[redacted:secret], please", "XYZ789"),
        (#"body {"password":"hunter2","user":"x"}"#, #"body {"password":"[redacted:secret]","user":"x"}"#, "hunter2"),
        ("secret: topsecret", "secret: [redacted:secret]", "topsecret"),
    ])
    func patternsInTextAreRedacted(input: String, expected: String, secret: String) {
        let output = RedactorTests.redactor.redact(input)
        #expect(output == expected)
        #expect(!output.contains(secret))
    }

    @Test(arguments: [
        "extraction completed in 12.5 ms",
        "at 2026-11-27T10:15:03.123456Z seq 42",
        "version 1.2.3 build 4",
        "mac de:ad:be:ef:00:01 is not an address we redact",
        "4111 1111 1111 1112 fails Luhn",
        "phone 555-1234",
        "ratio 3:2 and 10:15:03",
        "café ☕ — plain text",
    ])
    func ordinaryTextIsLeftAlone(text: String) {
        #expect(RedactorTests.redactor.redact(text) == text)
    }

    @Test func metadataIsRedactedRecursivelyAndTheServicesOwnValuesStay() {
        let metadata = LogValue.object([
            ("hash", .string("4012888888881881")),  // a dHash that passes Luhn: kept
            ("hash_base64", .string("QBIoiIiIGIE=")),
            ("requestId", .string("9b2f1c")),
            ("duration_ms", .double(12.5)),
            ("user", .object([
                ("email", .string("bob@example.org")),
                ("Session-Id", .string("abcdef")),
                ("cards", .array([.string("5555 5555 5555 4444"), .integer(4_111_111_111_111_111)])),
                ("note", .string("from 10.1.2.3")),
            ])),
            ("X-Api-Key", .integer(42)),
            ("cookie", .string("a=b")),
        ])
        let redacted = RedactorTests.redactor.redact(metadata)
        var json = JSONWriter()
        redacted.encode(to: &json)
        let text = String(decoding: try! json.finish(), as: UTF8.self)
        for secret in ["bob@", "abcdef", "5555", "4111111111111111", "10.1.2.3", "a=b", ":42"] {
            #expect(!text.contains(secret), "\(secret) leaked: \(text)")
        }
        for kept in ["4012888888881881", "QBIoiIiIGIE=", "9b2f1c", "12.5"] {
            #expect(text.contains(kept), "\(kept) lost: \(text)")
        }
    }
}

extension RedactorTests {
    /// Secrets dropped into seeded random text never come out, and no input crashes the scanner.
    @Test func secretsInRandomTextNeverSurvive() {
        var random = SeededGenerator(seed: 11)
        let secrets = ["carol@example.net", "172.16.254.1", "2001:db8:0:1::42", "4242 4242 4242 4242", "123-45-6789",
                       "token=QWERTY123", "eyJhbGciOiJub25lIn0.eyJhIjoxfQ.c2ln"]
        let words = ["the", "extraction", "12", "ms", "from", "page", "3", "-", ":", "=", "@", ".", "a1", "b2", "(", ")", ",", "é"]
        for _ in 0..<2_000 {
            var parts = (0..<Int.random(in: 0...12, using: &random)).map { _ in words.randomElement(using: &random)! }
            let secret = secrets.randomElement(using: &random)!
            parts.insert(secret, at: Int.random(in: 0...parts.count, using: &random))
            let text = parts.joined(separator: " ")
            let output = RedactorTests.redactor.redact(text)
            let leaked = secret.hasPrefix("token=") ? "QWERTY123" : secret
            #expect(!output.contains(leaked), "\(text) → \(output)")
        }
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...80, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = RedactorTests.redactor.redact(String(decoding: bytes, as: UTF8.self))
        }
    }
}
