import Foundation
import TestSupport
import Testing

/// The write commands while `serve` holds the journal: they find its admin URL in LOCK and send
/// their writes there, as real processes against a real server process.
@Suite struct ForwardedWritesTests {
    /// Runs the built binary; its exit status, standard output and standard error.
    private static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        process.arguments = arguments
        var base = ProcessInfo.processInfo.environment
        base.removeValue(forKey: "MOBIUS_ADMIN_TOKEN")
        process.environment = base.merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        (process.standardOutput, process.standardError, process.standardInput) = (out, err, stdin)
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let output = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    @Test func everyWriteCommandGoesThroughTheServerHoldingTheJournal() async throws {
        // Off the cooperative pool: the test blocks on processes for seconds (see onOwnThread).
        try await onOwnThread { try Self.writesGoThroughTheServer() }
    }

    private static func writesGoThroughTheServer() throws {
        let directory = try TemporaryDirectory("mobius-forward")
        defer { directory.remove() }
        let card = directory.appending("card.pgm"), other = directory.appending("other.pgm")
        try Data(GeneratedImage.pgm(seed: 1)).write(to: URL(fileURLWithPath: card))
        try Data(GeneratedImage.pgm(seed: 2)).write(to: URL(fileURLWithPath: other))
        let server = try ServeProcess(data: directory.path, arguments: ["--image-root", directory.path, "--durability", "batch", "--sample-interval", "0"])
        let data = ["--data", directory.path]

        let added = try run(["library", "add", "--id", "card", card] + data)
        #expect(added.status == 0 && added.out.contains(#""id":"card""#), "\(added)")
        #expect(added.err.contains("held by the server at http://127.0.0.1:"))
        let extracted = try run(["extract", card, other, directory.appending("absent.png")] + data)
        let results = extracted.out.split(separator: "\n")
        #expect(extracted.status == 2 && results.count == 2, "\(extracted)")
        #expect(results.first?.contains(#""imageId":"card""#) == true && results.first?.contains(#""source":"\#(card)""#) == true)
        #expect(extracted.err.contains("absent.png"))
        let last = String(results.last ?? "")
        let item = try #require(last.range(of: #""reviewItemId":""#).map { String(last[$0.upperBound...].prefix { $0 != "\"" }) }, "\(last)")
        let resolved = try run(["lcm", "resolve", item, "--decision", "reject"] + data)
        #expect(resolved.status == 0 && resolved.out.contains(#""status":"resolved""#), "\(resolved)")
        #expect(try run(["lcm", "resolve", item, "--decision", "reject"] + data).status == 1, "already resolved: a conflict")
        // An id with a slash reaches the route as that id (it was more path segments: "no route").
        let slashed = try run(["lcm", "resolve", "x/y", "--decision", "reject"] + data)
        #expect(slashed.status == 2 && slashed.err.contains("there is no review item x/y"), "\(slashed)")

        let single = try run(["append", "--type", "custom.note", "--payload", #"{"n":1}"#] + data)
        #expect(single.status == 0 && UInt64(single.out.trimmingCharacters(in: .whitespacesAndNewlines)) != nil, "\(single)")
        let lines = try run(["append", "--stdin"] + data, input: #"{"type":"custom.a","data":{}}"# + "\nnot json\n" + #"{"type":"custom.b","data":{}}"# + "\n")
        #expect(lines.status == 1 && lines.out.split(separator: "\n").count == 2 && lines.err.contains("line 2"), "\(lines)")

        let snapshot = try run(["snapshot", "create"] + data)
        #expect(snapshot.status == 0 && snapshot.out.contains("sha256 "), "\(snapshot)")
        let refused = try run(["rollback", "--to-seq", "1"] + data)
        #expect(refused.status == 1 && refused.err.contains("409"), "health is OK: refused without --force: \(refused)")
        let removed = try run(["library", "remove", "card"] + data)
        #expect(removed.status == 0 && removed.out == "removed card\n", "\(removed)")
        #expect(try run(["library", "remove", "card"] + data).status == 2, "no longer in the library")

        // A wrong token is refused, naming the server's answer.
        let wrong = try run(["snapshot", "create"] + data, environment: ["MOBIUS_ADMIN_TOKEN": "nope"])
        #expect(wrong.status == 1 && wrong.err.contains("401"), "\(wrong)")

        #expect(server.stop() == 0)
        // Without the server the commands open the journal themselves again.
        let offline = try run(["library", "add", "--id", "offline", other] + data)
        #expect(offline.status == 0 && !offline.err.contains("held by the server"), "\(offline)")
        #expect(try run(["verify", "--deep"] + data).status == 0)
    }
}
