import Foundation
@testable import MobiusCLI
import TestSupport
import Testing

/// Each `extract` worker holds two files open: the workers asked for must fit in the
/// process's open-file limit beside the journal's descriptors.
@Suite struct ExtractWorkersTests {
    @Test func workersAreFewerOnlyWhenTheirFilesWouldNotFit() {
        #expect(ExtractCommand.workers(256, openFileLimit: nil) == 256)
        #expect(ExtractCommand.workers(256, openFileLimit: 1024) == 256)
        #expect(ExtractCommand.workers(256, openFileLimit: 64) == 16)
        #expect(ExtractCommand.workers(2, openFileLimit: 64) == 2)
        #expect(ExtractCommand.workers(256, openFileLimit: 10) == 1)
    }

    /// Under `ulimit -n 48`, 256 workers would hold far more files open than the limit allows
    /// while waiting for their commits; with the workers cut to fit, every file is recorded
    /// (a multi-chunk file beside small ones keeps a slot open across results).
    @Test func aLowOpenFileLimitCutsTheWorkersAndEveryFileIsRecorded() async throws {
        try BuiltBinary.require()
        let folder = try TemporaryDirectory("mobius-extract-fd-limit")
        defer { folder.remove() }
        let (large, small) = (folder.appending("large.pgm"), folder.appending("small.pgm"))
        try Data(GeneratedImage.pgm(seed: 3, width: 900, height: 700)).write(to: URL(fileURLWithPath: large))
        try Data(GeneratedImage.pgm(seed: 4)).write(to: URL(fileURLWithPath: small))
        let data = folder.appending("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        let files = Array(repeating: [large, small, small], count: 200).flatMap { $0 }
        let run = try await onOwnThread {
            try ExternalTool.run("sh", ["-c", #"ulimit -n 48 && exec "$0" "$@""#, BuiltBinary.path,
                                        "extract", "--workers", "256", "--durability", "none", "--data", data] + files)
        }
        #expect(run.status == 0, "\(run.errors.prefix(600))")
        #expect(run.errors.contains("using 8 workers, not 256"), "\(run.errors.prefix(600))")
        #expect(run.output.split(separator: "\n").count == files.count)
        let recorded = try await onOwnThread {
            try ExternalTool.run(BuiltBinary.path, ["inspect", "--type", "extraction.completed", "--data", data])
        }
        #expect(recorded.output.split(separator: "\n").count == files.count)
    }
}
