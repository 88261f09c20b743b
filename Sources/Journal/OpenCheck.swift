import Integrity

/// Where a writer continues after recovery.
package struct JournalTail {
    /// The last segment's name.
    package var segmentName: String
    /// The last segment's header.
    package var header: SegmentHeader
    /// Offset after the last valid frame.
    package var endOffset: Int
    /// Size of the segment file once the repairs are made (preallocated zeros included).
    package var fileSize: Int
    /// Seq the next event gets.
    package var nextSeq: UInt64
    /// Chain value after the last frame.
    package var chain: SHA256Digest
    /// Timestamp of the last event.
    package var lastTimestamp: UInt64
    /// The segment's index up to `endOffset`, which the writer goes on extending.
    package var index: SegmentIndex
    /// Whether the segment holds any frame.
    package var hasFrames: Bool { nextSeq > header.firstSeq }
}

/// A change write-open makes before the first append; `verify` lists them without making them.
package enum Repair {
    /// Copy the bytes of the last segment from the damage's cut to its last non-zero byte into
    /// quarantine/, then truncate the segment at the cut.
    case quarantineTail(JournalDamage)
    /// Move a last segment whose header never became valid into quarantine/ whole.
    case quarantineSegment(name: String, reason: String)
    /// Write a sealed segment's index, rebuilt by scanning the segment.
    case writeIndex(segment: String, SegmentIndex)
    /// Remove the last segment's index, which does not describe the segment.
    case removeIndex(segment: String)
}

/// What write-open will do with a journal folder, decided without writing anything.
package enum OpenVerdict {
    /// The writer opens: it makes `repairs`, then continues at `tail` (nil: no segment yet).
    /// `findings` are the damages behind the repairs (torn tails, invalid indexes).
    case opens(tail: JournalTail?, repairs: [Repair], findings: [JournalDamage])
    /// The writer refuses to open because of `damage`.
    case refuses(JournalDamage)

    /// A refusal because of `damage`, labelled as damage that stops the writer.
    static func refusal(_ damage: JournalDamage) -> OpenVerdict {
        var damage = damage
        damage.kind = .blocksWriteOpen
        return .refuses(damage)
    }
}

