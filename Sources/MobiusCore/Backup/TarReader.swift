/// Reads a ustar archive fed in pieces (BackupFormat.swift): a pure decoder, like a frame
/// decoder — `next(from:)` takes bytes off the front of its input and returns the next event,
/// or nil when it needs more bytes.
///
/// Data is handed out as slices of the caller's input (no copy); only a header split across two
/// pieces is gathered. After the two end blocks everything must be NUL.
struct TarReader {
    /// What the archive holds next.
    enum Event {
        /// A member begins; `size` bytes of `.data` follow for a file.
        case member(TarHeader)
        /// The next bytes of the current member, a slice of the input.
        case data(UnsafeRawBufferPointer)
        /// The current member's data is complete.
        case memberEnd
        /// The first end block: no member follows.
        case archiveEnd
    }

    private enum State {
        case header
        case data(remaining: Int, padding: Int)
        case padding(remaining: Int)
        /// After the first end block: `zeroBlocks` of the second block's bytes seen.
        case trailer
    }

    private var state = State.header
    private var block: [UInt8] = []
    /// Archive bytes consumed so far (for error offsets).
    private(set) var offset = 0
    /// NUL bytes read after the first end block.
    private var trailerBytes = 0

    /// A reader at the start of an archive.
    init() { block.reserveCapacity(BackupFormat.blockBytes) }

    /// The next event from the front of `input` (which it shortens), or nil once `input` is
    /// used up without completing one.
    mutating func next(from input: inout UnsafeRawBufferPointer) throws(TarHeaderError) -> Event? {
        while true {
            switch state {
            case .header:
                guard let header = try readBlock(from: &input) else { return nil }
                let outcome = header.withUnsafeBytes { raw in Result { () throws(TarHeaderError) in try TarHeader.decode(raw) } }
                guard let decoded = try outcome.get() else {
                    state = .trailer
                    return .archiveEnd
                }
                let padding = (BackupFormat.blockBytes - decoded.size % BackupFormat.blockBytes) % BackupFormat.blockBytes
                state = .data(remaining: decoded.size, padding: padding)
                return .member(decoded)
            case .data(let remaining, let padding):
                if remaining == 0 {
                    state = .padding(remaining: padding)
                    return .memberEnd
                }
                guard !input.isEmpty else { return nil }
                let count = min(remaining, input.count)
                let slice = UnsafeRawBufferPointer(rebasing: input[..<count])
                consume(count, of: &input)
                state = .data(remaining: remaining - count, padding: padding)
                return .data(slice)
            case .padding(let remaining):
                if remaining == 0 {
                    state = .header
                    continue
                }
                guard !input.isEmpty else { return nil }
                let count = min(remaining, input.count)
                if let bad = input[..<count].firstIndex(where: { $0 != 0 }) {
                    throw TarHeaderError(message: "the padding after a member holds a byte other than NUL at archive byte \(offset + bad)")
                }
                consume(count, of: &input)
                state = .padding(remaining: remaining - count)
            case .trailer:
                guard !input.isEmpty else { return nil }
                if let bad = input.firstIndex(where: { $0 != 0 }) {
                    throw TarHeaderError(message: "there are bytes other than NUL at archive byte \(offset + bad), after the end of the archive")
                }
                trailerBytes += input.count
                consume(input.count, of: &input)
            }
        }
    }

    /// Checks that the archive ended as `TarWriter` ends it: an end block, and the second one.
    func finish() throws(TarHeaderError) {
        switch state {
        case .trailer where trailerBytes >= BackupFormat.blockBytes: return
        case .trailer: throw TarHeaderError(message: "the archive is cut off after its first end block")
        default: throw TarHeaderError(message: "the archive is cut off at byte \(offset) (inside a member, or before the end blocks)")
        }
    }

    /// The next 512-byte block, gathered across pieces; nil when `input` ran out first.
    private mutating func readBlock(from input: inout UnsafeRawBufferPointer) throws(TarHeaderError) -> [UInt8]? {
        let take = min(BackupFormat.blockBytes - block.count, input.count)
        block.append(contentsOf: input[..<take])
        consume(take, of: &input)
        guard block.count == BackupFormat.blockBytes else { return nil }
        defer { block.removeAll(keepingCapacity: true) }
        return block
    }

    private mutating func consume(_ count: Int, of input: inout UnsafeRawBufferPointer) {
        input = UnsafeRawBufferPointer(rebasing: input[count...])
        offset += count
    }
}
