/// An object's members, the scanner's hot loop: a quick pass over the common case, and the
/// general steps for everything else.
///
/// `scanMembers(depth:storage:)` is `scanKey()`, `KeySet.insert`, `scanColon()`,
/// `scanValue(depth:)`, `scanSeparator(closing:)` over and over. `scanMembersQuickly` runs the
/// same cycle for minified, ASCII, unescaped text with scalar values, and stops, at the start of
/// the step it cannot take, for anything else (whitespace, an escape, a non-ASCII byte, a nested
/// container, the end of the input, an error): that step then runs in its general form at the same
/// offset, and the quick pass resumes after it. So every error, and its offset, comes from the
/// general steps, exactly as before.
///
/// The quick pass is a function of its own (no calls in its loop, pointers rather than an index
/// and a count), so the compiler keeps the cursor, the end, the key set and the vector constants
/// of the string test in registers. Measured with callgrind on 200,000 events of the benchmark
/// stream (BenchStream data, 185 bytes on average): `isMinifiedObject` costs 1,365 instructions
/// per event (7.4 per byte), 1,240 of them in this pass; the loop it replaced (the same steps,
/// through `offset`, one call per token) cost 2,751 (14.9 per byte); the same steps written out
/// inline over an index, tried on the way, 1,616, the compiler spilling its registers.
extension JSONScanner {
    /// The step of the member cycle that comes next.
    enum MemberStep: UInt8 {
        /// The key (the cursor is where its opening quote must be).
        case key
        /// The colon after the key.
        case colon
        /// The value after the colon.
        case value
        /// The `,` before the next key, or the closing `}`.
        case separator
        /// The object is finished (the cursor is after its `}`).
        case done
    }

    /// Scans the members of an object from its first key (at `offset`) to its `}`, keys
    /// recorded in `storage` (`KeySet.Storage.wordCount` words); the object is at `depth`.
    @inline(__always)
    mutating func scanMembers(depth: Int, storage: UnsafeMutablePointer<UInt64>) throws(JSONError) {
        var keys = KeySet()
        let (cursor, stop) = Self.scanMembersQuickly(from: base + offset, end: base + count, start: base, keys: &keys, storage: storage)
        offset = cursor - base
        // A minified object of scalars ends in the quick pass; the rest takes a call.
        guard stop != .done else { return }
        try scanMembers(from: stop, keys: keys, depth: depth, storage: storage)
    }

    /// `scanMembers(depth:storage:)` from the step at `offset` where the quick pass stopped.
    @inline(never)
    mutating func scanMembers(from stop: MemberStep, keys: KeySet, depth: Int, storage: UnsafeMutablePointer<UInt64>) throws(JSONError) {
        var keys = keys
        var step = stop
        while true {
            switch step {
            case .key:
                let key = try scanKey()
                if keys.isFull {
                    return try scanMembers(startingWith: key, table: KeyTable(moving: keys, storage: storage, in: bytes), depth: depth)
                }
                try keys.insert(key, in: self, storage: storage)
                step = .colon
            case .colon:
                try scanColon()
                step = .value
            case .value:
                try scanValue(depth: depth &+ 1)
                step = .separator
            case .separator:
                guard try scanSeparator(closing: UInt8(ascii: "}")) else { return }
                let (cursor, stop) = Self.scanMembersQuickly(from: base + offset, end: base + count, start: base, keys: &keys, storage: storage)
                offset = cursor - base
                step = stop
            case .done:
                return
            }
        }
    }

    /// Runs the member cycle from the key at `cursor` while the text is in the common case;
    /// returns where it stopped and the step to take there in the general form (`.done` after the
    /// object's `}`). `end` is the end of the input and `start` its first byte.
    @inline(never)
    static func scanMembersQuickly(from cursor: UnsafeRawPointer, end: UnsafeRawPointer, start: UnsafeRawPointer,
                                   keys: inout KeySet, storage: UnsafeMutablePointer<UInt64>) -> (UnsafeRawPointer, MemberStep) {
        // A copy, so it lives in registers; stored back on the way out.
        var set = keys
        defer { keys = set }
        var cursor = cursor
        while true {
            // The key: plain ASCII to its closing quote, and not yet in the set.
            guard cursor < end, cursor.load(as: UInt8.self) == UInt8(ascii: "\""), !set.isFull else { return (cursor, .key) }
            let closing = nextByteNeedingAttention(from: cursor + 1, end: end, start: start)
            guard closing < end, closing.load(as: UInt8.self) == UInt8(ascii: "\""),
                  set.insertIfNew(unescapedKeyFrom: cursor, to: closing, in: start, end: end, storage: storage) else {
                return (cursor, .key)
            }
            // The colon and the value. `:"` (0x3A 0x22), a string, is the usual case.
            if end - closing >= 3, UInt16(littleEndian: closing.loadUnaligned(fromByteOffset: 1, as: UInt16.self)) == 0x223A {
                let value = closing + 2
                let valueClosing = nextByteNeedingAttention(from: value + 1, end: end, start: start)
                guard valueClosing < end, valueClosing.load(as: UInt8.self) == UInt8(ascii: "\"") else { return (value, .value) }
                cursor = valueClosing + 1
            } else {
                guard let value = colon(at: closing + 1, end: end) else { return (closing + 1, .colon) }
                guard let valueEnd = nonStringScalar(at: value, end: end) else { return (value, .value) }
                cursor = valueEnd
            }
            // `,"` (0x2C 0x22) before the next key, or the closing brace.
            if end - cursor >= 2, UInt16(littleEndian: cursor.loadUnaligned(as: UInt16.self)) == 0x222C {
                cursor += 1
                continue
            }
            guard cursor < end, cursor.load(as: UInt8.self) == UInt8(ascii: "}") else { return (cursor, .separator) }
            return (cursor + 1, .done)
        }
    }

