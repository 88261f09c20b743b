@testable import HTTP
import Testing

/// The hand-off between a response's producer and the loop, with writers waiting for room.
@Suite struct ResponseChannelTests {
    /// A channel already holding more than its high-water mark, and `count` writers waiting on it.
    static func channelWithWaitingWriters(_ count: Int) async throws -> (ResponseChannel, [Task<Bool, Never>]) {
        let channel = ResponseChannel(connectionID: 1, highWater: 4, lowWater: 2) { _ in }
        try channel.send(.body([1, 2, 3, 4, 5]))
        let writers = (0..<count).map { _ in
            Task { () -> Bool in
                do {
                    try await channel.waitForRoom()
                    return true
                } catch {
                    return false
                }
            }
        }
        for _ in 0..<6_000 where channel.waitingWriterCount < count { try await Task.sleep(for: .milliseconds(5)) }
        #expect(channel.waitingWriterCount == count, "every writer waits")
        return (channel, writers)
    }

    // Two writers of one body (events and heartbeats of GET /api/events?follow=1) both waited:
    // the channel kept one, and the other's task never resumed, not even when the client left.
    @Test func everyWaitingWriterFailsWhenTheConnectionCloses() async throws {
        let (channel, writers) = try await Self.channelWithWaitingWriters(2)
        channel.close()
        for writer in writers { #expect(await writer.value == false) }
        #expect(channel.waitingWriterCount == 0)
    }

    @Test func everyWaitingWriterResumesWhenTheBacklogDrains() async throws {
        let (channel, writers) = try await Self.channelWithWaitingWriters(3)
        _ = channel.takeParts()
        channel.reportUnsent(3)
        #expect(channel.waitingWriterCount == 3, "above the low-water mark nobody is woken")
        channel.reportUnsent(0)
        for writer in writers { #expect(await writer.value == true) }
    }
}
