#if canImport(Glibc)
import Glibc
#endif

/// One change reported by an inotify descriptor (`struct inotify_event`).
public struct InotifyEvent: Sendable, Hashable {
    /// A watch: which path an event is about (`inotify_add_watch`'s result).
    public struct Watch: RawRepresentable, Sendable, Hashable {
        /// The kernel's watch descriptor.
        public let rawValue: Int32
        /// Wraps a watch descriptor.
        public init(rawValue: Int32) { self.rawValue = rawValue }
    }

    /// Kinds of change (the `IN_…` bits), both to ask for and as reported.
    public struct Mask: OptionSet, Sendable, Hashable {
        /// The `IN_…` bits.
        public let rawValue: UInt32
        /// Wraps `IN_…` bits.
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// `IN_MODIFY`: the file was written (a journal segment grew).
        public static let modified = Mask(rawValue: UInt32(IN_MODIFY))
        /// `IN_ATTRIB`: metadata changed (permissions, timestamps, link count).
        public static let attributesChanged = Mask(rawValue: UInt32(IN_ATTRIB))
        /// `IN_CLOSE_WRITE`: a file open for writing was closed.
        public static let closedAfterWriting = Mask(rawValue: UInt32(IN_CLOSE_WRITE))
        /// `IN_MOVED_FROM`: a name left the watched folder.
        public static let movedFrom = Mask(rawValue: UInt32(IN_MOVED_FROM))
        /// `IN_MOVED_TO`: a name arrived in the watched folder (the segment index was renamed in).
        public static let movedTo = Mask(rawValue: UInt32(IN_MOVED_TO))
        /// `IN_CREATE`: a name was created in the watched folder (a new segment).
        public static let created = Mask(rawValue: UInt32(IN_CREATE))
        /// `IN_DELETE`: a name was removed from the watched folder.
        public static let deleted = Mask(rawValue: UInt32(IN_DELETE))
        /// `IN_DELETE_SELF`: the watched path itself was removed.
        public static let deletedSelf = Mask(rawValue: UInt32(IN_DELETE_SELF))
        /// `IN_MOVE_SELF`: the watched path itself was moved.
        public static let movedSelf = Mask(rawValue: UInt32(IN_MOVE_SELF))
        /// `IN_IGNORED` (reported only): the watch is gone (removed, or its path deleted).
        public static let ignored = Mask(rawValue: UInt32(IN_IGNORED))
        /// `IN_Q_OVERFLOW` (reported only): events were dropped; rescan instead of trusting the stream.
        public static let overflowed = Mask(rawValue: UInt32(IN_Q_OVERFLOW))
        /// `IN_ISDIR` (reported only): the subject is a folder.
        public static let isDirectory = Mask(rawValue: UInt32(IN_ISDIR))
    }

    /// The watch the event belongs to (−1 for `.overflowed`).
    public var watch: Watch
    /// What happened.
    public var mask: Mask
    /// Pairs the `.movedFrom` and `.movedTo` halves of one rename; 0 otherwise.
    public var cookie: UInt32
    /// For a watched folder, the name inside it that changed; nil for the watched path itself.
    public var name: String?

    /// An event as described.
    public init(watch: Watch, mask: Mask, cookie: UInt32, name: String?) {
        self.watch = watch
        self.mask = mask
        self.cookie = cookie
        self.name = name
    }

    /// The fixed part of `struct inotify_event` (wd, mask, cookie, len): 16 bytes, before the name.
    static let headerSize = 16

    /// The events in `bytes` as returned by one `read` (which never splits an event).
    static func parse(_ bytes: UnsafeRawBufferPointer) -> [InotifyEvent] {
        var events: [InotifyEvent] = []
        var offset = 0
        while offset + headerSize <= bytes.count {
            let watch = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            precondition(nameStart + length <= bytes.count, "inotify read split an event")
            // The name is NUL-padded to an alignment boundary.
            let nameBytes = bytes[nameStart..<(nameStart + length)].prefix(while: { $0 != 0 })
            let name = nameBytes.isEmpty ? nil : String(decoding: nameBytes, as: UTF8.self)
            events.append(InotifyEvent(watch: Watch(rawValue: watch), mask: Mask(rawValue: mask), cookie: cookie, name: name))
            offset = nameStart + length
        }
        return events
    }
}
