#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import POSIX
import Testing

@Suite struct KernelEpollTests {
    let kernel = Kernel.live

    @Test func wakesWhenAPipeBecomesReadable() throws {
        let epoll = try kernel.makeEpoll()
        let pipe = try kernel.makePipe()
        defer { for fd in [epoll, pipe.reading, pipe.writing] { try? kernel.close(fd) } }
        try kernel.register(pipe.reading, with: epoll, for: .readable, data: 7)
        #expect(try kernel.waitForEvents(on: epoll, timeout: .zero).isEmpty)

        #expect(try Array("ping".utf8).withUnsafeBytes { try kernel.write(to: pipe.writing, $0) } == .bytes(4))
        let events = try kernel.waitForEvents(on: epoll, timeout: .seconds(5))
        #expect(events == [EpollEvent(events: .readable, data: 7)])

        // Watching for writability instead: a pipe with room is writable... on its write end.
        try kernel.deregister(pipe.reading, from: epoll)
        try kernel.register(pipe.writing, with: epoll, for: .writable, data: 8)
        #expect(try kernel.waitForEvents(on: epoll, timeout: .seconds(5)) == [EpollEvent(events: .writable, data: 8)])
        try kernel.modify(pipe.writing, in: epoll, for: [.writable, .oneShot], data: 9)
        #expect(try kernel.waitForEvents(on: epoll, timeout: .seconds(5)) == [EpollEvent(events: .writable, data: 9)])
        // One-shot: disarmed after reporting once.
        #expect(try kernel.waitForEvents(on: epoll, timeout: .zero).isEmpty)
    }

    @Test func anEventCounterWakesTheLoopFromAnotherThread() throws {
        let epoll = try kernel.makeEpoll()
        let counter = try kernel.makeEventCounter()
        defer { for fd in [epoll, counter] { try? kernel.close(fd) } }
        try kernel.register(counter, with: epoll, for: .readable, data: 42)
        #expect(try kernel.drain(counter) == 0)
        #expect(try kernel.waitForEvents(on: epoll, timeout: .zero).isEmpty)

        let kernel = self.kernel
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) {
            try? kernel.signal(counter)
            try? kernel.signal(counter)
        }
        let start = kernel.now(.monotonic)
        let events = try kernel.waitForEvents(on: epoll, timeout: .seconds(10))
        #expect(events == [EpollEvent(events: .readable, data: 42)])
        #expect(kernel.now(.monotonic) - start < .seconds(5))
        // Both signals may not have landed yet; together they add up to 2.
        var total = try kernel.drain(counter)
        while total < 2 {
            _ = try kernel.waitForEvents(on: epoll, timeout: .seconds(5))
            total += try kernel.drain(counter)
        }
        #expect(total == 2)
        #expect(try kernel.drain(counter) == 0)
        #expect(try kernel.waitForEvents(on: epoll, timeout: .zero).isEmpty)
    }

    @Test func aTimeoutEndsTheWaitEmpty() throws {
        let epoll = try kernel.makeEpoll()
        defer { try? kernel.close(epoll) }
        let start = kernel.now(.monotonic)
        #expect(try kernel.waitForEvents(on: epoll, timeout: .milliseconds(30)).isEmpty)
        #expect(kernel.now(.monotonic) - start >= .milliseconds(29))
    }
}
