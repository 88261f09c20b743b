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
            fail(.invalidUTF8, at: bytes.count, "key byte \(bad) does not start a well-formed UTF-8 character")
        }
        writeKey(checkedUTF8: key)
    }

    /// Writes a key whose bytes are known to be well-formed UTF-8.
    @inline(__always)
    mutating func writeKey(checkedUTF8 key: UnsafeRawBufferPointer) {
        guard current.kind == .object, !current.hasPendingKey else {
            let detail = current.kind == .object ? "two keys in a row; write the first one's value" : "writeKey(_:) outside an object"
            return fail(.invalidStructure, at: bytes.count, detail)
        }
        if current.count > 0 { bytes.append(UInt8(ascii: ",")) }
        let quoteOffset = bytes.count
        if current.count > 0 { checkKey(key, at: quoteOffset) }
        var record = KeyRecord(start: quoteOffset + 1, count: key.count, isInSideKeys: false)
        if keyOrder == .sorted {
            // Only the latest key matters for the order check.
            sideKeys.removeSubrange(current.sideBase...)
            keyRecords.removeSubrange(current.recordBase...)
        }
        if StringEscaping.needsEscaping(key) {
            record = KeyRecord(start: sideKeys.count, count: key.count, isInSideKeys: true)
            sideKeys.append(contentsOf: key)
        }
        keyRecords.append(record)
        StringEscaping.appendQuoted(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        current.count += 1
        current.hasPendingKey = true
    }

    /// Checks a new key against the current object's earlier keys.
    @inline(__always)
    private mutating func checkKey(_ key: UnsafeRawBufferPointer, at offset: Int) {
        let records = keyRecords[current.recordBase...]
        if keyOrder == .sorted {
            guard let previous = records.last else { return }
            let order = withBytes(of: previous) { RawBytes.compare($0, key) }
            if order < 0 { return }
            let shown = JSONError.quoted(UnsafeRawBufferPointer(key))
            if order == 0 { return fail(.duplicateKey, at: offset, "\(shown) written twice in one object") }
            let before = withBytes(of: previous) { JSONError.quoted($0) }
            return fail(.keyOutOfOrder, at: offset,
                        "\(shown) written after \(before); sorted objects need keys in increasing UTF-8 byte order (use writeObject(sortingKeys:) for keys that are data)")
        }
        guard current.count < Self.linearKeyLimit else { return }  // checked by sorting at the end
        for record in records where record.count == key.count {
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
        let storage = record.isInSideKeys ? sideKeys : bytes
        return storage.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[record.start..<(record.start + record.count)])) }
    }
}
