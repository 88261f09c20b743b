#if canImport(Glibc)
import Glibc
#endif
import POSIX
import Testing

/// How the funnel classifies failures. EBADF and EFAULT stop the process, so they are checked
/// here through the classification, and once for real in a child process (an exit test).
@Suite struct KernelTests {
    @Test func badDescriptorsAndBadAddressesAreProgrammerErrors() {
        #expect(Kernel.handling(of: .badDescriptor) == .trap)
        #expect(Kernel.handling(of: .badAddress) == .trap)
        // Also where EINTR is not retried (close, connect, epoll_wait).
        #expect(Kernel.handling(of: .badDescriptor, retriesInterrupts: false) == .trap)
    }

    @Test func interruptsAreRetriedOnlyWhereThatIsCorrect() {
        #expect(Kernel.handling(of: .interrupted) == .retry)
        #expect(Kernel.handling(of: .interrupted, retriesInterrupts: false) == .report)
    }

    @Test(arguments: [Errno.noSpace, .ioError, .wouldBlock, .connectionReset, .brokenPipe, .noSuchFile,
                      .permissionDenied, .tooManyOpenFiles, .addressInUse, .invalidArgument, Errno(4242)])
    func operatingConditionsAreReported(code: Errno) {
        #expect(Kernel.handling(of: code) == .report)
    }

    /// The real thing, in a child process: using a descriptor that is not open stops the process.
    @Test func aBadDescriptorStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            _ = try? Kernel.live.size(FileDescriptor(rawValue: -1))
        }
    }

    @Test func timeoutsRoundUpToWholeMilliseconds() {
        #expect(Kernel.milliseconds(roundingUp: nil) == -1)
        #expect(Kernel.milliseconds(roundingUp: .zero) == 0)
        #expect(Kernel.milliseconds(roundingUp: .seconds(-1)) == 0)
        #expect(Kernel.milliseconds(roundingUp: .nanoseconds(1)) == 1)
        #expect(Kernel.milliseconds(roundingUp: .milliseconds(1500)) == 1500)
        #expect(Kernel.milliseconds(roundingUp: .microseconds(1500)) == 2)
        #expect(Kernel.milliseconds(roundingUp: .seconds(Int64.max / 2)) == Int32.max)
    }
}
