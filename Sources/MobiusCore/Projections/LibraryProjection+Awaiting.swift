import JSON

/// An image registered by its file (`library.image.registered`) that has no fingerprint yet.
public struct RegisteredImage: Sendable, Equatable {
    /// Its id.
    public var id: String
    /// Its file: absolute, or relative to the data folder.
    public var path: String
    /// Where it came from, if given.
    public var source: String?
    /// The seq of its registration.
    public var registeredSeq: UInt64
}

extension LibraryProjection {
    /// Folds a registration: kept until a `library.image.added` with the same id (migration
    /// `002-library-dhash` appends it) or a `library.image.removed` takes it away; an id that is
    /// already in the library or waiting is left as it is.
    mutating func register(_ registered: LibraryImageRegistered, seq: UInt64) {
        guard !contains(id: registered.imageId), awaitingFingerprint[registered.imageId] == nil else { return }
        awaitingFingerprint[registered.imageId] = RegisteredImage(id: registered.imageId, path: registered.path, source: registered.source, registeredSeq: seq)
    }

    /// Registered images without a fingerprint, in the order registered.
    public var awaitingInOrder: [RegisteredImage] { awaitingFingerprint.values.sorted { $0.registeredSeq < $1.registeredSeq } }

    /// Writes `"awaitingFingerprint":[[registeredSeq,id,path,source],…]` in the order registered.
    func encodeAwaiting(to json: inout JSONWriter) {
        json.writeKey("awaitingFingerprint")
        json.writeArray { json in
            for image in awaitingInOrder {
                json.writeArray { json in
                    json.write(image.registeredSeq)
                    json.write(image.id)
                    json.write(image.path)
                    if let source = image.source { json.write(source) } else { json.writeNull() }
                }
            }
        }
    }

    /// Reads what `encodeAwaiting` wrote (the value after the key).
    mutating func decodeAwaiting(from reader: inout JSONReader) throws(JSONError) {
        var array = try reader.beginArray()
        while try reader.nextElement(in: &array) {
            var fields = try reader.beginArray()
            func next() throws(JSONError) {
                guard try reader.nextElement(in: &fields) else {
                    throw JSONError(.invalidValue, at: fields.startOffset, "a registered image is [registeredSeq, id, path, source]")
                }
            }
            try next(); let seq = try reader.readUInt64()
            try next(); let id = try reader.readString()
            try next(); let path = try reader.readString()
            try next(); let source = try reader.readOptionalString()
            guard try !reader.nextElement(in: &fields), awaitingFingerprint[id] == nil, !contains(id: id) else {
                throw JSONError(.invalidValue, at: fields.startOffset, "a registered image has extra fields or a repeated id")
            }
            awaitingFingerprint[id] = RegisteredImage(id: id, path: path, source: source, registeredSeq: seq)
        }
    }
}
