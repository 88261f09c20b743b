import Journal
import Foundation

extension EventDraft {
    /// Why this event's data does not decode as its type, when the type is one of the domain's
    /// (`extraction.completed`, …) — such an event would be kept but never folded; nil when it
    /// decodes or the type is not the domain's (other types are stored as they are).
    package var domainProblem: String? {
        guard DomainEvent.knownTypes.contains(where: { $0.type == type }) else { return nil }
        do {
            _ = try data.withUnsafeBytes { (bytes) throws(EventDecodingError) in try DomainEvent(type: type, version: version, data: bytes) }
            return nil
        } catch {
            return "the data is not a valid \(type) v\(version) event: \(error); 'inspect --type \(type)' shows valid ones"
        }
    }
}

extension EventDraft {
    /// An `EventDraft`, or the journal's refusal with the type quoted through `Echoed`.
    ///
    /// The journal's own message quotes an invalid type verbatim, so a type of a megabyte or
    /// one holding a line break would print as it is; here it is escaped and cut like every
    /// other echo.
    package static func echoingType(_ type: String, version: UInt64 = 1, requestId: String?,
                                    data: some Collection<UInt8>) -> Result<EventDraft, EventLineParser.Problem> {
        do {
            return .success(try EventDraft(type: type, version: version, requestId: requestId, data: data))
        } catch {
            return .failure(EventLineParser.Problem(message: error.message.replacingOccurrences(of: "'\(type)'", with: "'\(Echoed(type))'")))
        }
    }
}
