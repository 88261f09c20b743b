/// Object keys, and the checks that keep canonical output sorted and every object free of
/// duplicate keys.
extension JSONWriter {
    /// Writes `"key":` inside an object; the value comes next.
    @inline(__always)
    public mutating func writeKey(_ key: String) {
        var key = key
        key.withUTF8 { writeKey(checkedUTF8: UnsafeRawBufferPointer($0)) }
    }

    /// Writes `"key":` inside an object; the value comes next.
    public mutating func writeKey(_ key: Substring) {
        var key = key
        key.withUTF8 { writeKey(checkedUTF8: UnsafeRawBufferPointer($0)) }
    }

    /// Writes `"key":` for a key given as UTF-8 bytes; bytes that are not well-formed UTF-8 are
    /// refused (recorded as `.invalidUTF8`; `finish()` throws it), never written.
    public mutating func writeKey(utf8 key: UnsafeRawBufferPointer) {
        if let bad = UTF8Validation.firstInvalidOffset(in: key) {
            fail(.invalidUTF8, at: length, "key byte \(bad) does not start a well-formed UTF-8 character")
        }
        writeKey(checkedUTF8: key)
    }

    /// Writes a key whose bytes are known to be well-formed UTF-8.
    @inline(__always)
    mutating func writeKey(checkedUTF8 key: UnsafeRawBufferPointer) {
        guard current.kind == .object, !current.hasPendingKey else {
            let detail = current.kind == .object ? "two keys in a row; write the first one's value" : "writeKey(_:) outside an object"
            return fail(.invalidStructure, at: length, detail)
        }
        let hasMembers = current.count > 0
        if hasMembers { checkKey(key, at: length + 1) }
        let isPlain = !StringEscaping.needsEscaping(key)
        let record: KeyRecord
        if isPlain {
            if keyOrder == .sorted, current.previousKey?.isInSideKeys == true { dropSideKeys(from: current.sideBase) }
            record = KeyRecord(start: length + (hasMembers ? 2 : 1), count: key.count, isInSideKeys: false)
        } else {
            // Its written form differs from its value: keep the value aside for comparisons.
            if keyOrder == .sorted { dropSideKeys(from: current.sideBase) }  // only the latest key is needed
            record = KeyRecord(start: sideKeys.count, count: key.count, isInSideKeys: true)
            sideKeys.append(contentsOf: key)
        }
        if keyOrder == .sorted {
            current.previousKey = record
        } else {
            keyRecords.append(record)
        }
        // `,"key":` in one write.
        let quotedLength = isPlain ? key.count + 2 : StringEscaping.escapedLength(key)
        writeBytes(reserving: quotedLength + 2) { destination in
            var position = 0
            if hasMembers {
                destination[0] = UInt8(ascii: ",")
                position = 1
            }
            position += isPlain ? StringEscaping.writeQuotedPlain(key, to: destination + position)
                                : StringEscaping.writeQuotedEscaped(key, to: destination + position)
            destination[position] = UInt8(ascii: ":")
            return position + 1
        }
        current.count += 1
        current.hasPendingKey = true
    }

    /// Forgets the side-stored key bytes from `start` on.
    @inline(__always)
    mutating func dropSideKeys(from start: Int) {
        if sideKeys.count > start { sideKeys.removeLast(sideKeys.count - start) }
    }

    /// Checks a new key against the current object's earlier keys.
    @inline(__always)
    private mutating func checkKey(_ key: UnsafeRawBufferPointer, at offset: Int) {
        if keyOrder == .sorted {
            guard let previous = current.previousKey else { return }
            let order = withBytes(of: previous) { RawBytes.compare($0, key) }
            if order < 0 { return }
            let shown = JSONError.quoted(UnsafeRawBufferPointer(key))
            if order == 0 { return fail(.duplicateKey, at: offset, "\(shown) written twice in one object") }
            let before = withBytes(of: previous) { JSONError.quoted($0) }
            return fail(.keyOutOfOrder, at: offset,
                        "\(shown) written after \(before); sorted objects need keys in increasing UTF-8 byte order (use writeObject(sortingKeys:) for keys that are data)")
        }
        guard current.count < Self.linearKeyLimit else { return }  // checked by sorting at the end
        for record in keyRecords[current.recordBase...] where record.count == key.count {
            if withBytes(of: record, { RawBytes.compare($0, key) }) == 0 {
                return fail(.duplicateKey, at: offset, "\(JSONError.quoted(UnsafeRawBufferPointer(key))) written twice in one object")
            }
        }
    }

    /// For an as-written object with many keys: sorts its keys and compares neighbours.
    mutating func checkDuplicatesBySorting() {
        let records = Array(keyRecords[current.recordBase...])
        let order = records.indices.sorted { a, b in
            withBytes(of: records[a]) { left in withBytes(of: records[b]) { right in RawBytes.compare(left, right) < 0 } }
        }
        for (a, b) in zip(order, order.dropFirst()) {
            let same = withBytes(of: records[a]) { left in withBytes(of: records[b]) { right in RawBytes.compare(left, right) == 0 } }
            if same {
                let shown = withBytes(of: records[b]) { JSONError.quoted($0) }
                return fail(.duplicateKey, at: current.start, "\(shown) written twice in the object")
            }
        }
    }

    /// Runs `body` over a recorded key's bytes.
    @inline(__always)
    private func withBytes<Result>(of record: KeyRecord, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let bytes = record.isInSideKeys ? sideKeys : storage
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[record.start..<(record.start + record.count)])) }
    }
}
