import Imaging

/// Reads image files two at a time, a chunk of each in turn, so that their SHA-256s are
/// computed side by side (`ImageScan.feed(_:_:_:_:)`) while each decoder still sees its file
/// front to back, one chunk in memory per file.
///
/// Files come from `claim` whenever one of the two slots is free, so a short file beside a long
/// one is followed by the next file at once and the long one is rarely hashed alone. `extract`
/// runs one scanner per worker; `ImageFileLoader.scan` runs one over a single file.
final class ImageFileScanner: IteratorProtocol {
    /// A file being read: which one, the file, its scan so far and how far it has been read.
    private struct Slot {
        var index: Int
        var file: OpenImageFile
        var scan: ImageScan
        var offset = 0
    }

    private let loader: ImageFileLoader
    private let limits: DecodingLimits
    private let claim: () -> (index: Int, path: String)?
    private var hasClaimedAll = false
    private var first: Slot?, second: Slot?
    private let firstBuffer: UnsafeMutableRawBufferPointer, secondBuffer: UnsafeMutableRawBufferPointer
    /// Files finished (read to the end, or refused) and not yet handed out.
    private var finished: [(index: Int, path: String, scan: Result<ScannedImage, ImageReadError>)] = []

    /// A scanner reading through `loader`, decoding within `limits`, the files `claim` gives
    /// (nil: there are no more).
    init(loader: ImageFileLoader, limits: DecodingLimits, claim: @escaping () -> (index: Int, path: String)?) {
        self.loader = loader
        self.limits = limits
        self.claim = claim
        firstBuffer = .allocate(byteCount: ImageScan.chunkByteCount, alignment: 64)
        secondBuffer = .allocate(byteCount: ImageScan.chunkByteCount, alignment: 64)
    }

    deinit {
        for slot in [first, second] { if let slot { loader.close(slot.file) } }
        firstBuffer.deallocate()
        secondBuffer.deallocate()
    }

    /// The next file read to its end, or refused, with its index and path; nil once `claim`
    /// has no more and every file claimed has been handed out.
    func next() -> (index: Int, path: String, scan: Result<ScannedImage, ImageReadError>)? {
        while finished.isEmpty {
            fill(&first)
            fill(&second)
            guard finished.isEmpty else { break }
            guard first != nil || second != nil else { return nil }
            readNextChunks()
        }
        return finished.removeFirst()
    }

    /// Opens the next claimed file into `slot` if it is free; a file that cannot be opened is
    /// finished at once, leaving the slot free for the next call.
    private func fill(_ slot: inout Slot?) {
        guard slot == nil, !hasClaimedAll else { return }
        guard let (index, path) = claim() else {
            hasClaimedAll = true
            return
        }
        switch loader.open(path) {
        case .success(let file): slot = Slot(index: index, file: file, scan: ImageScan(limits: limits))
        case .failure(let error): finished.append((index, path, .failure(error)))
        }
    }

    /// Reads a chunk of each open file and feeds both scans, side by side when both have one;
    /// a file at its end, or failing, is finished and its slot freed.
    private func readNextChunks() {
        let firstCount = read(&first, into: firstBuffer)
        let secondCount = read(&second, into: secondBuffer)
        let firstChunk = UnsafeRawBufferPointer(rebasing: firstBuffer[..<firstCount])
        let secondChunk = UnsafeRawBufferPointer(rebasing: secondBuffer[..<secondCount])
        if firstCount > 0 && secondCount > 0 {
            ImageScan.feed(&first!.scan, firstChunk, &second!.scan, secondChunk)
        } else if firstCount > 0 {
            first!.scan.feed(firstChunk)
        } else if secondCount > 0 {
            second!.scan.feed(secondChunk)
        }
    }

    /// Reads the next chunk of the file in `slot` into `buffer`: how many bytes (0 when the
    /// slot is free, or its file ended or failed, and is now finished).
    private func read(_ slot: inout Slot?, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let current = slot else { return 0 }
        let outcome = loader.read(current.file, into: buffer, at: current.offset)
        if case .success(let count) = outcome, count > 0 {
            slot!.offset += count
            return count
        }
        loader.close(current.file)
        slot = nil
        finished.append((current.index, current.file.path, outcome.map { _ in current.scan.finish() }))
        return 0
    }
}
