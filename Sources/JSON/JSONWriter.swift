/// Writes minified JSON into a byte buffer; with `KeyOrder.sorted`, in the canonical form below.
///
/// # Canonical form (`JSONWriter(keyOrder: .sorted)`), byte by byte
///
/// - No whitespace outside strings. Members are `"key":value`, separated by `,`; elements are
///   separated by `,`.
/// - Object keys in strictly increasing order of their UTF-8 bytes, compared as unsigned bytes
///   with a proper prefix first (`""` < `"a"` < `"ab"` < `"b"` < `"é"`): for well-formed UTF-8
///   that is Unicode code point order. (RFC 8785 sorts by UTF-16 code units instead; the two
///   differ only between U+E000–U+FFFF and characters above U+FFFF.) No key twice.
/// - Strings as `StringEscaping` says: only `"`, `\` and U+0000–U+001F are escaped (`\b \f \n
///   \r \t`, otherwise `\u00xx` in lowercase hex); everything else is its UTF-8, as is.
/// - Integers in decimal, exactly (`-9223372036854775808`, `18446744073709551615`).
/// - Doubles as `DoubleFormatting` says: shortest round-trip digits in ECMAScript's layout
///   (`0.1`, `100`, `1e+21`, `1e-7`, `-0`). NaN and infinities are refused.
/// - `true`, `false`, `null`.
///
/// So two writers given equal values write identical bytes. `KeyOrder.asWritten` differs only in
/// keeping the caller's key order (for shapes whose order is part of a contract, like the
/// journal's event envelope); duplicate keys are refused in both.
///
/// # Refusals are loud, not silent
///
/// Writing never throws, so encoders stay simple; instead the first problem (a key out of
/// order, a duplicate key, a NaN, invalid UTF-8, raw bytes that are not one minified value,
/// calls that do not form one value) is recorded with its output offset, and `finish()` throws
/// it. The bytes are only ever handed out by a `finish()` that found nothing wrong, so
/// unsorted "canonical" output cannot escape. Keys known in code are written in order by the
/// encoder (the check costs one comparison with the previous key); keys that are data go
/// through `writeObject(sortingKeys:_:)` or a `[String: Value]`, which sort them.
public struct JSONWriter: Sendable {
    /// How object keys are ordered.
    public enum KeyOrder: Sendable {
        /// In the order written (duplicates still refused).
        case asWritten
        /// Strictly increasing UTF-8 byte order, checked on every key: the canonical form.
        case sorted
    }

    /// The output is `storage[0..<length]`. `storage` runs ahead of `length` (zero-filled), so a
    /// key or value is written with one exclusive access and plain stores: measured, each
    /// `Array.append(contentsOf:)` cost about 100 instructions, more than writing a short key.
    var storage: [UInt8]
    /// Bytes of output so far, the caller's prefix included.
    var length: Int
    /// Bytes the caller handed in before the JSON began (error offsets count from after them).
    private var prefixCount: Int
    /// How keys are ordered and checked.
    public let keyOrder: KeyOrder
    /// The innermost open container (or the top level).
    var current = Level(kind: .top, start: 0, recordBase: 0, sideBase: 0)
    /// The containers around `current`, outermost first.
    var outer: [Level] = []
    /// Every key of the open objects of an as-written writer, for the duplicate check (a sorted
    /// writer keeps each object's latest key in its `Level` instead).
    var keyRecords: [KeyRecord] = []
    /// The bytes of keys whose written form differs from their value (they had escapes).
    var sideKeys: [UInt8] = []
    /// The first problem; `finish()` throws it.
    var firstError: JSONError? = nil

    /// As-written objects with more keys than this are checked for duplicates by sorting at
    /// their end instead of one comparison per earlier key.
    static let linearKeyLimit = 32

    /// A writer appending to `buffer` (empty by default), reserving room for `capacity` bytes.
    public init(keyOrder: KeyOrder = .asWritten, appendingTo buffer: [UInt8] = [], reservingCapacity capacity: Int = 256) {
        self.keyOrder = keyOrder
        storage = buffer
        storage.append(contentsOf: repeatElement(0, count: max(capacity, 16)))
        length = buffer.count
        prefixCount = buffer.count
        current.start = buffer.count
    }

    /// Bytes written so far, the caller's prefix included.
    public var count: Int { length }

    /// The buffer (prefix and one complete JSON value), or the first problem met while writing.
    ///
    /// Either way the writer is empty afterwards and can write the next value.
    public mutating func finish() throws(JSONError) -> [UInt8] {
        defer { reset() }
        if let firstError { throw firstError }
        guard outer.isEmpty, current.kind == .top, current.count == 1 else {
            let detail = current.count == 0 && outer.isEmpty ? "nothing was written" : "\(outer.count) object(s) or array(s) are still open"
            throw JSONError(.invalidStructure, at: length, detail)
        }
        var result: [UInt8] = []
        swap(&result, &storage)
        result.removeLast(result.count - length)
        return result
    }

