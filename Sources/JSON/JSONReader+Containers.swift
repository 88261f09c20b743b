/// Objects and arrays, read member by member: `beginObject()` then `nextKey(in:)` until nil;
/// `beginArray()` then `nextElement(in:)` until false.
extension JSONReader {
    /// An object being read: its keys so far (for duplicate refusal) and where its current
    /// member's value starts. Pass it back to `nextKey(in:)` until that returns nil.
    public struct OpenObject {
        /// Offset of the object's `{` (for a decoder's `JSONError.missingKey(_:inObjectAt:)`).
        public let startOffset: Int
        /// The reader's depth inside this object.
        let depth: Int
        /// Offset of the current member's value; -1 before the first key.
        var valueStart = -1
        /// Whether the closing `}` has been read.
        var isClosed = false
        /// The first keys read.
        var keys = KeySet()
        /// Where `keys` records them.
        var keyStorage = KeySet.Storage()
        /// All keys read, once there are more than `keys` holds.
        var keyTable: KeyTable? = nil
    }

    /// An array being read. Pass it back to `nextElement(in:)` until that returns false.
    public struct OpenArray {
        /// Offset of the array's `[`.
        public let startOffset: Int
        /// The reader's depth inside this array.
        let depth: Int
        /// Offset of the current element; -1 before the first.
        var elementStart = -1
        /// Whether the closing `]` has been read.
        var isClosed = false
        /// Elements announced by `nextElement(in:)` so far.
        public internal(set) var count = 0
    }

    /// Reads the `{` of an object; then call `nextKey(in:)` until it returns nil.
    public mutating func beginObject() throws(JSONError) -> OpenObject {
        guard try nextValueByte() == UInt8(ascii: "{") else { throw mismatch(expected: "an object") }
        guard depth < scanner.maximumDepth else { throw scanner.tooDeep() }
        let start = scanner.offset
        scanner.offset += 1
        depth += 1
        return OpenObject(startOffset: start, depth: depth)
    }

    /// The next member's key, with the reader at its value; nil once the object's `}` is read.
    ///
    /// Read the value (or not: a value the caller leaves unread is skipped, and still checked,
    /// on the next call). Throws `.duplicateKey` for a key the object already had, whether or not
    /// the caller reads it. The key is valid until the next call on this reader.
    public mutating func nextKey(in object: inout OpenObject) throws(JSONError) -> JSONKey? {
        guard !object.isClosed else { return nil }
        try checkInnermost(object.depth, startingAt: object.startOffset)
        if object.valueStart < 0 {
            scanner.skipWhitespace()
            if scanner.current == UInt8(ascii: "}") {
                scanner.offset += 1
                close(&object.isClosed)
                return nil
            }
        } else {
            if scanner.offset == object.valueStart { try skipValue() }
            guard try scanner.scanSeparator(closing: UInt8(ascii: "}")) else {
                close(&object.isClosed)
                return nil
            }
        }
        let key = try scanner.scanKey()
        if let table = object.keyTable {
            try table.insertOrRefuse(key, in: scanner.bytes)
        } else if object.keys.isFull {
            let table = object.keyStorage.withWords { words in KeyTable(moving: object.keys, storage: words, in: scanner.bytes) }
            object.keyTable = table
            try table.insertOrRefuse(key, in: scanner.bytes)
        } else {
            let scanner = scanner
            try object.keyStorage.withWords { (words) throws(JSONError) in try object.keys.insert(key, in: scanner, storage: words) }
        }
        try scanner.scanColon()
        object.valueStart = scanner.offset
        return JSONKey(key, in: scanner.bytes)
    }

    /// Reads the `[` of an array; then call `nextElement(in:)` until it returns false.
    public mutating func beginArray() throws(JSONError) -> OpenArray {
        guard try nextValueByte() == UInt8(ascii: "[") else { throw mismatch(expected: "an array") }
        guard depth < scanner.maximumDepth else { throw scanner.tooDeep() }
        let start = scanner.offset
        scanner.offset += 1
        depth += 1
        return OpenArray(startOffset: start, depth: depth)
    }

    /// True with the reader at the next element; false once the array's `]` is read. An element
    /// the caller leaves unread is skipped (and still checked) on the next call.
    public mutating func nextElement(in array: inout OpenArray) throws(JSONError) -> Bool {
        guard !array.isClosed else { return false }
        try checkInnermost(array.depth, startingAt: array.startOffset)
        if array.elementStart < 0 {
            scanner.skipWhitespace()
            if scanner.current == UInt8(ascii: "]") {
                scanner.offset += 1
                close(&array.isClosed)
                return false
            }
        } else {
            if scanner.offset == array.elementStart { try skipValue() }
            guard try scanner.scanSeparator(closing: UInt8(ascii: "]")) else {
                close(&array.isClosed)
                return false
            }
        }
        array.elementStart = scanner.offset
        array.count += 1
        return true
    }

    /// Reads a whole array of `Element`s.
    public mutating func readArray<Element: JSONDecodable>(of type: Element.Type) throws(JSONError) -> [Element] {
        var array = try beginArray()
        var elements: [Element] = []
        while try nextElement(in: &array) {
            elements.append(try Element(from: &self))
        }
        return elements
    }

    /// Throws unless the container begun at `depth` is the innermost open one.
    @inline(__always)
    private func checkInnermost(_ containerDepth: Int, startingAt start: Int) throws(JSONError) {
        guard containerDepth == depth else {
            throw JSONError(.unfinishedContainer, at: scanner.offset,
                            "the container at byte \(start) was resumed while one inside it is still open; read the inner one to its end first")
        }
    }

    /// Marks a container finished.
    @inline(__always)
    private mutating func close(_ isClosed: inout Bool) {
        isClosed = true
        depth -= 1
    }
}
