import Imaging
import JSON

extension LibraryProjection {
    /// The canonical JSON that `replay --projection library` and `GET /api/state` show:
    /// `{"awaitingFingerprint":[…],"images":[[addedSeq,id,source,sha256,hash,width,height,
    /// byteSize,format,addedAt],…]}` in the order added; `id` is null when it is the default
    /// `img-<addedSeq>`. `awaitingFingerprint` is `encodeAwaiting`'s. (A snapshot holds the
    /// images as a binary table instead: `encodeStateSummary` and LibraryImageTable.swift.)
    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            encodeAwaiting(to: &json)
            json.writeKey("images")
            json.writeArray { json in
                forEachPosition { position in
                    let row = rows[position]
                    json.writeArray { json in
                        json.write(row.seq)
                        if let id = row.explicitId { json.write(id) } else { json.writeNull() }
                        json.write(row.source)
                        json.write(row.digest.hex)
                        json.write(DifferenceHash(value: row.hash).hex)
                        json.write(row.width)
                        json.write(row.height)
                        json.write(row.byteSize)
                        json.write(row.format)
                        json.write(row.addedAt)
                    }
                }
            }
        }
    }

    /// The library's part of a snapshot's JSON: `{"awaitingFingerprint":[…],"imageCount":N}`;
    /// the N images follow the JSON as a binary table (`appendImageTable`).
    func encodeStateSummary(to json: inout JSONWriter) {
        json.writeObject { json in
            encodeAwaiting(to: &json)
            json.write(count, forKey: "imageCount")
        }
    }

    /// Reads `encodeStateSummary`'s object: the library with its registered images, and the
    /// number of images its table holds.
    static func decodeStateSummary(from reader: inout JSONReader) throws(JSONError) -> (LibraryProjection, imageCount: Int) {
        var library = LibraryProjection()
        var imageCount: Int?
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "awaitingFingerprint": try library.decodeAwaiting(from: &reader)
            case "imageCount": imageCount = try reader.readInt()
            default: try reader.skipValue()
            }
        }
        guard let imageCount, imageCount >= 0 else {
            throw JSONError(.invalidValue, at: reader.offset, "the library state has no valid \"imageCount\"")
        }
        return (library, imageCount)
    }
}
