import JSON

/// The nearest library image an extraction was matched to.
public struct MatchSummary: Sendable, Equatable {
    /// The library image's id.
    public var imageId: String
    /// Hamming distance between the hashes, 0…64.
    public var distance: Int
    /// `1 − distance/64`.
    public var confidence: Double

    /// A match with the given fields.
    public init(imageId: String, distance: Int, confidence: Double) {
        self.imageId = imageId
        self.distance = distance
        self.confidence = confidence
    }

    static func read(_ reader: inout JSONReader) throws(JSONError) -> MatchSummary? {
        if try reader.readNullIfPresent() { return nil }
        var id: String?, distance: Int?, confidence: Double?
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "imageId": id = try reader.readString()
            case "distance": distance = try reader.readInt()
            case "confidence": confidence = try reader.readDouble()
            default: break
            }
        }
        guard let id, let distance, (0...64).contains(distance), let confidence else {
            throw JSONError(.missingKey, at: object.startOffset, "a match needs \"imageId\", \"distance\" (0…64) and \"confidence\"")
        }
        return MatchSummary(imageId: id, distance: distance, confidence: confidence)
    }

    func encode(to json: inout JSONWriter) {
        // Keys in byte order: a match is also part of the canonical projection state.
        json.writeObject { json in
            json.write(confidence, forKey: "confidence")
            json.write(distance, forKey: "distance")
            json.write(imageId, forKey: "imageId")
        }
    }
}

/// `extraction.completed`: an image was decoded, hashed and matched.
///
/// Version 2 (current): `{"source","sha256","byteSize","format","width","height","hash",
/// "hashBase64","bits","durationMs","match","confidence","lowConfidence"}`. Version 1 is what
/// `hash --json` printed and the first demo recorded — `{"file","hash","hash_base64","bits",
/// "width","height","format"}` — with no timing, checksum or match: it upcasts with `source` from
/// `file`, no duration (it does not count toward hash-time figures), no match, confidence 0.
public struct ExtractionCompleted: EventPayload {
    public static let type = "extraction.completed"
    public static let version: UInt64 = 2

    /// Where the image came from: a path inside an image root, or `upload`.
    public var source: String?
    /// SHA-256 of the input bytes, hex.
    public var sha256: String?
    /// Size of the input in bytes.
    public var byteSize: Int?
    /// `png` or `pnm`.
    public var format: String
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// The dHash, 16 lowercase hex digits (for 64 bits).
    public var hash: String
    /// The dHash in base64.
    public var hashBase64: String
    /// Bits in the hash.
    public var bits: Int
    /// Time to decode and hash, ms (nil for version-1 events, which did not record it).
    public var durationMs: Double?
    /// The nearest library image, nil with an empty library.
    public var match: MatchSummary?
    /// `1 − d/64`, 0 with an empty library.
    public var confidence: Double
    /// Whether it went to human review.
    public var lowConfidence: Bool

    /// The durations an extraction event may record, ms: none takes a day, and the metrics
    /// fold sums them — two appended durations near `Double.greatestFiniteMagnitude` made the
    /// sum infinite, which `/metrics/dhash` and the snapshot writer cannot encode.
    public static let durationRange: ClosedRange<Double> = 0...86_400_000