    /// Empties the writer, keeping its key order.
    private mutating func reset() {
        storage = Array(repeating: 0, count: 256)
        length = 0
        prefixCount = 0
        current = Level(kind: .top, start: 0, recordBase: 0, sideBase: 0)
        outer = []
        keyRecords = []
        sideKeys = []
        firstError = nil
    }

    /// Ensures room for `maximum` more bytes, lets `body` write at the end of the output, and
    /// counts the bytes it says it wrote (at most `maximum`).
    @inline(__always)
    mutating func writeBytes(reserving maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if length &+ maximum > storage.count { grow(toHold: length + maximum) }
        let start = length
        let written = storage.withUnsafeMutableBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            return body(base + start)
        }
        length = start + written
    }

    /// Appends one byte.
    @inline(__always)
    mutating func appendByte(_ byte: UInt8) {
        writeBytes(reserving: 1) { destination in
            destination[0] = byte
            return 1
        }
    }

    /// Grows `storage` (at least doubling it) to hold `needed` bytes.
    private mutating func grow(toHold needed: Int) {
        storage.append(contentsOf: repeatElement(0, count: max(needed, storage.count * 2) - storage.count))
    }

    /// Records `code` at `offset` unless a problem is already recorded.
    mutating func fail(_ code: JSONError.Code, at offset: Int, _ detail: String) {
        if firstError == nil { firstError = JSONError(code, at: offset - prefixCount, detail) }
    }

    // MARK: Structure

    /// What one open container (or the top level) holds so far.
    struct Level {
        enum Kind { case top, object, array }
        /// What kind of container.
        var kind: Kind
        /// Output offset of its `{` or `[`.
        var start: Int
        /// Index of its first record in `keyRecords`.
        var recordBase: Int
        /// Offset of its first bytes in `sideKeys`.
        var sideBase: Int
        /// Members, elements or top-level values written.
        var count = 0
        /// Whether a key was written and its value is still due.
        var hasPendingKey = false
        /// A sorted writer's latest key in this object.
        var previousKey: KeyRecord? = nil
    }

    /// Where a key's value bytes are: in the output (just after its opening quote) or in
    /// `sideKeys` when the written form has escapes.
    struct KeyRecord {
        var start: Int
        var count: Int
        var isInSideKeys: Bool
    }

    /// Bookkeeping before any value: the separator, and the check that a value may come here.
    @inline(__always)
    mutating func willWriteValue() {
        switch current.kind {
        case .object:
            guard current.hasPendingKey else { return fail(.invalidStructure, at: length, "a value inside an object needs writeKey(_:) first") }
            current.hasPendingKey = false
        case .array:
            if current.count > 0 { appendByte(UInt8(ascii: ",")) }
            current.count += 1
        case .top:
            if current.count > 0 { fail(.invalidStructure, at: length, "a writer holds one top-level value; call finish() before the next") }
            current.count += 1
        }
    }

    /// Writes `{`; follow with keys and values, then `endObject()`.
    public mutating func beginObject() {
        willWriteValue()
        outer.append(current)
        current = Level(kind: .object, start: length, recordBase: keyRecords.count, sideBase: sideKeys.count)
        appendByte(UInt8(ascii: "{"))
    }

    /// Writes `}`, closing the innermost object.
    public mutating func endObject() {
        guard current.kind == .object, !current.hasPendingKey else {
            return fail(.invalidStructure, at: length, current.kind == .object ? "the last key has no value" : "endObject() without an open object")
        }
        if keyOrder == .asWritten && current.count > Self.linearKeyLimit { checkDuplicatesBySorting() }
        appendByte(UInt8(ascii: "}"))
        if keyRecords.count > current.recordBase { keyRecords.removeLast(keyRecords.count - current.recordBase) }
        dropSideKeys(from: current.sideBase)
        current = outer.removeLast()
    }

    /// Writes `[`; follow with values, then `endArray()`.
    public mutating func beginArray() {
        willWriteValue()
        outer.append(current)
        current = Level(kind: .array, start: length, recordBase: keyRecords.count, sideBase: sideKeys.count)
        appendByte(UInt8(ascii: "["))
    }

    /// Writes `]`, closing the innermost array.
    public mutating func endArray() {
        guard current.kind == .array else { return fail(.invalidStructure, at: length, "endArray() without an open array") }
        appendByte(UInt8(ascii: "]"))
        current = outer.removeLast()
    }

    /// Writes an object: `{`, whatever `body` writes (keys and values), `}`.
    @inline(__always)
    public mutating func writeObject(_ body: (inout JSONWriter) -> Void) {
        beginObject()
        body(&self)
        endObject()
    }

    /// Writes an array: `[`, whatever values `body` writes, `]`.
    @inline(__always)
    public mutating func writeArray(_ body: (inout JSONWriter) -> Void) {
        beginArray()
        body(&self)
        endArray()
    }
}
