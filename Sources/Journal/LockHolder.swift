/// Who holds (or last held) a journal's writer lock, as `journal/LOCK` records it (format under
/// FOLDER in JournalFormat.swift).
///
/// Informational only: the file's content is whatever the last writer — or anyone able to
/// write the folder — put there, so the fields are checked for form and nothing more (a pid
/// may be reused, a URL may point anywhere). Whether a writer holds the journal right now is
/// `isHeld`, which comes from the lock itself, never from the content.
public struct LockHolder: Sendable, Equatable {
    /// The holder's process id, when the file names a valid one.
    public var pid: Int32?
    /// The holder's admin API (`http://…` or `https://…`), when it is a server and the file
    /// names a well-formed URL.
    public var url: String?
    /// Whether some writer holds the lock at the moment of the look (a non-blocking probe).
    public var isHeld: Bool

    /// A holder with the given fields.
    public init(pid: Int32?, url: String?, isHeld: Bool) {
        self.pid = pid
        self.url = url
        self.isHeld = isHeld
    }

    /// Most bytes of LOCK a reader looks at; anything after is ignored.
    package static let maxContentBytes = 4096
    /// Longest admin URL recorded or accepted.
    package static let maxURLBytes = 2048

    /// The content a writer records: `pid <pid>\n`, then `url <url>\n` when it has an admin API.
    package static func content(pid: Int32, url: String?) -> [UInt8] {
        Array("pid \(pid)\n".utf8) + (url.map { Array("url \($0)\n".utf8) } ?? [])
    }

    /// The pid and URL in LOCK's `content` (at most `maxContentBytes` of it; `isComplete`
    /// false when the file went on beyond them, so a last line without its newline may be cut
    /// off and is ignored). Never fails: malformed lines, unknown keys and values of the wrong
    /// form are skipped; the first valid value of each key wins; a line of digits alone (what
    /// writers recorded before this format) is taken as the pid.
    package static func parse(_ content: ArraySlice<UInt8>, isComplete: Bool = true) -> (pid: Int32?, url: String?) {
        var lines = content.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if !isComplete || content.last == 0x0A { lines.removeLast() }
        var pid: Int32? = nil
        var url: String? = nil
        for var line in lines {
            if line.last == 0x0D { line.removeLast() }
            guard let space = line.firstIndex(of: 0x20) else {
                if pid == nil { pid = parsePid(line[...]) }
                continue
            }
            let key = line[..<space]
            let value = line[(space + 1)...]
            if key.elementsEqual("pid".utf8), pid == nil {
                pid = parsePid(value)
            } else if key.elementsEqual("url".utf8), url == nil, isValidURL(value) {
                url = String(decoding: value, as: UTF8.self)
            }
        }
        return (pid, url)
    }

    /// A pid: 1 to 10 decimal digits, value 1…Int32.max.
    private static func parsePid(_ digits: ArraySlice<UInt8>) -> Int32? {
        guard (1...10).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let value = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return (1...Int(Int32.max)).contains(value) ? Int32(value) : nil
    }

    /// Whether `bytes` form an admin URL this format records: `http://` or `https://` (scheme
    /// in lower case) and a non-empty rest, printable ASCII without spaces, at most
    /// `maxURLBytes` long.
    package static func isValidURL(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count <= maxURLBytes, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return false }
        for scheme in ["http://", "https://"] where bytes.starts(with: scheme.utf8) {
            return bytes.count > scheme.utf8.count
        }
        return false
    }
}
