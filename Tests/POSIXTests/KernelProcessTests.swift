#if canImport(Glibc)
import Glibc
#endif
import Foundation
import POSIX
import Testing

@Suite struct KernelProcessTests {
    let kernel = Kernel.live

    @Test func processIDAndExistence() throws {
        #expect(kernel.processID == getpid())
        #expect(try kernel.processExists(kernel.processID))
        // Above the largest pid Linux hands out (pid_max ≤ 2^22).
        #expect(try kernel.processExists(Int32.max) == false)
        #expect(try kernel.send(signal: 0, toProcess: kernel.processID))
        #expect(try kernel.send(signal: 0, toProcess: Int32.max) == false)
    }

    @Test func clocks() {
        let first = kernel.now(.monotonic)
        let second = kernel.now(.monotonic)
        #expect(second >= first)
        let wall = kernel.now(.realtime)
        let foundation = Date().timeIntervalSince1970
        let (seconds, _) = wall.components
        #expect(abs(Double(seconds) - foundation) < 5)
    }
}
