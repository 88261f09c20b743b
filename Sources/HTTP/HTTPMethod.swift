/// A request method, as sent (methods are case-sensitive: `get` is not `GET`).
public struct HTTPMethod: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The method token.
    public var rawValue: String

    /// The method `rawValue`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The method `value`.
    public init(stringLiteral value: String) { rawValue = value }

    /// `GET`.
    public static let get: HTTPMethod = "GET"
    /// `HEAD`: answered like GET, but the response carries no body.
    public static let head: HTTPMethod = "HEAD"
    /// `POST`.
    public static let post: HTTPMethod = "POST"
    /// `PUT`.
    public static let put: HTTPMethod = "PUT"
    /// `DELETE`.
    public static let delete: HTTPMethod = "DELETE"
    /// `OPTIONS`.
    public static let options: HTTPMethod = "OPTIONS"

    /// The token.
    public var description: String { rawValue }
}
