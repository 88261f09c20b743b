/// The bytes of one direction of an HTTP/1.1 connection as they arrive, taken a CRLF line or a
/// run of body bytes at a time: the framing layer `RequestParser` and `ResponseParser` share.
///
/// Lines end in CRLF, strictly: a bare LF is reported as such, and the parsers refuse it (see
/// `RequestParser` for why). Memory stays bounded by what the caller has not taken: consumed
/// bytes are dropped once they are worth moving.
struct MessageBuffer: Sendable {
    /// What `readLine(limit:)` found.
    enum Line: Sendable, Hashable {
        /// A whole line, its CRLF consumed; the range (of `self[range]`) excludes the CRLF.
        case line(Range<Int>)
        /// No line end within the limit.
        case tooLong
        /// The line ended in LF without CR.
        case bareLF
    }

    private var bytes: [UInt8] = []
    /// The first byte not yet consumed.
    private var start = 0
    /// Where the search for the next LF resumes (everything before it, from `start`, holds none).
    private var scanFrom = 0

    /// An empty buffer.
    init() {}

    /// How many bytes have arrived and not been consumed.
    var count: Int { bytes.count - start }

    /// The first unconsumed byte, if any.
    var first: UInt8? { count > 0 ? bytes[start] : nil }

    /// The unconsumed byte `offset` places after the first, if it has arrived.
    func byte(at offset: Int) -> UInt8? { offset < count ? bytes[start + offset] : nil }

    /// Bytes of a line `readLine` returned (valid until the next append, consume or take).
    subscript(range: Range<Int>) -> ArraySlice<UInt8> { bytes[range] }

    /// Adds bytes that arrived.
    mutating func append(_ more: some Sequence<UInt8>) {
        compact()
        bytes.append(contentsOf: more)
    }

    /// Adds bytes that arrived.
    mutating func append(_ more: UnsafeRawBufferPointer) {
        compact()
        bytes.append(contentsOf: more)
    }

    /// The next line without its CRLF, consumed; nil when it has not all arrived. A line longer
    /// than `limit` bytes (CRLF included) is `.tooLong`, reported as soon as that many bytes
    /// hold no LF.
    mutating func readLine(limit: Int) -> Line? {
        guard let newline = bytes[scanFrom...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanFrom = bytes.count
            return count > limit ? .tooLong : nil
        }
        if newline + 1 - start > limit { return .tooLong }
        guard newline > start, bytes[newline - 1] == UInt8(ascii: "\r") else { return .bareLF }
        let line = start..<newline - 1
        consume(newline + 1 - start)
        return .line(line)
    }

    /// `readLine(limit:)` with its two refusals as the caller's errors: nil for "need more", the
    /// line's range, or `tooLong` / `bareLF`.
    mutating func readLine<Failure: Error>(limit: Int, tooLong: @autoclosure () -> Failure,
                                           bareLF: @autoclosure () -> Failure) -> Result<Range<Int>, Failure>? {
        switch readLine(limit: limit) {
        case nil: return nil
        case .line(let range)?: return .success(range)
        case .tooLong?: return .failure(tooLong())
        case .bareLF?: return .failure(bareLF())
        }
    }

    /// Up to `limit` of the bytes that have arrived, consumed (empty when none have).
    mutating func take(upTo limit: Int) -> [UInt8] {
        let taken = min(limit, count)
        defer { consume(taken) }
        return Array(bytes[start..<start + taken])
    }

    /// Drops the next `count` bytes.
    mutating func consume(_ count: Int) {
        start += count
        scanFrom = max(scanFrom, start)
    }

    /// Drops everything (after a failure, nothing more is parsed).
    mutating func removeAll() {
        bytes = []
        start = 0
        scanFrom = 0
    }

    /// Drops consumed bytes once they are worth moving (so the buffer does not grow with the connection).
    private mutating func compact() {
        guard start > 0, start == bytes.count || start >= 4096 else { return }
        bytes.removeSubrange(0..<start)
        scanFrom -= start
        start = 0
    }
}
