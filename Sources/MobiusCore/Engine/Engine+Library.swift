import Imaging
import Integrity
import Journal

extension Engine {
    /// Adds the image file at `path` to the library (see `addImage(bytes:…)`), reading it once
    /// in chunks.
    public func addImage(path: String, id: String? = nil, source: String? = nil, requestId: String? = nil) async throws(EngineError) -> LibraryImage {
        if let id { try Self.checkImageId(id) }
        let loader = ImageFileLoader(kernel: configuration.kernel, maxBytes: configuration.maxImageBytes)
        switch loader.scan(path, limits: configuration.decodingLimits) {
        case .success(let scanned): return try await addImage(scanned, id: id, source: source ?? path, requestId: requestId)
        case .failure(let error):
            let code: EngineError.Code = switch error.kind {
            case .missing: .notFound
            case .tooLarge: .tooLarge
            case .undecodable: .undecodable
            case .unreadable: .invalidRequest
            }
            throw EngineError(code, error.reason)
        }
    }

    /// Decodes and hashes `bytes` and appends `library.image.added`. `id` (nil: `img-<seq>`)
    /// must be 1–128 of `A–Z a–z 0–9 . _ : -` and not taken; the same file (by SHA-256) cannot
    /// be added twice. Returns the image once folded.
    public func addImage(bytes: [UInt8], id: String?, source: String, requestId: String? = nil) async throws(EngineError) -> LibraryImage {
        if let id { try Self.checkImageId(id) }
        return try await addImage(ImageScan.scan(bytes, limits: configuration.decodingLimits), id: id, source: source, requestId: requestId)
    }

    /// Appends `library.image.added` for an image already scanned; `id` is already checked.
    private func addImage(_ scanned: ScannedImage, id: String?, source: String, requestId: String?) async throws(EngineError) -> LibraryImage {
        let fingerprint: Fingerprint
        switch scanned.fingerprint {
        case .success(let value): fingerprint = value
        case .failure(let error): throw EngineError(.undecodable, "\(source): \(error.description)")
        }
        let sha256 = scanned.sha256
        try live.withLock { (state) throws(EngineError) in
            if let id, state.projections.library.contains(id: id) || state.reservedImageIds.contains(id) {
                throw EngineError(.conflict, "the library already has an image \(id); choose another --id, or remove it first")
            }
            if let existing = state.projections.library.image(withSha256: sha256) {
                throw EngineError(.conflict, "\(source) is already in the library as \(existing.id) (same SHA-256)")
            }
            if state.reservedSha256s.contains(sha256) { throw EngineError(.conflict, "\(source) is being added already") }
            if let id { state.reservedImageIds.insert(id) }
            state.reservedSha256s.insert(sha256)
        }
        defer {
            live.withLock { state in
                if let id { state.reservedImageIds.remove(id) }
                state.reservedSha256s.remove(sha256)
            }
        }
        let added = LibraryImageAdded(imageId: id, source: source, sha256: sha256, hash: fingerprint.hash.hex, width: fingerprint.width,
                                      height: fingerprint.height, byteSize: scanned.byteSize, format: fingerprint.format.rawValue)
        let receipt = try await append([.libraryImageAdded(added)], requestId: requestId)
        let imageId = id ?? LibraryProjection.defaultId(seq: receipt.seqs.lowerBound)
        guard let image = read({ $0.library.image(withId: imageId) }) else {
            throw EngineError(.conflict, "image \(imageId) was removed again before this call returned")
        }
        return image
    }

    /// Appends `library.image.removed` for image `id`.
    /// An image being removed is reserved until its removal is folded: two removals at once
    /// both passed the check and both appended, and both answered that they had removed it.
    public func removeImage(id: String, reason: String? = nil, requestId: String? = nil) async throws(EngineError) {
        try live.withLock { (state) throws(EngineError) in
            guard state.projections.library.contains(id: id), !state.reservedImageIds.contains(id) else {
                throw EngineError(.notFound, "the library has no image \(id); 'library list' shows the ids")
            }
            state.reservedImageIds.insert(id)
        }
        defer { live.withLock { _ = $0.reservedImageIds.remove(id) } }
        try await append([.libraryImageRemoved(LibraryImageRemoved(imageId: id, reason: reason))], requestId: requestId)
    }

