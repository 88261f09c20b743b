import JSON

extension MetricsProjection {
    /// The canonical encoding (keys sorted; buckets by second).
    public func encode(to json: inout JSONWriter) {
        json.writeObject { json in
            json.writeKey("buckets")
            json.writeArray { json in
                for bucket in buckets.values.sorted(by: { $0.second < $1.second }) {
                    json.writeArray { json in
                        json.write(bucket.second)
                        json.write(bucket.total)
                        json.write(bucket.failed)
                        json.write(bucket.timed)
                        json.write(bucket.durationSumMs)
                    }
                }
            }
            json.writeKey("countingSince")
            if let countingSince { json.write(countingSince) } else { json.writeNull() }
            json.write(durationSumMs, forKey: "durationSumMs")
            json.write(failed, forKey: "failed")
            json.write(nextSample, forKey: "nextSample")
            json.writeKey("samples")
            json.writeArray { json in for sample in samples { json.write(sample) } }
            json.write(successful, forKey: "successful")
            json.write(timedCount, forKey: "timedCount")
            json.write(total, forKey: "total")
        }
    }

    /// Decodes `encode(to:)`'s output.
    public init(from reader: inout JSONReader) throws(JSONError) {
        self.init()
        var object = try reader.beginObject()
        while let key = try reader.nextKey(in: &object) {
            switch key {
            case "buckets":
                var array = try reader.beginArray()
                while try reader.nextElement(in: &array) {
                    var fields = try reader.beginArray()
                    var values: [Double] = []
                    while try reader.nextElement(in: &fields) { values.append(try reader.readDouble()) }
                    guard values.count == 5, values[0] >= 0, values[0] < 1e15 else {
                        throw JSONError(.invalidValue, at: fields.startOffset, "a metrics bucket is [second, total, failed, timed, durationSumMs]")
                    }
                    let second = UInt64(values[0])
                    buckets[second % MetricsProjection.windowSeconds] = SecondBucket(
                        second: second, total: Int(values[1]), failed: Int(values[2]), timed: Int(values[3]), durationSumMs: values[4])
                }
            case "countingSince": countingSince = try reader.readNullIfPresent() ? nil : reader.readUInt64()
            case "durationSumMs": durationSumMs = try reader.readDouble()
            case "failed": failed = try reader.readInt()
            case "nextSample": nextSample = try reader.readInt()
            case "samples": samples = try reader.readArray(of: Double.self)
            case "successful": successful = try reader.readInt()
            case "timedCount": timedCount = try reader.readInt()
            case "total": total = try reader.readInt()
            default: try reader.skipValue()
            }
        }
        guard samples.count <= MetricsProjection.sampleLimit, nextSample >= 0, nextSample < max(1, MetricsProjection.sampleLimit) else {
            throw JSONError(.invalidValue, at: object.startOffset, "metrics samples exceed \(MetricsProjection.sampleLimit)")
        }
    }
}
