import Imaging
import Integrity

extension Migration {
    /// `002-library-dhash`: fingerprints every library image that was registered by its file
    /// without a hash (`library.image.registered`, as an import from the original MOBIUS
    /// library has them) — the job the original migration script existed for. Each readable,
    /// decodable file becomes a `library.image.added` with the same id, its dHash, SHA-256 and
    /// size; a file that cannot be read or decoded is reported and stays registered, never
    /// failing the batch. It cannot be reverted: extractions may have matched the images since.
    static let libraryDHash = Migration(
        id: "002-library-dhash", summary: "fingerprint every library image registered without a dHash",
        definition: "for each library.image.registered without a fingerprint: read path (relative to the data folder), dHash 8x8 with Pillow-exact resampling, append library.image.added with the same id; unreadable or undecodable files are reported and stay registered",
        up: { context in
            var events: [DomainEvent] = []
            var problems: [String] = []
            let waiting = context.projections.library.awaitingInOrder
            for image in waiting {
                let path = image.path.hasPrefix("/") ? image.path : context.dataDirectory + "/" + image.path
                let bytes: [UInt8]
                switch context.readFile(path) {
                case .success(let read): bytes = read
                case .failure(let error):
                    problems.append("\(image.id): \(error.message)")
                    continue
                }
                let fingerprint: Fingerprint
                do {
                    fingerprint = try Fingerprinter.fingerprint(bytes, size: 8, limits: context.decodingLimits)
                } catch {
                    problems.append("\(image.id): \(Echoed(image.path)) does not decode: \(error)")
                    continue
                }
                events.append(.libraryImageAdded(LibraryImageAdded(
                    imageId: image.id, source: image.source ?? image.path, sha256: SHA256.hash(bytes).hex, hash: fingerprint.hash.hex,
                    width: fingerprint.width, height: fingerprint.height, byteSize: bytes.count, format: fingerprint.format.rawValue)))
            }
            let unhashed = problems.isEmpty ? "" : "; \(problems.count) could not be hashed and stay registered"
            return MigrationPlan(events: events, changes: "hashed \(events.count) of \(waiting.count) library image(s) without a dHash\(unhashed)", problems: problems)
        })
}
