import JSON

/// One line of JSON output, written with the project's one JSON writer.
enum JSONLine {
    /// The object `body` writes, as text. The writer refuses only what our own code could get
    /// wrong (keys twice, unbalanced calls, NaN), so a refusal is a bug, not an input problem.
    static func object(_ body: (inout JSONWriter) -> Void) -> String {
        value { $0.writeObject(body) }
    }

    /// The one JSON value `body` writes, as text.
    static func value(_ body: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        body(&writer)
        do {
            return String(decoding: try writer.finish(), as: UTF8.self)
        } catch {
            preconditionFailure("JSON output refused by the writer: \(error)")
        }
    }
}
