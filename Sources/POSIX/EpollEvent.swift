/// One readiness report from `Kernel.waitForEvents(on:maxEvents:timeout:)`.
public struct EpollEvent: Sendable, Hashable {
    /// What the descriptor is ready for.
    public var events: EpollEvents
    /// The value given when the descriptor was registered (typically its number or a connection id).
    public var data: UInt64

    /// An event with `events` and `data`.
    public init(events: EpollEvents, data: UInt64) {
        self.events = events
        self.data = data
    }
}
