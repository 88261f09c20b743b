import JSON

/// `library.image.added`: an image joins the library. `{"imageId","source","sha256","hash",
/// "width","height","byteSize","format"}`; `imageId` null means "img-<seq>" (the id is then fixed
/// by where the event lands).
public struct LibraryImageAdded: EventPayload {
    public static let type = "library.image.added"
    public static let version: UInt64 = 1

    /// The id the caller chose, or nil for `img-<seq>`.
    public var imageId: String?
    /// Where the image came from.
    public var source: String
    /// SHA-256 of the image file, hex.
    public var sha256: String
    /// Its dHash, hex.
    public var hash: String
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// File size in bytes.
    public var byteSize: Int
    /// `png` or `pnm`.
    public var format: String

    /// An addition with the given fields.
    public init(imageId: String?, source: String, sha256: String, hash: String, width: Int, height: Int, byteSize: Int, format: String) {
        self.imageId = imageId
        self.source = source
        self.sha256 = sha256
        self.hash = hash
        self.width = width
        self.height = height
        self.byteSize = byteSize
        self.format = format
    }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var id: String?, source: String?, sha: String?, hash: String?, width: Int?, height: Int?, size: Int?, format: String?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "imageId": id = try reader.readOptionalString()
            case "source": source = try reader.readString()
            case "sha256": sha = try reader.readString()
            case "hash": hash = try reader.readString()
            case "width": width = try reader.readInt()
            case "height": height = try reader.readInt()
            case "byteSize": size = try reader.readInt()
            case "format": format = try reader.readString()
            default: break
            }
        }
        imageId = id
        self.source = try fields.required(source, "source")
        sha256 = try fields.required(sha, "sha256")
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw fields.failure("\"sha256\" must be 64 lowercase hex digits")
        }
        self.hash = try fields.required(hash, "hash")
        guard self.hash.utf8.count == 16, self.hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw fields.failure("\"hash\" must be 16 lowercase hex digits")
        }
        self.width = try fields.required(width, "width")
        self.height = try fields.required(height, "height")
        byteSize = try fields.required(size, "byteSize")
        self.format = try fields.required(format, "format")
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(imageId, orNullForKey: "imageId")
            json.write(source, forKey: "source")
            json.write(sha256, forKey: "sha256")
            json.write(hash, forKey: "hash")
            json.write(width, forKey: "width")
            json.write(height, forKey: "height")
            json.write(byteSize, forKey: "byteSize")
            json.write(format, forKey: "format")
        }
    }
}

/// `library.image.registered`: an image known by its file but not yet fingerprinted — what an
/// import from the original MOBIUS library (which had no hashes) appends. `{"imageId","path",
/// "source"}`; `path` absolute or relative to the data folder. Migration `002-library-dhash`
/// fingerprints it into a `library.image.added` with the same id.
public struct LibraryImageRegistered: EventPayload {
    public static let type = "library.image.registered"
    public static let version: UInt64 = 1

    /// The image's id.
    public var imageId: String
    /// Where its file is.
    public var path: String
    /// Where it came from, if other than the path.
    public var source: String?

    /// A registration.
    public init(imageId: String, path: String, source: String?) {
        self.imageId = imageId
        self.path = path
        self.source = source
    }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var id: String?, path: String?, source: String?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "imageId": id = try reader.readString()
            case "path": path = try reader.readString()
            case "source": source = try reader.readOptionalString()
            default: break
            }
        }
        imageId = try fields.required(id, "imageId")
        self.path = try fields.required(path, "path")
        guard !self.path.isEmpty else { throw fields.failure("\"path\" must not be empty") }
        self.source = source
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(imageId, forKey: "imageId")
            json.write(path, forKey: "path")
            json.write(source, orNullForKey: "source")
        }
    }
}

/// `library.image.removed`: `{"imageId","reason"}`.
public struct LibraryImageRemoved: EventPayload {
    public static let type = "library.image.removed"
    public static let version: UInt64 = 1

    /// The image removed.
    public var imageId: String
    /// Why, if given.
    public var reason: String?

