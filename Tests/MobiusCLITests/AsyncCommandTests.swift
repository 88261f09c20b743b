import Foundation
@testable import MobiusCLI
import Synchronization
import Testing

/// The async half of the command protocol, on a tree made for the test (`inspect` is the one
/// shipped async command so far; `serve` and `monitor` will be too).
@Suite struct AsyncCommandTests {
    /// Suspends until another task resumes it, then prints or fails.
    struct Wait: AsyncCommand {
        static let milliseconds = Option.integer("--ms", in: 0...1000, default: 5, help: "how long the other task sleeps")
        static let fails = Flag("--fail", help: "end with a check failure after waiting")
        static let spec = CommandSpec("wait", summary: "waits, suspended", arguments: [milliseconds, fails])

        let milliseconds: Int
        let fails: Bool

        init(_ arguments: ParsedArguments) {
            milliseconds = arguments[Self.milliseconds]
            fails = arguments.isSet(Self.fails)
        }

        func run(_ io: CommandIO) async throws(CommandFailure) -> MobiusCLI.ExitStatus {
            // Resumed by a task that needs a pool thread itself: a bridge that blocked the
            // thread this runs on could starve it.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Task.detached {
                    try? await Task.sleep(for: .milliseconds(milliseconds))
                    continuation.resume()
                }
            }
            if fails { throw CommandFailure(.checkFailed, "waited \(milliseconds) ms, then failed") }
            io.print("waited \(milliseconds) ms")
            return .success
        }
    }

    /// Records whether it ran on `Caller`'s executor.
    struct WhereAmI: Command {
        static let spec = CommandSpec("where", summary: "notes its executor")
        static let ranOnCallersQueue = Mutex<Bool?>(nil)

        init(_ arguments: ParsedArguments) {}

        func run(_ io: CommandIO) -> MobiusCLI.ExitStatus {
            Self.ranOnCallersQueue.withLock { $0 = DispatchQueue.getSpecific(key: QueueExecutor.key) == true }
            return .success
        }
    }

    /// A serial executor on one dispatch queue, which code running on it can recognise.
    final class QueueExecutor: SerialExecutor {
        static let key = DispatchSpecificKey<Bool>()
        private let queue = DispatchQueue(label: "async-command-tests.caller")

        init() { queue.setSpecific(key: Self.key, value: true) }

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            let executor = asUnownedSerialExecutor()
            queue.async { job.runSynchronously(on: executor) }
        }
    }

    /// An actor on `QueueExecutor`, standing in for the main actor of the executable.
    actor Caller {
        private let executor = QueueExecutor()
        nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

        func runWhereAmI() async -> MobiusCLI.ExitStatus {
            await MobiusCommandLine.run(["where"], io: CommandIO(out: { _ in }, error: { _ in }, readLine: { nil }), root: AsyncCommandTests.root)
        }
    }

    static let root = CommandNode.group(CommandSpec("mobius-dhash", summary: "a test tree"), [.command(Wait.self), .command(WhereAmI.self)])

    private func run(_ arguments: [String]) async -> (MobiusCLI.ExitStatus, String, String) {
        let output = Mutex(""), errors = Mutex("")
        let io = CommandIO(out: { text in output.withLock { $0 += text } }, error: { text in errors.withLock { $0 += text } }, readLine: { nil })
        let status = await MobiusCommandLine.run(arguments, io: io, root: Self.root)
        return (status, output.withLock { $0 }, errors.withLock { $0 })
    }

    @Test func anAsyncCommandIsAwaitedAndItsStatusReturned() async {
        let (status, output, errors) = await run(["wait", "--ms", "20"])
        #expect(status == .success)
        #expect(output == "waited 20 ms\n")
        #expect(errors.isEmpty)
    }

    @Test func anAsyncCommandsFailureMapsToItsExitStatus() async {
        let (status, output, errors) = await run(["wait", "--fail"])
        #expect(status == .checkFailed)
        #expect(output.isEmpty)
        #expect(errors == "mobius-dhash wait: waited 5 ms, then failed\n")
    }

    @Test func anAsyncCommandParsesLikeAnyOther() async {
        let (status, _, errors) = await run(["wait", "--ms", "2000"])
        #expect(status == .usageOrUnreadable)
        #expect(errors == "mobius-dhash wait: --ms takes a whole number from 0 to 1000, not '2000' (see 'mobius-dhash help wait')\n")
    }

    /// Far more suspended commands than the pool has threads all finish: none holds a thread
    /// while it waits.
    @Test(.timeLimit(.minutes(1)))
    func manyAsyncCommandsWaitAtOnceWithoutHoldingThreads() async {
        let statuses = await withTaskGroup(of: MobiusCLI.ExitStatus.self) { group in
            for _ in 0..<64 { group.addTask { await self.run(["wait", "--ms", "50"]).0 } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: .success, count: 64))
    }

    /// A blocking command runs on the caller's executor (in the executable: the main actor,
    /// the main thread), not on the cooperative pool.
    @Test func aBlockingCommandRunsWhereItsCallerIs() async {
        let status = await Caller().runWhereAmI()
        #expect(status == .success)
        #expect(WhereAmI.ranOnCallersQueue.withLock { $0 } == true)
    }
}
