import Journal

extension EventDraft {
    /// An `EventDraft`, or a usage failure whose message quotes the type through `Echoed`.
    ///
    /// The journal's own message quotes an invalid type verbatim, so a type of a megabyte or
    /// one holding a line break would print as it is; here it is escaped and cut like every
    /// other echo.
    static func echoingType(_ type: String, version: UInt64 = 1, requestId: String?, data: some Collection<UInt8>) throws(CommandFailure) -> EventDraft {
        do {
            return try EventDraft(type: type, version: version, requestId: requestId, data: data)
        } catch {
            throw .usage(error.message.replacingOccurrences(of: "'\(type)'", with: "'\(Echoed(type))'"))
        }
    }
}
