/// Why a request was refused: the status to answer with and a one-line reason.
///
/// Every refusal closes the connection afterwards: once framing is in doubt, nothing that
/// follows on the connection can be trusted to start a request.
public struct HTTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status to answer with (400, 408, 413, 414, 417, 431, 501, 505).
    public var status: HTTPStatus
    /// What was wrong, in one line ("both Content-Length and Transfer-Encoding").
    public var reason: String

    /// A refusal with `status` because of `reason`.
    public init(_ status: HTTPStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    /// "400 Bad Request: both Content-Length and Transfer-Encoding".
    public var description: String { "\(status): \(reason)" }
}
