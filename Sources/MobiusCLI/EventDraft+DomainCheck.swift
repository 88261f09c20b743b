import Journal
import MobiusCore

extension EventDraft {
    /// Why this event's data does not decode as its type, when the type is one of the domain's
    /// (`extraction.completed`, …) — such an event would be kept but never folded; nil when it
    /// decodes or the type is not the domain's (other types are stored as they are).
    var domainProblem: String? {
        guard DomainEvent.knownTypes.contains(where: { $0.type == type }) else { return nil }
        do {
            _ = try data.withUnsafeBytes { (bytes) throws(EventDecodingError) in try DomainEvent(type: type, version: version, data: bytes) }
            return nil
        } catch {
            return "the data is not a valid \(type) v\(version) event: \(error); 'inspect --type \(type)' shows valid ones"
        }
    }
}
