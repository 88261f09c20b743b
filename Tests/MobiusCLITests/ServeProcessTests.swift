import Foundation
import TestSupport
import Testing

/// `serve` as a real process: it prints its address, answers curl, and on SIGTERM finishes,
/// writes a snapshot and exits 0.
@Suite struct ServeProcessTests {
    private func curl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "--max-time", "10"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    @Test func servesTheContractAndStopsCleanlyOnSIGTERM() throws {
        try BuiltBinary.require()
        let directory = try TemporaryDirectory("mobius-serve")
        defer { directory.remove() }
        let server = Process()
        server.executableURL = URL(fileURLWithPath: BuiltBinary.path)
        server.arguments = ["serve", "--data", directory.path, "--port", "0", "--image-root", directory.path, "--durability", "none"]
        let output = Pipe()
        server.standardOutput = output
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            try #require(!chunk.isEmpty, "serve ended before printing its address")
            line += chunk
        }
        let url = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "listening on ", with: "")
        #expect(url.hasPrefix("http://127.0.0.1:"))

        let health = try curl(["-w", "\n%{http_code}", url + "/health"])
        #expect(health.hasSuffix("\n200"))
        #expect(health.contains(#""status":"OK""#))
        let extract = try curl(["-w", "\n%{http_code}", "-H", "Content-Type: application/json", "-d", #"{"imagePath":"missing.png"}"#, url + "/api/dhash/extract"])
        #expect(extract.hasSuffix("\n404"))
        let raw = try curl(["-w", "\n%{http_code}", "-H", "Content-Type: application/octet-stream", "--data-binary", "P5\n2 2\n255\n\u{1}\u{2}\u{3}\u{4}", url + "/api/dhash/extract"])
        #expect(raw.hasSuffix("\n200"))

        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        let snapshots = try FileManager.default.contentsOfDirectory(atPath: directory.appending("snapshots"))
        #expect(snapshots.contains { $0.hasSuffix(".snapshot") })
    }
}
