import JSON

// The `data` objects of the benchmark stream's three event kinds (BenchStream.swift), each
// decodable both by `JSONReader` (hand-written, as the service's decoders are) and by
// Foundation's `JSONDecoder` (synthesized `Decodable`), so the two decode the same fields into
// the same values.

/// `extraction.completed` data.
struct ExtractionCompletedData: Decodable, Equatable, JSONDecodable {
    var requestId: String
    var file: String
    var hash: String
    var width: Int
    var height: Int
    var format: String
    var durationMs: Double
    var confidence: Double
    var lowConfidence: Bool

    enum CodingKeys: String, CodingKey {
        case requestId, file, hash, width, height, format, confidence, lowConfidence
        case durationMs = "duration_ms"
    }

    init(from reader: inout JSONReader) throws(JSONError) {
        var requestId: String?, file: String?, hash: String?, format: String?
        var width: Int?, height: Int?, durationMs: Double?, confidence: Double?, lowConfidence: Bool?
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "requestId": requestId = try reader.readString()
            case "file": file = try reader.readString()
            case "hash": hash = try reader.readString()
            case "width": width = try reader.readInt()
            case "height": height = try reader.readInt()
            case "format": format = try reader.readString()
            case "duration_ms": durationMs = try reader.readDouble()
            case "confidence": confidence = try reader.readDouble()
            case "lowConfidence": lowConfidence = try reader.readBool()
            default: break
            }
        }
        guard let requestId, let file, let hash, let width, let height, let format, let durationMs, let confidence, let lowConfidence else {
            throw .missingKey("requestId, file, hash, width, height, format, duration_ms, confidence or lowConfidence", inObjectAt: object.startOffset)
        }
        (self.requestId, self.file, self.hash, self.width, self.height) = (requestId, file, hash, width, height)
        (self.format, self.durationMs, self.confidence, self.lowConfidence) = (format, durationMs, confidence, lowConfidence)
    }

    /// A number that depends on every field, so no decoding can be optimized away.
    var checksum: Int {
        requestId.utf8.count &+ file.utf8.count &+ hash.utf8.count &+ format.utf8.count &+ width &+ height
            &+ Int(durationMs * 1000) &+ Int(confidence * 1000) &+ (lowConfidence ? 1 : 0)
    }
}

/// `metric.sample` data.
struct MetricSampleData: Decodable, Equatable, JSONDecodable {
    var name: String
    var value: Double
    var labels: MetricLabels

    init(from reader: inout JSONReader) throws(JSONError) {
        var name: String?, value: Double?, labels: MetricLabels?
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "name": name = try reader.readString()
            case "value": value = try reader.readDouble()
            case "labels": labels = try MetricLabels(from: &reader)
            default: break
            }
        }
        guard let name, let value, let labels else { throw .missingKey("name, value or labels", inObjectAt: object.startOffset) }
        (self.name, self.value, self.labels) = (name, value, labels)
    }

    var checksum: Int { name.utf8.count &+ Int(value * 100) &+ labels.checksum }
}

/// The labels object nested in `metric.sample` data.
struct MetricLabels: Decodable, Equatable, JSONDecodable {
    var instance: String
    var env: String
    var format: String
    var route: String

    init(from reader: inout JSONReader) throws(JSONError) {
        var instance: String?, env: String?, format: String?, route: String?
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "instance": instance = try reader.readString()
            case "env": env = try reader.readString()
            case "format": format = try reader.readString()
            case "route": route = try reader.readString()
            default: break
            }
        }
        guard let instance, let env, let format, let route else { throw .missingKey("instance, env, format or route", inObjectAt: object.startOffset) }
        (self.instance, self.env, self.format, self.route) = (instance, env, format, route)
    }

    var checksum: Int { instance.utf8.count &+ env.utf8.count &+ format.utf8.count &+ route.utf8.count }
}

/// `log.record` data.
struct LogRecordData: Decodable, Equatable, JSONDecodable {
    var level: String
    var message: String
    var requestId: String
    var logger: String

    init(from reader: inout JSONReader) throws(JSONError) {
        var level: String?, message: String?, requestId: String?, logger: String?
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "level": level = try reader.readString()
            case "message": message = try reader.readString()
            case "requestId": requestId = try reader.readString()
            case "logger": logger = try reader.readString()
            default: break
            }
        }
        guard let level, let message, let requestId, let logger else { throw .missingKey("level, message, requestId or logger", inObjectAt: object.startOffset) }
        (self.level, self.message, self.requestId, self.logger) = (level, message, requestId, logger)
    }

    var checksum: Int { level.utf8.count &+ message.utf8.count &+ requestId.utf8.count &+ logger.utf8.count }
}

/// Which of the three shapes a sample is, told by its first key (`requestId`, `name`, `level`).
enum BenchEventKind {
    case extraction, metric, log

    /// The kind of `data`; nil for an object of none of the three shapes.
    init?(data: [UInt8]) {
        if data.starts(with: #"{"requestId""#.utf8) {
            self = .extraction
        } else if data.starts(with: #"{"name""#.utf8) {
            self = .metric
        } else if data.starts(with: #"{"level""#.utf8) {
            self = .log
        } else {
            return nil
        }
    }
}
