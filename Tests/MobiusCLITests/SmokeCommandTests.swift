import Foundation
import HTTP
import Imaging
@testable import MobiusCLI
import POSIX
import TestSupport
import Testing

/// `smoke` against a real `serve` process, against one (behind a proxy) whose answers are wrong in type or
/// value, and with nothing listening.
@Suite struct SmokeCommandTests {
    @Test func aHealthyServicePassesEveryCheck() async throws {
        let service = try LiveService()
        let run = await BlockingRun(["smoke"] + service.options)
        service.stop()
        #expect(run.status == .success, "\(run.output)\(run.errors)")
        #expect(run.lines.map { String($0.prefix(while: { $0 != ":" })) }
            == ["PASS connectivity", "PASS health", "PASS metrics", "PASS journal", "PASS extraction", "5 passed, 0 failed"])
        #expect(run.output.contains("hash c7c7c7c7c7e77f38 as expected"))
    }

    @Test func quickSkipsTheExtractionAndImageIsHashedHere() async throws {
        let service = try LiveService()
        let quick = await BlockingRun(["smoke", "--quick"] + service.options)
        #expect(quick.status == .success && quick.lines.count == 5 && quick.lines.last == "4 passed, 0 failed", "\(quick.output)")
        let image = service.directory.appending("card.pgm")
        try Data(GeneratedImage.pgm(seed: 3)).write(to: URL(fileURLWithPath: image))
        let expected = try Fingerprinter.fingerprint(GeneratedImage.pgm(seed: 3)).hash.hex
        let own = await BlockingRun(["smoke", "--image", image] + service.options)
        service.stop()
        #expect(own.status == .success, "\(own.output)")
        #expect(own.output.contains("hash \(expected) as expected"))
    }

    @Test func theTokenComesFromTheEnvironmentOrTheFileAndItsAbsenceFailsTheJournalCheck() async throws {
        let service = try LiveService()
        let none = await BlockingRun(["smoke", "--quick", "--url", service.url, "--admin-token-file", service.directory.appending("absent")])
        #expect(none.status == .checkFailed)
        #expect(none.output.contains("FAIL journal: no admin token"))
        #expect(none.lines.last == "3 passed, 1 failed")
        let options = try #require(Self.parsed(["smoke", "--admin-token-file", service.tokenFile])).service
        #expect(try options.adminToken(environment: [:]) == LiveService.token)
        #expect(try options.adminToken(environment: ["MOBIUS_ADMIN_TOKEN": "from-env"]) == "from-env")
        chmod(service.tokenFile, 0o644)
        #expect(throws: CommandFailure.self) { try options.adminToken(environment: [:]) }
        service.stop()
    }

    static func parsed(_ words: [String]) -> SmokeCommand? {
        guard case .run(_, let runnable) = Invocation(parsing: words.map { CommandWord($0) }, root: MobiusCommandLine.root) else { return nil }
        return runnable.command as? SmokeCommand
    }

    static let tamperings: [(path: String, status: Int?, from: String, to: String, failing: String, says: String)] = [
        ("/metrics/dhash", nil, #""total_extractions":0"#, #""total_extractions":0.0"#, "metrics", "total_extractions is 0 (a number with a fraction or exponent), not a whole number"),
        ("/metrics/dhash", nil, #""extraction_failures_rate":0"#, #""extraction_failures_rate":"0.00""#, "metrics", "not a fraction from 0 to 1"),
        ("/metrics/dhash", nil, #""extraction_failures_rate":0"#, #""extraction_failures_rate":1.5"#, "metrics", "1.5, not a fraction"),
        ("/metrics/dhash", nil, #""avg_hash_time":0"#, #""avg_hash_time":null"#, "metrics", "avg_hash_time is null"),
        ("/metrics/dhash", nil, #""successful_extractions":0"#, #""successful_extractions":2"#, "metrics", "is not successful + failed"),
        ("/health", nil, #""status":"OK""#, #""status":"FINE""#, "health", "not OK or WARNING"),
        ("/health", 503, #""status":"OK""#, #""status":"CRITICAL","reason":"journal down""#, "health", "answered 503 with status CRITICAL: journal down"),
        ("/health", nil, #""service":"dhash""#, #""service":"other""#, "health", "service is \"other\""),
        ("/api/dhash/extract", nil, #""hash":"c7c7c7c7c7e77f38""#, #""hash":"0000000000000000""#, "extraction", "expected c7c7c7c7c7e77f38"),
        ("/api/dhash/extract", nil, #""bits":64"#, #""bits":"64""#, "extraction", "bits is \"64\""),
        ("/", nil, #""service":"dhash""#, #""service":"nginx""#, "connectivity", "not as the dhash service"),
    ]

    @Test("a wrong answer fails its check, naming what is wrong", arguments: tamperings.indices)
    func wrongAnswers(index: Int) async throws {
        let tampering = Self.tamperings[index]
        let service = try LiveService()
        let proxy = try TamperingProxy(to: service.url, path: tampering.path, status: tampering.status) {
            $0.replacingOccurrences(of: tampering.from, with: tampering.to)
        }
        let run = await BlockingRun(["smoke", "--url", proxy.url, "--admin-token-file", service.tokenFile])
        await proxy.stop()
        service.stop()
        #expect(run.status == .checkFailed)
        let line = run.lines.first { $0.hasPrefix("FAIL \(tampering.failing):") }
        #expect(line?.contains(tampering.says) == true, "\(run.output)")
        #expect(run.lines.last?.hasSuffix("1 failed") == true || tampering.failing == "connectivity", "\(run.output)")
    }

    @Test func nothingListeningFailsEveryCheck() async throws {
        let port = try LiveService.unusedPort()
        let run = await BlockingRun(["smoke", "--url", "http://127.0.0.1:\(port)", "--timeout", "1s"])
        #expect(run.status == .checkFailed)
        #expect(run.lines.first?.hasPrefix("FAIL connectivity: GET http://127.0.0.1:\(port)/: connection refused") == true, "\(run.output)")
        #expect(run.lines.dropFirst().dropLast().allSatisfy { $0.hasSuffix("not run: the service is unreachable") })
        #expect(run.lines.last == "0 passed, 5 failed")
    }

    @Test(arguments: [
        (["smoke", "--url", "https://127.0.0.1:5001"], "https is not supported"),
        (["smoke", "--url", "http://example.com"], "not a numeric address"),
        (["smoke", "--quick", "--image", "x.png"], "--quick skips the extraction"),
        (["smoke", "--timeout", "5"], "a duration"),
        (["smoke", "--image", "/nonexistent/x.png", "--url", "http://127.0.0.1:1"], "cannot be read"),
    ])
    func usageAndUnreadableInputExitTwo(arguments: [String], message: String) async {
        let run = await BlockingRun(arguments)
        #expect(run.status == .usageOrUnreadable)
        #expect(run.errors.contains(message), "\(run.errors)")
    }

    @Test func theBundledFixtureIsTheGoldenFileWithItsPillowHash() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ImagingTests/Fixtures/dhash")
        let bytes = [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(SmokeFixture.name)))
        #expect(bytes == SmokeFixture.bytes)
        let goldens = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("goldens.json"))) as? [String: Any])
        let entry = try #require((goldens["png"] as? [[String: Any]])?.first { $0["file"] as? String == SmokeFixture.name })
        #expect((entry["hashes"] as? [String: String])?["8"] == SmokeFixture.hash)
        #expect(entry["width"] as? Int == SmokeFixture.width && entry["height"] as? Int == SmokeFixture.height)
        #expect(try Fingerprinter.fingerprint(SmokeFixture.bytes).hash.hex == SmokeFixture.hash)
    }
}
