import Foundation
import TestSupport
import Testing

/// The write commands while `serve` holds the journal: they find its admin URL in LOCK and send
/// their writes there, as real processes against a real server process.
@Suite struct ForwardedWritesTests {
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

        let added = try BuiltBinary.capture(["library", "add", "--id", "card", card] + data)
        #expect(added.status == 0 && added.out.contains(#""id":"card""#), "\(added)")
        #expect(added.err.contains("held by the server at http://127.0.0.1:"))
        let extracted = try BuiltBinary.capture(["extract", card, other, directory.appending("absent.png")] + data)
        let results = extracted.out.split(separator: "\n")
        #expect(extracted.status == 2 && results.count == 2, "\(extracted)")
        #expect(results.first?.contains(#""imageId":"card""#) == true && results.first?.contains(#""source":"\#(card)""#) == true)
        #expect(extracted.err.contains("absent.png"))
        let last = String(results.last ?? "")
        let item = try #require(last.range(of: #""reviewItemId":""#).map { String(last[$0.upperBound...].prefix { $0 != "\"" }) }, "\(last)")
        let resolved = try BuiltBinary.capture(["lcm", "resolve", item, "--decision", "reject"] + data)
        #expect(resolved.status == 0 && resolved.out.contains(#""status":"resolved""#), "\(resolved)")
        #expect(try BuiltBinary.capture(["lcm", "resolve", item, "--decision", "reject"] + data).status == 1, "already resolved: a conflict")
        // An id with a slash reaches the route as that id (it was more path segments: "no route").
        let slashed = try BuiltBinary.capture(["lcm", "resolve", "x/y", "--decision", "reject"] + data)
        #expect(slashed.status == 2 && slashed.err.contains("there is no review item x/y"), "\(slashed)")

        // A FIFO named as an image is refused, never waited on (it has no writer).
        let fifo = directory.appending("pipe.png")
        #expect(mkfifo(fifo, 0o600) == 0)
        let piped = try BuiltBinary.capture(["extract", fifo] + data)
        #expect(piped.status == 2 && piped.err.contains("not a regular file"), "\(piped)")

        let single = try BuiltBinary.capture(["append", "--type", "custom.note", "--payload", #"{"n":1}"#] + data)
        #expect(single.status == 0 && UInt64(single.out.trimmingCharacters(in: .whitespacesAndNewlines)) != nil, "\(single)")
        let lines = try BuiltBinary.capture(["append", "--stdin"] + data, input: #"{"type":"custom.a","data":{}}"# + "\nnot json\n" + #"{"type":"custom.b","data":{}}"# + "\n")
        #expect(lines.status == 1 && lines.out.split(separator: "\n").count == 2 && lines.err.contains("line 2"), "\(lines)")

        let snapshot = try BuiltBinary.capture(["snapshot", "create"] + data)
        #expect(snapshot.status == 0 && snapshot.out.contains("sha256 "), "\(snapshot)")
        let refused = try BuiltBinary.capture(["rollback", "--to-seq", "1"] + data)
        #expect(refused.status == 1 && refused.err.contains("409"), "health is OK: refused without --force: \(refused)")
        let removed = try BuiltBinary.capture(["library", "remove", "card"] + data)
        #expect(removed.status == 0 && removed.out == "removed card\n", "\(removed)")
        #expect(try BuiltBinary.capture(["library", "remove", "card"] + data).status == 2, "no longer in the library")

        // A wrong token is refused, naming the server's answer.
        let wrong = try BuiltBinary.capture(["snapshot", "create"] + data, environment: ["MOBIUS_ADMIN_TOKEN": "nope"])
        #expect(wrong.status == 1 && wrong.err.contains("401"), "\(wrong)")

        #expect(server.stop() == 0)
        // Without the server the commands open the journal themselves again.
        let offline = try BuiltBinary.capture(["library", "add", "--id", "offline", other] + data)
        #expect(offline.status == 0 && !offline.err.contains("held by the server"), "\(offline)")
        #expect(try BuiltBinary.capture(["verify", "--deep"] + data).status == 0)
    }
}
