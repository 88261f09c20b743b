import Foundation
import HTTP
import MobiusAPI

/// The option group of the commands that talk to a running service over HTTP (`smoke`,
/// `monitor`): where it is, how long one request may take, and where the admin token is.
struct ServiceOptions: Sendable {
    /// `--url URL`.
    static let url = Option<HTTPEndpoint>("--url", value: "URL", help: "the service's address: http://HOST:PORT with a numeric host or localhost",
                                          shownAs: "http://127.0.0.1:5001") { text throws(ValueProblem) in
        do throws(HTTPClientError) {
            return try HTTPEndpoint(parsing: text)
        } catch {
            throw ValueProblem(expected: "an http://HOST:PORT URL such as http://127.0.0.1:5001", reason: String(error.reason.prefix { $0 != ";" }))
        }
    }
    /// `--timeout DURATION`.
    static let timeout = Option.duration("--timeout", in: .milliseconds(100)...Duration.seconds(600), default: .seconds(5),
                                         help: "the longest one request may take, connecting included")
    /// `--admin-token-file FILE`.
    static let tokenFile = Option<String>("--admin-token-file", value: "FILE",
                                          help: "the file holding the service's admin token (serve's DATA/admin-token); MOBIUS_ADMIN_TOKEN overrides it",
                                          shownAs: "./admin-token")

    /// The group's arguments, for a command's `CommandSpec`.
    static let arguments: [any CommandArgument] = [url, timeout, tokenFile]

    /// Where the service is.
    let endpoint: HTTPEndpoint
    /// The longest one request may take.
    let timeout: Duration
    /// The token file (default `admin-token` in the current folder).
    let tokenFile: String

    /// Reads the group's options from `arguments`.
    init(_ arguments: ParsedArguments) {
        // The default is a valid literal; parsing it cannot fail.
        endpoint = arguments.value(of: Self.url) ?? (try! HTTPEndpoint(parsing: "http://127.0.0.1:5001"))
        timeout = arguments[Self.timeout]
        tokenFile = arguments.value(of: Self.tokenFile) ?? "admin-token"
    }

    /// A client for the service: connect timeout and request timeout both `timeout`.
    func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectTimeout = timeout
        configuration.requestTimeout = timeout
        return HTTPClient(endpoint: endpoint, configuration: configuration)
    }

    /// The admin token: `MOBIUS_ADMIN_TOKEN`, else the token file's; nil when neither exists.
    /// A token file that is unsafe or unreadable is a failure naming it.
    func adminToken(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CommandFailure) -> String? {
        do {
            return try AdminToken.clientValue(environment: environment, file: tokenFile)
        } catch {
            throw CommandFailure(.unreadableInput, error.description)
        }
    }

    /// What to do when there is no token, for messages.
    var tokenAdvice: String {
        "no admin token: set MOBIUS_ADMIN_TOKEN or pass --admin-token-file (the server's DATA/admin-token); \(tokenFile) does not exist"
    }
}
