/// Whether a run of characters is a valid IP address, in every written form.
enum IPAddressShape {
    /// Dotted-quad IPv4: four decimal numbers 0…255, no leading zeros beyond a single `0`.
    static func isIPv4(_ run: ArraySlice<UInt8>) -> Bool {
        let parts = run.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy(RedactionScanner.isDigit) else { return false }
            guard part.count == 1 || part.first != UInt8(ascii: "0") else { return false }
            return Int(String(decoding: part, as: UTF8.self))! <= 255
        }
    }

    /// IPv6 per RF 4291 §2.2: eight groups of 1–4 hex digits, one `::` standing for one or more
    /// zero groups, and optionally a dotted-quad IPv4 as the last 32 bits (`::ffff:1.2.3.4`).
    static func isIPv6(_ run: ArraySlice<UInt8>) -> Bool {
        guard run.count >= 2, run.contains(UInt8(ascii: ":")) else { return false }
        let text = Array(run)
        var groups = 0
        var hasDoubleColon = false
        var index = 0
        if text.starts(with: [0x3A, 0x3A]) {
            hasDoubleColon = true
            index = 2
            if index == text.count { return true }  // "::"
        } else if text[0] == UInt8(ascii: ":") {
            return false
        }
        while index < text.count {
            var end = index
            while end < text.count, text[end] != UInt8(ascii: ":") { end += 1 }
            let group = text[index..<end]
            if group.contains(UInt8(ascii: ".")) {
                // An embedded IPv4 must be last and counts as two groups.
                guard end == text.count, isIPv4(group) else { return false }
                groups += 2
                break
            }
            guard (1...4).contains(group.count), group.allSatisfy(RedactionScanner.isHex) else { return false }
            groups += 1
            if end == text.count { break }
            // `end` is a colon: a second one right after is the "::".
            if end + 1 < text.count, text[end + 1] == UInt8(ascii: ":") {
                guard !hasDoubleColon else { return false }
                hasDoubleColon = true
                index = end + 2
                if index == text.count { break }
            } else {
                guard end + 1 < text.count else { return false }
                index = end + 1
            }
        }
        return hasDoubleColon ? groups < 8 : groups == 8
    }
}

/// Whether digits at a position form a card number or an SSN-shaped number.
enum NumberShape {
    /// The end of a card number starting at `start`: 13–19 digits, optionally grouped with
    /// single spaces or dashes, not followed by another digit, passing the Luhn check.
    static func cardNumberEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var digits: [UInt8] = []
        var index = start
        var end: Int?
        while index < bytes.count {
            let byte = bytes[index]
            if RedactionScanner.isDigit(byte) {
                digits.append(byte - 0x30)
                index += 1
                if (13...19).contains(digits.count), index == bytes.count || !RedactionScanner.isDigit(bytes[index]) {
                    let followedByGroup = index + 1 < bytes.count && (bytes[index] == 0x20 || bytes[index] == UInt8(ascii: "-"))
                        && RedactionScanner.isDigit(bytes[index + 1])
                    if passesLuhn(digits) { end = index }
                    if !followedByGroup { break }
                }
                if digits.count > 19 { break }
            } else if (byte == 0x20 || byte == UInt8(ascii: "-")), index + 1 < bytes.count, RedactionScanner.isDigit(bytes[index + 1]), !digits.isEmpty {
                index += 1
            } else {
                break
            }
        }
        guard let end, end == bytes.count || !RedactionScanner.isWordByte(bytes[end]) else { return nil }
        return end
    }

    /// The Luhn checksum (ISO/IEC 7812): doubling every second digit from the right.
    static func passesLuhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            let value = Int(digit) * (position % 2 == 1 ? 2 : 1)
            sum += value > 9 ? value - 9 : value
        }
        return sum % 10 == 0
    }

    /// The end of `ddd-dd-dddd` at `start`, not part of a longer number.
    static func ssnEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        let shape: [Bool] = [true, true, true, false, true, true, false, true, true, true, true]
        guard start + shape.count <= bytes.count else { return nil }
        for (offset, isDigit) in shape.enumerated() {
            let byte = bytes[start + offset]
            guard isDigit ? RedactionScanner.isDigit(byte) : byte == UInt8(ascii: "-") else { return nil }
        }
        let end = start + shape.count
        guard end == bytes.count || !(RedactionScanner.isDigit(bytes[end]) || bytes[end] == UInt8(ascii: "-")) else { return nil }
        return end
    }
}