    /// The value's first byte after the colon at `cursor`, if the colon is there with the value
    /// right after it (what `scanColon()` takes without skipping whitespace).
    @inline(__always)
    static func colon(at cursor: UnsafeRawPointer, end: UnsafeRawPointer) -> UnsafeRawPointer? {
        guard end - cursor >= 2, cursor.load(as: UInt8.self) == UInt8(ascii: ":"),
              cursor.load(fromByteOffset: 1, as: UInt8.self) > 0x20 else { return nil }
        return cursor + 1
    }

    /// The end of the number or literal at `cursor` (before `end`); nil for anything else, a
    /// string included (for `scanValue(depth:)`).
    @inline(__always)
    static func nonStringScalar(at cursor: UnsafeRawPointer, end: UnsafeRawPointer) -> UnsafeRawPointer? {
        guard cursor < end else { return nil }
        let byte = cursor.load(as: UInt8.self)
        if byte == UInt8(ascii: "-") || isDigit(byte) { return endOfNumber(from: cursor, end: end) }
        // A literal, four bytes at once (the bytes of "true" are 0x74 0x72 0x75 0x65, lowest
        // first, so the word is 0x65757274).
        guard end - cursor >= 4 else { return nil }
        let word = UInt32(littleEndian: cursor.loadUnaligned(as: UInt32.self))
        if word == 0x6575_7274 || word == 0x6C6C_756E { return cursor + 4 }  // true, null
        if word == 0x736C_6166, end - cursor >= 5, cursor.load(fromByteOffset: 4, as: UInt8.self) == UInt8(ascii: "e") { return cursor + 5 }
        return nil
    }

    /// The end of the well-formed number at `cursor` (before `end`); nil if it is not one
    /// (`scanNumber()` then says why).
    @inline(__always)
    static func endOfNumber(from cursor: UnsafeRawPointer, end: UnsafeRawPointer) -> UnsafeRawPointer? {
        var cursor = cursor
        if cursor.load(as: UInt8.self) == UInt8(ascii: "-") { cursor += 1 }
        guard cursor < end else { return nil }
        if cursor.load(as: UInt8.self) == UInt8(ascii: "0") {
            cursor += 1
            if cursor < end, isDigit(cursor.load(as: UInt8.self)) { return nil }
        } else {
            guard isDigit(cursor.load(as: UInt8.self)) else { return nil }
            cursor = endOfDigits(from: cursor + 1, end: end)
        }
        guard cursor < end else { return cursor }
        if cursor.load(as: UInt8.self) == UInt8(ascii: ".") {
            cursor += 1
            guard cursor < end, isDigit(cursor.load(as: UInt8.self)) else { return nil }
            cursor = endOfDigits(from: cursor + 1, end: end)
            guard cursor < end else { return cursor }
        }
        if cursor.load(as: UInt8.self) | 0x20 == UInt8(ascii: "e") {
            cursor += 1
            if cursor < end, cursor.load(as: UInt8.self) == UInt8(ascii: "+") || cursor.load(as: UInt8.self) == UInt8(ascii: "-") {
                cursor += 1
            }
            guard cursor < end, isDigit(cursor.load(as: UInt8.self)) else { return nil }
            cursor = endOfDigits(from: cursor + 1, end: end)
        }
        return cursor
    }

    /// The first byte from `cursor` on that is not a digit (`end` if none): eight bytes at a
    /// time while eight remain (see `bytesNotDigits(_:)`), then one by one.
    @inline(__always)
    static func endOfDigits(from cursor: UnsafeRawPointer, end: UnsafeRawPointer) -> UnsafeRawPointer {
        var cursor = cursor
        while end - cursor >= 8 {
            let nonDigits = bytesNotDigits(UInt64(littleEndian: cursor.loadUnaligned(as: UInt64.self)))
            if nonDigits != 0 { return cursor + nonDigits.trailingZeroBitCount &>> 3 }
            cursor += 8
        }
        while cursor < end, isDigit(cursor.load(as: UInt8.self)) { cursor += 1 }
        return cursor
    }
}