    /// Resolves open review item `itemId`. `add-to-library` appends the extracted image as a
    /// library image (id `imageId`, or `img-<seq>`) in the same frame as `lcm.resolved`.
    @discardableResult
    public func resolve(itemId: String, decision: ReviewDecision, imageId: String? = nil, note: String? = nil,
                        requestId: String? = nil) async throws(EngineError) -> ReviewItem {
        if let imageId {
            guard decision == .addToLibrary else { throw EngineError(.invalidRequest, "an image id applies only to the add-to-library decision") }
            try Self.checkImageId(imageId)
        }
        let item: ReviewItem = try live.withLock { (state) throws(EngineError) in
            guard let item = state.projections.reviewQueue.open[itemId], !state.reservedItems.contains(itemId) else {
                if state.projections.reviewQueue.item(itemId) != nil || state.reservedItems.contains(itemId) {
                    throw EngineError(.conflict, "review item \(itemId) is already resolved")
                }
                throw EngineError(.notFound, "there is no review item \(itemId); 'lcm list' shows the open ones")
            }
            if let imageId, state.projections.library.contains(id: imageId) || state.reservedImageIds.contains(imageId) {
                throw EngineError(.conflict, "the library already has an image \(imageId); choose another id")
            }
            state.reservedItems.insert(itemId)
            if let imageId { state.reservedImageIds.insert(imageId) }
            return item
        }
        defer {
            live.withLock { state in
                state.reservedItems.remove(itemId)
                if let imageId { state.reservedImageIds.remove(imageId) }
            }
        }
        var events: [DomainEvent] = []
        var addedId: String?
        if decision == .addToLibrary {
            let extraction = try extraction(atSeq: item.extractionSeq)
            // Named after the review item's seq, which no library.image.added can have, so it
            // cannot collide with a default id (and explicit ids of that shape are refused).
            addedId = imageId ?? LibraryProjection.defaultId(seq: item.seq)
            events.append(.libraryImageAdded(LibraryImageAdded(
                imageId: addedId, source: extraction.source ?? item.source ?? itemId, sha256: extraction.sha256 ?? "",
                hash: extraction.hash, width: extraction.width, height: extraction.height, byteSize: extraction.byteSize ?? 0,
                format: extraction.format)))
        }
        events.append(.reviewItemResolved(ReviewItemResolved(itemId: itemId, decision: decision, imageId: addedId, note: note)))
        try await append(events, requestId: requestId)
        return read { $0.reviewQueue.item(itemId) } ?? item
    }

    /// The `extraction.completed` event at `seq`, read from the journal.
    func extraction(atSeq seq: UInt64) throws(EngineError) -> ExtractionCompleted {
        var filter = EventFilter()
        filter.fromSeq = seq
        filter.toSeq = seq
        var found: ExtractionCompleted?
        do {
            _ = try JournalReader(directory: configuration.journal.directory, kernel: configuration.kernel).read(filter) { event in
                if case .extractionCompleted(let completed) = try RecordedEvent(event).event { found = completed }
                return false
            }
        } catch {
            throw EngineError(.journal, "cannot read the extraction at seq \(seq): \(error)")
        }
        guard let found else { throw EngineError(.integrity, "seq \(seq) is not the extraction its review item names") }
        return found
    }

    /// Refuses an image id that is empty, too long, holds characters outside the safe set, or
    /// has the shape `img-<digits>` of the default ids.
    static func checkImageId(_ id: String) throws(EngineError) {
        if id.hasPrefix("img-"), id.count > 4, id.dropFirst(4).allSatisfy(\.isASCIIDigitCharacter) {
            throw EngineError(.invalidRequest, "image id \"\(id)\" has the shape img-<number> the library gives images added without an id; choose another")
        }
        let allowed = id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || ".-_:".utf8.contains(byte)
        }
        guard (1...128).contains(id.utf8.count), allowed else {
            throw EngineError(.invalidRequest, "image id \"\(id)\" is not 1–128 of A–Z a–z 0–9 . _ : -")
        }
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