    /// An extraction with the given fields.
    public init(source: String?, sha256: String?, byteSize: Int?, format: String, width: Int, height: Int, hash: String,
                hashBase64: String, bits: Int, durationMs: Double?, match: MatchSummary?, confidence: Double, lowConfidence: Bool) {
        self.source = source
        self.sha256 = sha256
        self.byteSize = byteSize
        self.format = format
        self.width = width
        self.height = height
        self.hash = hash
        self.hashBase64 = hashBase64
        self.bits = bits
        self.durationMs = durationMs
        self.match = match
        self.confidence = confidence
        self.lowConfidence = lowConfidence
    }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var source: String?, sha256: String?, byteSize: Int?, format: String?, width: Int?, height: Int?, hash: String?
        var base64: String?, bits: Int?, duration: Double?, match: MatchSummary?, confidence: Double?, low: Bool?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "source", "file": source = try reader.readOptionalString()
            case "sha256": sha256 = try reader.readOptionalString()
            case "byteSize": byteSize = try reader.readNullIfPresent() ? nil : reader.readInt()
            case "format": format = try reader.readString()
            case "width": width = try reader.readInt()
            case "height": height = try reader.readInt()
            case "hash": hash = try reader.readString()
            case "hashBase64", "hash_base64": base64 = try reader.readString()
            case "bits": bits = try reader.readInt()
            case "durationMs": duration = try reader.readOptionalDouble()
            case "match": match = try MatchSummary.read(&reader)
            case "confidence": confidence = try reader.readDouble()
            case "lowConfidence": low = try reader.readBool()
            default: break
            }
        }
        self.source = source
        self.sha256 = sha256
        self.byteSize = byteSize
        self.format = try fields.required(format, "format")
        self.width = try fields.required(width, "width")
        self.height = try fields.required(height, "height")
        self.hash = try fields.required(hash, "hash")
        self.hashBase64 = base64 ?? ""
        self.bits = bits ?? 64
        self.match = match
        if version == 1 {
            durationMs = nil
            self.confidence = 0
            lowConfidence = false
        } else {
            durationMs = duration
            self.confidence = try fields.required(confidence, "confidence")
            lowConfidence = try fields.required(low, "lowConfidence")
        }
        guard self.width >= 0, self.height >= 0, (0...1).contains(self.confidence) else {
            throw fields.failure("width, height or confidence is out of range")
        }
        guard durationMs.map(ExtractionCompleted.durationRange.contains) ?? true else {
            throw fields.failure("durationMs must be from 0 to \(Int(ExtractionCompleted.durationRange.upperBound)) (one day)")
        }
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(source, orNullForKey: "source")
            json.write(sha256, orNullForKey: "sha256")
            json.writeKey("byteSize")
            if let byteSize { json.write(byteSize) } else { json.writeNull() }
            json.write(format, forKey: "format")
            json.write(width, forKey: "width")
            json.write(height, forKey: "height")
            json.write(hash, forKey: "hash")
            json.write(hashBase64, forKey: "hashBase64")
            json.write(bits, forKey: "bits")
            json.write(durationMs, orNullForKey: "durationMs")
            json.writeKey("match")
            if let match { match.encode(to: &json) } else { json.writeNull() }
            json.write(confidence, forKey: "confidence")
            json.write(lowConfidence, forKey: "lowConfidence")
        }
    }
}

/// `extraction.failed`: an image could not be read or decoded; counts as a failed extraction.
/// `{"source","reason","kind","durationMs","sha256","byteSize"}`.
public struct ExtractionFailed: EventPayload {
    public static let type = "extraction.failed"
    public static let version: UInt64 = 1

    /// Where the image came from.
    public var source: String?
    /// Why it failed, one line.
    public var reason: String
    /// `undecodable`, `unreadable`, `too-large` or `missing`.
    public var kind: String
    /// Time spent before it failed, ms.
    public var durationMs: Double?
    /// SHA-256 of the input bytes, when they were read.
    public var sha256: String?
    /// Size of the input, when read.
    public var byteSize: Int?

    /// A failure with the given fields.
    public init(source: String?, reason: String, kind: String, durationMs: Double?, sha256: String?, byteSize: Int?) {
        self.source = source
        self.reason = reason
        self.kind = kind
        self.durationMs = durationMs
        self.sha256 = sha256
        self.byteSize = byteSize
    }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var source: String?, reason: String?, kind: String?, duration: Double?, sha256: String?, byteSize: Int?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "source": source = try reader.readOptionalString()
            case "reason": reason = try reader.readString()
            case "kind": kind = try reader.readString()
            case "durationMs": duration = try reader.readOptionalDouble()
            case "sha256": sha256 = try reader.readOptionalString()
            case "byteSize": byteSize = try reader.readNullIfPresent() ? nil : reader.readInt()
            default: break
            }
        }
        self.source = source
        self.reason = try fields.required(reason, "reason")
        self.kind = kind ?? "undecodable"
        guard duration.map(ExtractionCompleted.durationRange.contains) ?? true else {
            throw fields.failure("durationMs must be from 0 to \(Int(ExtractionCompleted.durationRange.upperBound)) (one day)")
        }
        durationMs = duration
        self.sha256 = sha256
        self.byteSize = byteSize
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(source, orNullForKey: "source")
            json.write(reason, forKey: "reason")
            json.write(kind, forKey: "kind")
            json.write(durationMs, orNullForKey: "durationMs")
            json.write(sha256, orNullForKey: "sha256")
            json.writeKey("byteSize")
            if let byteSize { json.write(byteSize) } else { json.writeNull() }
        }
    }
}
