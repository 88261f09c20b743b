import Journal
import POSIX
import Synchronization

/// The service's structured logger: JSON Lines records, redacted before anything is written, on
/// standard error, in the log folder (`LogFiles`) when one is set, and — at `journalLevel` and
/// above — handed to `recordInJournal` (the engine appends them as `log.record` events).
///
/// A sink that fails (a full disk under the log folder) does not fail the caller: the record
/// still goes to the others, and the failure is counted (`failedWrites`) and reported once on
/// standard error.
public final class Logger: Sendable {
    /// How the logger is set up.
    public struct Configuration: Sendable {
        /// `service` in every record.
        public var service = "mobius-dhash"
        /// `version` in every record.
        public var version: String
        /// `environment` in every record (development, staging, production).
        public var environment = "development"
        /// Records below this level are dropped.
        public var minimumLevel = LogLevel.info
        /// Records at or above this level also go to the journal.
        public var journalLevel = LogLevel.info
        /// The log folder, if any.
        public var logDirectory: String?
        /// Size at which a log file is rotated.
        public var fileByteLimit = 64 << 20
        /// Days rotated files are kept.
        public var retentionDays = 14
        /// Whether records go to standard error (the default; tests turn it off).
        public var writesStandardError = true
        /// What is removed before writing.
        public var redactor = Redactor()
        /// The wall clock in µs since the epoch.
        public var clock: @Sendable () -> UInt64 = JournalConfiguration.systemClock

        /// A configuration for `version`.
        public init(version: String) { self.version = version }
    }

    private struct State {
        var files: LogFiles?
        var hasReportedFailure = false
    }

    /// The configuration in use.
    public let configuration: Configuration
    private let kernel: Kernel
    private let recordInJournal: (@Sendable (LogRecord) -> Void)?
    /// The log files, touched only under the mutex (which also keeps records whole and in order).
    private let state: Mutex<State>
    /// Writes that failed on some sink.
    public let failedWrites = Atomic<Int>(0)

    /// A logger; opens the log folder now so a bad `--log-dir` is reported at start.
    public init(configuration: Configuration, kernel: Kernel = .live,
                recordInJournal: (@Sendable (LogRecord) -> Void)? = nil) throws(SystemError) {
        self.configuration = configuration
        self.kernel = kernel
        self.recordInJournal = recordInJournal
        let files = try configuration.logDirectory.map { (directory) throws(SystemError) in
            try LogFiles(directory: directory, fileByteLimit: configuration.fileByteLimit,
                         retentionDays: configuration.retentionDays, kernel: kernel)
        }
        state = Mutex(State(files: files))
    }

    /// Logs `message` at `level` (dropped below `minimumLevel`).
    public func log(_ level: LogLevel, _ message: String, category: String? = nil, requestId: String? = nil,
                    metadata: [(String, LogValue)] = []) {
        guard level >= configuration.minimumLevel else { return }
        let record = LogRecord(timestamp: configuration.clock(), level: level, message: message, category: category,
                               requestId: requestId, metadata: metadata).redacted(by: configuration.redactor)
        write(record)
    }

    /// Writes an already-built record (redacting it first).
    public func write(_ record: LogRecord) {
        let record = record.redacted(by: configuration.redactor)
        let line = record.jsonLine(service: configuration.service, version: configuration.version, environment: configuration.environment)
        state.withLock { state in
            var failure: SystemError?
            if configuration.writesStandardError {
                do throws(SystemError) { try writeStandardError(line + [0x0A]) } catch { failure = error }
            }
            if let files = state.files {
                do throws(SystemError) { try files.write(line, isError: record.level >= .error, timestamp: record.timestamp) } catch { failure = error }
            }
            if let failure {
                failedWrites.add(1, ordering: .relaxed)
                if !state.hasReportedFailure {
                    state.hasReportedFailure = true
                    try? writeStandardError(Array("mobius-dhash: a log record could not be written: \(failure)\n".utf8))
                }
            }
        }
        if record.level >= configuration.journalLevel { recordInJournal?(record) }
    }

    private func writeStandardError(_ bytes: [UInt8]) throws(SystemError) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let outcome = rest.withUnsafeBytes { raw in Result { () throws(SystemError) in try kernel.write(to: .standardError, raw) } }
            guard case .bytes(let count) = try outcome.get() else { return }
            rest = rest.dropFirst(count)
        }
    }
}
