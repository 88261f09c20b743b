/// The exit statuses of every command, as documented in README.md.
public enum ExitStatus: Int32, Sendable {
    /// The command did what was asked.
    case success = 0
    /// The check failed: corruption found, a trigger fired, a smoke test failed.
    case checkFailed = 1
    /// Usage error, or input that could not be read.
    case usageOrUnreadable = 2
}
