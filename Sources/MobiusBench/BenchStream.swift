/// The realistic event stream of the journal benchmark: seeded, so the journal benchmark and the
/// SQLite comparison (`tools/bench-journal`, fed by `bench journal --emit-stream N`) write the
/// very same events.
///
/// Mix: ≈50% `extraction.completed`, ≈30% `metric.sample`, ≈20% `log.record`; 150–400 bytes of
/// JSON each.
struct BenchStream {
    private var random: SplitMix64

    /// A stream; the same seed gives the same events on every machine.
    init(seed: UInt64 = 0x6D6F_6269_7573) { random = SplitMix64(seed: seed) }

    /// One event as a JSON Lines line (without newline): `{"type":"…","data":{…}}`.
    mutating func nextLine() -> (type: String, data: String) {
        let roll = next() % 10
        if roll < 5 { return ("extraction.completed", extraction()) }
        if roll < 8 { return ("metric.sample", metric()) }
        return ("log.record", log())
    }

    static let games = ["catan", "gloomhaven", "wingspan", "terraforming-mars", "spirit-island", "root", "scythe", "azul", "brass-birmingham", "everdell"]
    static let metrics = ["dhash_extraction_duration_ms", "images_in_library", "lcm_queue_length", "http_request_duration_ms", "journal_append_latency_ms"]
    static let messages = ["extraction completed", "cache hit for image hash", "image added to library", "low-confidence match queued for review", "retrying after timeout", "request received"]
    static let loggers = ["engine.extraction", "http.server", "library.index", "review.queue"]

    private mutating func next() -> UInt64 { random.next() }

    private mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }

    private mutating func hex(_ digits: Int) -> String {
        var text = ""
        while text.count < digits {
            let chunk = String(next(), radix: 16)
            text += String(repeating: "0", count: 16 - chunk.count) + chunk
        }
        return String(text.prefix(digits))
    }

    private mutating func uuid() -> String {
        let h = hex(32)
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-4" + String(c[13..<16]) + "-a" + String(c[17..<20]) + "-" + String(c[20..<32])
    }

    private mutating func decimal(_ max: UInt64, places: Int) -> String {
        let whole = next() % max
        var fraction = String(next() % 1000)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        return "\(whole).\(fraction.prefix(places))"
    }

    private mutating func extraction() -> String {
        let page = 1 + next() % 60, image = 1 + next() % 9
        let file = "rulebooks/\(pick(BenchStream.games))/page-\(page < 10 ? "00" : "0")\(page)-img-0\(image).png"
        let confidence = 0.55 + Double(next() % 450) / 1000
        let formats = ["png", "png", "png", "jpeg", "ppm"]
        return #"{"requestId":"\#(uuid())","file":"\#(file)","hash":"\#(hex(16))","width":\#(200 + next() % 1800),"height":\#(200 + next() % 1400),"format":"\#(pick(formats))","duration_ms":\#(decimal(90, places: 3)),"confidence":\#(String(confidence.description.prefix(5))),"lowConfidence":\#(confidence < 0.8)}"#
    }

    private mutating func metric() -> String {
        let envs = ["production", "staging"]
        return #"{"name":"\#(pick(BenchStream.metrics))","value":\#(decimal(500, places: 2)),"labels":{"instance":"dhash-\#(1 + next() % 4)","env":"\#(pick(envs))","format":"png","route":"/api/dhash/extract"}}"#
    }

    private mutating func log() -> String {
        let levels = ["info", "info", "info", "debug", "warning", "error"]
        return #"{"level":"\#(pick(levels))","message":"\#(pick(BenchStream.messages)) in \#(decimal(90, places: 1)) ms","requestId":"\#(uuid())","logger":"\#(pick(BenchStream.loggers))"}"#
    }
}
