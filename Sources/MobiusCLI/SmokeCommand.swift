import Foundation
import Imaging
import Integrity
import MobiusCore

/// `mobius-dhash smoke [--url URL] [--quick] [--image FILE] [--timeout DURATION]
/// [--admin-token-file FILE]`: checks a running service end to end and prints one PASS/FAIL
/// line per check, then `N passed, N failed`.
struct SmokeCommand: Command {
    static let quick = Flag("--quick", help: "skip the extraction (it adds one extraction.completed to the journal and the metrics)")
    static let image = Option<String>("--image", value: "FILE", help: "extract this PNG or PNM instead of the bundled fixture; its hash is computed here first",
                                      shownAs: "the bundled 31×23 fixture")

    static let spec = CommandSpec(
        "smoke", summary: "check a running service: connectivity, /health, /metrics/dhash types, a log record reaching the journal, an extraction",
        discussion: [
            "Checks, in order, on one kept-alive connection: connectivity (GET / answers as the dhash service); health (GET /health is 200 with status OK or WARNING and every field of the contract); metrics (GET /metrics/dhash: counts are whole numbers, total = successful + failed, the failure rate a fraction from 0 to 1, times numbers, last_reset ISO-8601); journal (POST /api/admin/append of a log.record with a unique message and requestId, found again through GET /api/events?requestId=); extraction, unless --quick (POST /api/dhash/extract of the bundled fixture, whose dHash is the Pillow-exact c7c7c7c7c7e77f38, or of --image FILE, whose hash is computed here). When the service cannot be reached, the later checks fail as not run.",
        ],
        arguments: [quick, image] + ServiceOptions.arguments,
        exits: [.checkFailed: "at least one check printed FAIL", .usageOrUnreadable: "a bad argument, an --image that cannot be read or hashed, an unreadable token file"])

    let service: ServiceOptions
    let isQuick: Bool
    let imagePath: String?

    init(_ arguments: ParsedArguments) {
        service = ServiceOptions(arguments)
        isQuick = arguments.isSet(Self.quick)
        imagePath = arguments.value(of: Self.image)
    }

    func validate() throws(CommandFailure) {
        if isQuick, imagePath != nil { throw .usage("--quick skips the extraction, so --image would not be used; give one of them", argument: "--image") }
    }

    func run(_ io: CommandIO) throws(CommandFailure) -> ExitStatus {
        let image = isQuick ? nil : try imageToExtract()
        let checks = SmokeChecks(client: service.makeClient(), token: try service.adminToken(), tokenAdvice: service.tokenAdvice,
                                 image: image, runId: Hex.random(byteCount: 8))
        let results = checks.run { io.print($0.line) }
        let failed = results.filter { !$0.passed }.count
        io.print("\(results.count - failed) passed, \(failed) failed")
        return failed == 0 ? .success : .checkFailed
    }

    /// The fixture, or `--image FILE` with the hash this build computes for it.
    private func imageToExtract() throws(CommandFailure) -> SmokeChecks.Image {
        guard let imagePath else {
            return SmokeChecks.Image(bytes: SmokeFixture.bytes, expectedHash: SmokeFixture.hash, width: SmokeFixture.width,
                                     height: SmokeFixture.height, label: "the bundled fixture \(SmokeFixture.name)")
        }
        let name = Echoed(imagePath).description
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: imagePath)))
        } catch {
            throw CommandFailure(.unreadableInput, "--image \(name) cannot be read: \((error as NSError).localizedDescription)")
        }
        do throws(ImagingError) {
            let fingerprint = try Fingerprinter.fingerprint(bytes)
            return SmokeChecks.Image(bytes: bytes, expectedHash: fingerprint.hash.hex, width: fingerprint.width, height: fingerprint.height, label: name)
        } catch {
            throw CommandFailure(.unreadableInput, "--image \(name) cannot be hashed: \(error)")
        }
    }
}
