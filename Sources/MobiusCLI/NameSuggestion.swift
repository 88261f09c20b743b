/// "Did you mean …?" for a mistyped option or command name.
package enum NameSuggestion {
    /// The candidate `name` most likely meant: the closest within two edits (a swap of two
    /// neighbouring characters counts as one), else the only candidate `name` is a prefix of;
    /// nil when nothing is that close.
    package static func nearest(to name: String, among candidates: [String]) -> String? {
        let typed = Array(name.unicodeScalars)
        // Short names are within two edits of almost everything; demand more of them.
        let limit = typed.count <= 4 ? 1 : 2
        let scored = candidates.map { (candidate: $0, distance: distance(typed, Array($0.unicodeScalars))) }
        if let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= limit,
           scored.filter({ $0.distance == best.distance }).count == 1 {
            return best.candidate
        }
        let extensions = candidates.filter { $0.hasPrefix(name) && typed.count >= 3 }
        return extensions.count == 1 ? extensions[0] : nil
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
    /// neighbours, each one edit.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }
}
