import Foundation
import Testing
import HTTP

/// Runs curl with `arguments`; nil when curl is not installed.
func curl(_ arguments: [String], input: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String)? {
    guard let path = ["/usr/bin/curl", "/usr/local/bin/curl"].first(where: FileManager.default.isExecutableFile) else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = ["--silent", "--show-error", "--max-time", "10"] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

@Suite(.serialized) struct CurlTests {
    @Test func expectContinueWithCurl() async throws {
        try await withServer { server in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("http-continue-\(getpid()).txt")
            try Data(String(repeating: "z", count: 5000).utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let url = "http://127.0.0.1:\(server.port)/upload"
            guard let result = try curl(["-v", "-H", "Expect: 100-continue", "--data-binary", "@\(file.path)", url]) else { return }
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("HTTP/1.1 100 Continue"))
            #expect(result.stdout.hasPrefix("POST /upload 5000\n"))
        }
    }

    @Test func headKeepAliveAndChunkedUploadWithCurl() async throws {
        try await withServer { server in
            let base = "http://127.0.0.1:\(server.port)"
            guard let head = try curl(["-I", "\(base)/h"]) else { return }
            #expect(head.stdout.hasPrefix("HTTP/1.1 200 OK"))
            #expect(head.stdout.contains("Content-Length: 10"))
            // Two URLs in one curl run share the connection.
            guard let two = try curl(["-v", "\(base)/a", "\(base)/b"]) else { return }
            #expect(two.stdout == "GET /a 0\nGET /b 0\n")
            #expect(two.stderr.contains("Re-using existing") || two.stderr.contains("left intact"))
            guard let chunked = try curl(["-H", "Transfer-Encoding: chunked", "--data-binary", "abc", "\(base)/c"]) else { return }
            #expect(chunked.stdout == "POST /c 3\nabc")
        }
    }
}
