/// The preset deflate dictionaries, by id (see JournalFormat.swift).
///
/// A one-event frame is too short for deflate to find repeats in; priming it with fragments of
/// typical events (keys, type names, common values) lets even the first occurrence of
/// `"lowConfidence":false` be a back-reference. Ids are recorded in every segment header and are
/// never reused for other bytes: a future dictionary gets a new id and old segments still read.
/// Fragments are ordered least to most common, because deflate codes nearer matches (the end
/// of the dictionary) more cheaply.
package enum CompressionDictionary {
    /// The dictionary new segments use.
    package static let currentId: UInt32 = 1

    /// The dictionary bytes for `id`, or nil for an id this build does not know.
    package static func bytes(forId id: UInt32) -> [UInt8]? {
        id == 1 ? version1 : nil
    }

    /// Dictionary 1 (1445 bytes). Never edit: segments written with id 1 depend on it byte for byte.
    static let version1: [UInt8] = Array([
        #"{"level":"warning","message":"retrying after timeout","logger":"http.server"}"#,
        #"{"level":"error","message":"failed to decode image","logger":"imaging.png"}"#,
        #"{"name":"http_request_duration_ms","value":12.5,"labels":{"route":"/api/dhash/extract","method":"POST","status":"200"}}"#,
        #"{"name":"journal_append_latency_ms","value":0.25,"labels":{"durability":"always"}}"#,
        #"{"name":"queue_length","value":3,"labels":{"queue":"lcm"}}"#,
        #"journal.recoveredlibrary.image.addedlcm.enqueuedlcm.resolvedhealth.checksnapshot.createddeployment.startedmigration.appliedextraction.failed"#,
        #"{"segment":"00000000000000000001.seg","offset":4096,"bytes":120,"quarantinedTo":"quarantine/","reason":"torn frame"}"#,
        #"{"error":"unsupported image format","imagePath":"rulebooks/"#,
        #""format":"jpeg""#,
        #""format":"ppm""#,
        #"log.record"#,
        #"{"level":"info","message":"extraction completed","requestId":""#,
        #"","logger":"engine.extraction"}"#,
        #"{"level":"debug","message":"cache hit for image hash","requestId":""#,
        #"metric.sample"#,
        #"{"name":"dhash_extraction_duration_ms","value":"#,
        #"{"name":"images_in_library","value":"#,
        #"{"name":"lcm_queue_length","value":"#,
        #","labels":{"instance":"dhash-1","env":"production","format":"png"}}"#,
        #"extraction.completed"#,
        #"{"requestId":"3f2b8c1e-7d4a-4e9b-a1c2-5e6f7a8b9c0d","file":"rulebooks/"#,
        #"catan/page-012-img-03.png","hash":""#,
        #"gloomhaven/page-004-img-01.png","hash":""#,
        #"wingspan/page-021-img-02.png","hash":""#,
        #"","width":1024,"height":768,"format":"png","duration_ms":"#,
        #","confidence":0.9"#,
        #","lowConfidence":false}"#,
        #","lowConfidence":true}"#,
    ].joined().utf8)
}