/// The write-open check (DESIGN.md "Recovery on open", DAMAGE in JournalFormat.swift).
///
/// Reads every segment header and index, checks the segment links and each sealed segment's
/// size and last frame against its index, and scans the last segment from the end of its index
/// (from its header when it has none). It reads no frame of a sealed segment unless that
/// segment's index is missing or wrong (then it is rebuilt by a scan), so its cost does not grow
/// with the journal. `Recovery` carries out the verdict; `verify` reports it, so what verify
/// says about write-open is what write-open does.
package enum OpenCheck {
    /// The verdict for the journal folder `directory`. Throws only when files cannot be read.
    package static func verdict(directory: String, io: FileIO) throws(JournalError) -> OpenVerdict {
        var names = try SegmentDirectory.segmentNames(in: directory, io: io)
        if let orphan = try SegmentDirectory.orphanIndexNames(in: directory, io: io).first {
            let seq = JournalFormat.firstSeq(ofSegmentFileName: String(orphan.dropLast(4)) + ".seg") ?? 0
            return .refusal(JournalDamage(segment: String(orphan.dropLast(4)) + ".seg", offset: 0, seqRange: seq...seq,
                                          reason: "segment file is missing, but its index \(orphan) is there (segment deleted or renamed)"))
        }
        var repairs: [Repair] = []
        var findings: [JournalDamage] = []
        var headers: [SegmentHeader] = []
        var sizes: [Int] = []
        for name in names {
            do {
                let reader = try SegmentReader(directory: directory, name: name, io: io)
                headers.append(reader.header)
                sizes.append(reader.fileSize)
            } catch where error.code == .corrupt {
                let seq = JournalFormat.firstSeq(ofSegmentFileName: name) ?? 0
                var damage = JournalDamage(segment: name, offset: error.offset ?? 0, seqRange: seq...seq, reason: error.message)
                // A crash while creating the last segment leaves a short or zero header and no frames.
                guard name == names.last, try !SegmentReader.fileHoldsValidFrame(directory: directory, name: name, io: io) else {
                    return .refusal(damage)
                }
                damage.kind = .tornTail
                findings.append(damage)
                repairs.append(.quarantineSegment(name: name, reason: error.message))
            }
        }
        if headers.count < names.count { names.removeLast() }
        guard let first = headers.first else { return .opens(tail: nil, repairs: repairs, findings: findings) }
        if let damage = firstSegmentDamage(names[0], first) { return .refusal(damage) }
        for position in names.indices.dropLast() {
            let name = names[position]
            let index: SegmentIndex
            switch try trustedIndex(directory: directory, name: name, header: headers[position], size: sizes[position], io: io) {
            case .trusted(let found):
                index = found
            case .rebuild(let problem):
                // A wrong index is a finding only if the segment itself turns out sound.
                switch try scanWhole(directory: directory, name: name, io: io) {
                case .damaged(let damage): return .refusal(damage)
                case .clean(let rebuilt):
                    if let problem { findings.append(problem) }
                    guard rebuilt.endOffset == sizes[position] else {
                        return .refusal(JournalDamage(segment: name, offset: rebuilt.endOffset, seqRange: rebuilt.lastSeq...rebuilt.lastSeq,
                                                      reason: "sealed segment has \(sizes[position] - rebuilt.endOffset) byte(s) after its last frame (bytes were added after it was sealed)"))
                    }
                    // It has a successor: the index its writer wrote when sealing it said so.
                    var sealed = rebuilt
                    sealed.isSealed = true
                    index = sealed
                    repairs.append(.writeIndex(segment: name, sealed))
                }
            case .scanWithout, .refuse:
                preconditionFailure("only the last segment's index is checked with isLast")
            }
            if let damage = linkDamage(next: names[position + 1], headers[position + 1], previous: index) { return .refusal(damage) }
        }
        return try lastSegmentVerdict(directory: directory, name: names[names.count - 1], header: headers[headers.count - 1],
                                      size: sizes[sizes.count - 1], repairs: repairs, findings: findings, io: io)
    }

    /// Damage if the first segment is not the journal's first: it must start at seq 1 with a zero chain.
    static func firstSegmentDamage(_ name: String, _ header: SegmentHeader) -> JournalDamage? {
        if header.firstSeq != 1 {
            return JournalDamage(segment: name, offset: 12, seqRange: 1...(header.firstSeq - 1),
                                 reason: "the first segment starts at seq \(header.firstSeq), not 1: the segment(s) holding seq 1…\(header.firstSeq - 1) are missing")
        }
        if header.previousChain != .zero {
            return JournalDamage(segment: name, offset: 28, seqRange: 1...1,
                                 reason: "the first segment's previous chain is not zero: it does not begin the journal (segments missing or swapped)")
        }
        return nil
    }

    /// Damage if segment `name` (with `header`) does not continue the segment `previous` describes.
    static func linkDamage(next name: String, _ header: SegmentHeader, previous: SegmentIndex) -> JournalDamage? {
        linkDamage(next: name, header, previousLastSeq: previous.lastSeq, previousChain: previous.finalChain)
    }

    /// Damage if segment `name` does not start at `previousLastSeq + 1` with `previousChain`.
    static func linkDamage(next name: String, _ header: SegmentHeader, previousLastSeq: UInt64, previousChain: SHA256Digest) -> JournalDamage? {
        if header.firstSeq != previousLastSeq + 1 {
            let missing = header.firstSeq > previousLastSeq + 1 ? (previousLastSeq + 1)...(header.firstSeq - 1) : header.firstSeq...header.firstSeq
            return JournalDamage(segment: name, offset: 12, seqRange: missing,
                                 reason: "segment starts at seq \(header.firstSeq) but the previous segment ends at seq \(previousLastSeq) (a segment is missing, renamed or cut short)")
        }
        if header.previousChain != previousChain {
            return JournalDamage(segment: name, offset: 28, seqRange: header.firstSeq...header.firstSeq,
                                 reason: "segment header's previous chain value does not match the end of the previous segment (segments edited or swapped)")
        }
        return nil
    }

    /// Whether an index can stand in for scanning its segment.
    enum IndexTrust {
        /// The index matches the segment's header, size and last frame.
        case trusted(SegmentIndex)
        /// Scan the segment instead; `problem` says what was wrong with an index that exists.
        case rebuild(JournalDamage?)
        /// The index is right but the last frame it covers is damaged: scan the (last) segment
        /// without it, and remove it, since recovery may cut inside what it covers.
        case scanWithout
        /// The index proves the segment lost bytes or successors: refuse.
        case refuse(JournalDamage)
    }

    /// Looks up the index of `name` and checks it cheaply against the segment: same header,
    /// end offset equal to `size` (sealed) or within it (`isLast`), and the frame it names as
    /// the last one ends at its end offset with its final chain's tag and last seq.
    static func trustedIndex(directory: String, name: String, header: SegmentHeader, size: Int, isLast: Bool = false,
                             io: FileIO) throws(JournalError) -> IndexTrust {
        let indexName = JournalFormat.indexFileName(ofSegment: name)
        func invalid(_ reason: String) -> IndexTrust {
            .rebuild(JournalDamage(segment: indexName, offset: 0, seqRange: nil, reason: reason, kind: .invalidIndex))
        }
        let index: SegmentIndex
        switch try SegmentIndexFile.lookup(directory: directory, segmentName: name, io: io) {
        case .missing: return .rebuild(nil)
        case .invalid(let reason): return invalid(reason)
        case .found(let found): index = found
        }
        guard index.belongs(to: header) else { return invalid("index belongs to another header than \(name)'s") }
        if isLast {
            // An index covers only synced frames and a sealed one is written after its successor
            // exists: neither can be a crash artefact.
            if index.isSealed {
                return .refuse(JournalDamage(segment: name, offset: index.endOffset, seqRange: (index.lastSeq + 1)...(index.lastSeq + 1),
                                             reason: "the segment was sealed, but no segment after it is here: the segment(s) from seq \(index.lastSeq + 1) on are missing"))
            }
            if index.endOffset > size {
                return .refuse(JournalDamage(segment: name, offset: size, seqRange: index.firstSeq...max(index.firstSeq, index.lastSeq),
                                             reason: "the segment is \(size) bytes but its index covers \(index.endOffset): synced frames were cut off"))
            }
        } else if index.endOffset != size {
            return invalid("index covers \(index.endOffset) bytes but \(name) is \(size) bytes")
        }
        guard index.frameCount > 0 else { return .trusted(index) }
        let reader = try SegmentReader(directory: directory, name: name, io: io)
        let lastFrameMatches = try reader.frameHeader(at: index.lastFrameOffset).map { last in
            index.lastFrameOffset + last.length == index.endOffset
                && last.header.chainTag == FrameChain.tag(of: index.finalChain)
                && header.firstSeq + last.header.seqOffset + UInt64(last.header.count) - 1 == index.lastSeq
        } ?? false
        // In the last segment the last indexed frame is read whole, and when it (or the index)
        // is wrong a scan of the segment decides what the damage is, as it would without an index.
        if isLast {
            guard lastFrameMatches, try reader.frameIsIntact(at: index.lastFrameOffset) else { return .scanWithout }
            return .trusted(index)
        }
        return lastFrameMatches ? .trusted(index) : invalid("the frame at byte \(index.lastFrameOffset) of \(name) is not the last frame the index describes")
    }

    /// How a full scan of one segment ended.
    enum WholeScan {
        /// Every frame verified; the index of what was found.
        case clean(SegmentIndex)
        /// The first damage met.
        case damaged(JournalDamage)
    }

    /// Scans segment `name` from its header, building its index.
    static func scanWhole(directory: String, name: String, io: FileIO) throws(JournalError) -> WholeScan {
        let reader = try SegmentReader(directory: directory, name: name, io: io)
        var index = SegmentIndex(emptySegmentWith: reader.header)
        while true {
            switch try reader.next() {
            case .frame(let scanned): index.record(scanned)
            case .end: return .clean(index)
            case .damage(let damage): return .damaged(damage)
            }
        }
    }

    /// Scans the last segment from the end of its index (or its header) to decide between a
    /// clean end, a torn tail to quarantine, and damage that refuses the open.
    static func lastSegmentVerdict(directory: String, name: String, header: SegmentHeader, size: Int,
                                   repairs: [Repair], findings: [JournalDamage], io: FileIO) throws(JournalError) -> OpenVerdict {
        var repairs = repairs, findings = findings
        let reader = try SegmentReader(directory: directory, name: name, io: io)
        var index = SegmentIndex(emptySegmentWith: header)
        switch try trustedIndex(directory: directory, name: name, header: header, size: size, isLast: true, io: io) {
        case .trusted(let found):
            index = found
            reader.resume(at: found.endOffset, nextSeq: found.lastSeq + 1, chain: found.finalChain, lastTimestamp: found.lastTimestamp)
        case .rebuild(let problem):
            if let problem {
                findings.append(problem)
                repairs.append(.removeIndex(segment: name))
            }
        case .scanWithout:
            repairs.append(.removeIndex(segment: name))
        case .refuse(let damage):
            return .refusal(damage)
        }
        while true {
            switch try reader.next() {
            case .frame(let scanned):
                index.record(scanned)
            case .end(let offset):
                let tail = JournalTail(segmentName: name, header: header, endOffset: offset, fileSize: reader.fileSize,
                                       nextSeq: reader.nextSeq, chain: reader.chain.value, lastTimestamp: reader.lastTimestamp, index: index)
                return .opens(tail: tail, repairs: repairs, findings: findings)
            case .damage(var damage):
                guard try reader.isTornTail(damage) else { return .refusal(damage) }
                damage.kind = .tornTail
                findings.append(damage)
                repairs.append(.quarantineTail(damage))
                let tail = JournalTail(segmentName: name, header: header, endOffset: damage.cutOffset, fileSize: damage.cutOffset,
                                       nextSeq: reader.nextSeq, chain: reader.chain.value, lastTimestamp: reader.lastTimestamp, index: index)
                return .opens(tail: tail, repairs: repairs, findings: findings)
            }
        }
    }
}

extension SegmentIndex {
    /// Records a frame a scan verified.
    package mutating func record(_ scanned: ScannedFrame) {
        record(frameAt: scanned.fileOffset, length: scanned.frame.length, firstSeq: scanned.firstSeq, count: scanned.frame.header.count,
               firstTimestamp: scanned.firstTimestamp, lastTimestamp: scanned.lastTimestamp,
               chainBefore: scanned.chainBefore, chainAfter: scanned.chainAfter)
    }
}
