/// Why a tar header could not be read.
struct TarHeaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the block.
    var message: String

    var description: String { message }
}

/// One ustar member header (BackupFormat.swift, USTAR MEMBER HEADER): the fields a backup uses.
struct TarHeader: Sendable, Equatable {
    /// What the member is.
    enum Kind: Sendable, Equatable {
        /// A regular file (typeflag '0').
        case file
        /// A directory (typeflag '5'); its name ends with '/'.
        case directory
    }

    /// The member's path inside the archive.
    var name: String
    /// File or directory.
    var kind: Kind
    /// Data bytes that follow (0 for a directory).
    var size: Int
    /// Modification time, seconds since 1970.
    var modificationTime: Int

    /// The 512 bytes of this header. `name` must fit in 100 bytes and `size` in 11 octal digits.
    func encoded() -> [UInt8] {
        let nameBytes = Array(name.utf8)
        precondition(!nameBytes.isEmpty && nameBytes.count <= BackupFormat.maxNameBytes && !nameBytes.contains(0), "tar member name \(name) does not fit a ustar header")
        precondition(size >= 0 && size <= BackupFormat.maxMemberBytes, "tar member \(name) is too large for a ustar header")
        var block = [UInt8](repeating: 0, count: BackupFormat.blockBytes)
        block.replaceSubrange(0..<nameBytes.count, with: nameBytes)
        TarHeader.putOctal(kind == .directory ? 0o755 : 0o644, digits: 7, into: &block, at: 100)
        TarHeader.putOctal(0, digits: 7, into: &block, at: 108)
        TarHeader.putOctal(0, digits: 7, into: &block, at: 116)
        TarHeader.putOctal(size, digits: 11, into: &block, at: 124)
        TarHeader.putOctal(max(0, modificationTime), digits: 11, into: &block, at: 136)
        block[156] = kind == .directory ? UInt8(ascii: "5") : UInt8(ascii: "0")
        block.replaceSubrange(257..<263, with: Array("ustar\0".utf8))
        block.replaceSubrange(263..<265, with: Array("00".utf8))
        block.replaceSubrange(148..<156, with: repeatElement(UInt8(ascii: " "), count: 8))
        let sum = block.reduce(0) { $0 + Int($1) }
        TarHeader.putOctal(sum, digits: 6, into: &block, at: 148)
        block[155] = UInt8(ascii: " ")
        return block
    }

    /// Reads the header in `block` (512 bytes); nil for an all-NUL block (an end-of-archive
    /// block). Throws naming what is wrong: checksum, magic, a field that is not octal, a member
    /// type a backup never holds.
    static func decode(_ block: UnsafeRawBufferPointer) throws(TarHeaderError) -> TarHeader? {
        precondition(block.count == BackupFormat.blockBytes)
        if block.allSatisfy({ $0 == 0 }) { return nil }
        guard let recorded = octal(block, 148, 8) else { throw TarHeaderError(message: "the header's checksum field is not octal") }
        var unsigned = 0
        var signed = 0
        for (offset, byte) in block.enumerated() {
            let value = (148..<156).contains(offset) ? UInt8(ascii: " ") : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        guard recorded == unsigned || recorded == signed else {
            throw TarHeaderError(message: "the header's checksum is \(recorded), its bytes sum to \(unsigned)")
        }
        let magic = Array(block[257..<265])
        guard magic == Array("ustar\u{0}00".utf8) || magic == Array("ustar  \u{0}".utf8) else {
            throw TarHeaderError(message: "the header is not ustar (no \"ustar\" magic at byte 257)")
        }
        let name = text(block, 0, 100)
        let prefix = text(block, 345, 155)
        let path = prefix.isEmpty ? name : prefix + "/" + name
        guard let size = octal(block, 124, 12) else { throw TarHeaderError(message: "member \(path): the size field is not octal") }
        let time = octal(block, 136, 12) ?? 0
        let kind: Kind
        switch block[156] {
        case UInt8(ascii: "0"), 0: kind = .file
        case UInt8(ascii: "5"): kind = .directory
        case let flag:
            throw TarHeaderError(message: "member \(path) has type '\(Character(Unicode.Scalar(flag)))' (a link, device or extended header), which a backup never holds")
        }
        return TarHeader(name: path, kind: kind, size: kind == .directory ? 0 : size, modificationTime: time)
    }

    /// Writes `value` as `digits` zero-padded octal digits and a NUL at `offset`.
    private static func putOctal(_ value: Int, digits: Int, into block: inout [UInt8], at offset: Int) {
        var rest = value
        for position in stride(from: offset + digits - 1, through: offset, by: -1) {
            block[position] = UInt8(ascii: "0") + UInt8(rest & 7)
            rest >>= 3
        }
        precondition(rest == 0, "\(value) does not fit \(digits) octal digits")
        block[offset + digits] = 0
    }

    /// The octal number in the field at `offset`: leading spaces allowed, ended by NUL, space or
    /// the field's end; nil when it holds anything else or no digit.
    private static func octal(_ block: UnsafeRawBufferPointer, _ offset: Int, _ length: Int) -> Int? {
        var value = 0
        var digits = 0
        var position = offset
        while position < offset + length && block[position] == UInt8(ascii: " ") { position += 1 }
        while position < offset + length {
            let byte = block[position]
            if byte == 0 || byte == UInt8(ascii: " ") { break }
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(byte), digits < 21 else { return nil }
            value = value << 3 | Int(byte - UInt8(ascii: "0"))
            digits += 1
            position += 1
        }
        return digits > 0 ? value : nil
    }

    /// The NUL-terminated text in the field at `offset`.
    private static func text(_ block: UnsafeRawBufferPointer, _ offset: Int, _ length: Int) -> String {
        let field = block[offset..<(offset + length)]
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[..<end], as: UTF8.self)
    }
}