    /// A removal.
    public init(imageId: String, reason: String?) {
        self.imageId = imageId
        self.reason = reason
    }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var id: String?, reason: String?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "imageId": id = try reader.readString()
            case "reason": reason = try reader.readOptionalString()
            default: break
            }
        }
        imageId = try fields.required(id, "imageId")
        self.reason = reason
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(imageId, forKey: "imageId")
            json.write(reason, orNullForKey: "reason")
        }
    }
}

/// `lcm.enqueued`: a low-confidence match waits for review. Appended in the same frame as its
/// `extraction.completed`, right after it, so `extractionSeq` is this event's seq − 1; the item
/// id is `lcm-<seq>`. `{"hash","source","candidate","confidence"}`.
public struct ReviewItemEnqueued: EventPayload {
    public static let type = "lcm.enqueued"
    public static let version: UInt64 = 1

    /// The extracted image's dHash, hex.
    public var hash: String
    /// Where the image came from.
    public var source: String?
    /// The nearest library image (nil with an empty library).
    public var candidate: MatchSummary?
    /// The match's confidence (0 with no candidate).
    public var confidence: Double

    /// An item with the given fields.
    public init(hash: String, source: String?, candidate: MatchSummary?, confidence: Double) {
        self.hash = hash
        self.source = source
        self.candidate = candidate
        self.confidence = confidence
    }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var hash: String?, source: String?, candidate: MatchSummary?, confidence: Double?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "hash": hash = try reader.readString()
            case "source": source = try reader.readOptionalString()
            case "candidate": candidate = try MatchSummary.read(&reader)
            case "confidence": confidence = try reader.readDouble()
            default: break
            }
        }
        self.hash = try fields.required(hash, "hash")
        self.source = source
        self.candidate = candidate
        self.confidence = try fields.required(confidence, "confidence")
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(hash, forKey: "hash")
            json.write(source, orNullForKey: "source")
            json.writeKey("candidate")
            if let candidate { candidate.encode(to: &json) } else { json.writeNull() }
            json.write(confidence, forKey: "confidence")
        }
    }
}

/// What a person decided about a review item.
public enum ReviewDecision: String, Sendable, CaseIterable {
    /// The candidate match is right.
    case accept
    /// It is not.
    case reject
    /// The image is new: it joins the library (a `library.image.added` is appended with it).
    case addToLibrary = "add-to-library"
}

/// `lcm.resolved`: `{"itemId","decision","imageId","note"}` (`imageId`: the image added, for
/// `add-to-library`).
public struct ReviewItemResolved: EventPayload {
    public static let type = "lcm.resolved"
    public static let version: UInt64 = 1

    /// The item, `lcm-<seq>`.
    public var itemId: String
    /// The decision.
    public var decision: ReviewDecision
    /// The library image added, for `add-to-library`.
    public var imageId: String?
    /// A reviewer's note.
    public var note: String?

    /// A resolution.
    public init(itemId: String, decision: ReviewDecision, imageId: String?, note: String?) {
        self.itemId = itemId
        self.decision = decision
        self.imageId = imageId
        self.note = note
    }

    public init(from reader: inout JSONReader, version: UInt64) throws(EventDecodingError) {
        let fields = PayloadFields<Self>(version: version)
        var item: String?, decision: String?, image: String?, note: String?
        try fields.read(&reader) { (key, reader) throws(JSONError) in
            switch key {
            case "itemId": item = try reader.readString()
            case "decision": decision = try reader.readString()
            case "imageId": image = try reader.readOptionalString()
            case "note": note = try reader.readOptionalString()
            default: break
            }
        }
        itemId = try fields.required(item, "itemId")
        self.decision = try fields.required(decision.flatMap(ReviewDecision.init(rawValue:)), "decision")
        imageId = image
        self.note = note
    }

    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.write(itemId, forKey: "itemId")
            json.write(decision.rawValue, forKey: "decision")
            json.write(imageId, orNullForKey: "imageId")
            json.write(note, orNullForKey: "note")
        }
    }
}
