import Foundation

/// Checks of a Prometheus text exposition: `promtool check metrics` (the copy
/// `tools/require-promtool` installs), and what promtool does not look at.
public enum ExpositionCheck {
    /// Where `tools/require-promtool` puts the binary.
    public static let promtool = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("../../tools/.promtool/promtool").standardized

    /// promtool's exit status and everything it printed, or nil when it is not installed.
    public static func runPromtool(on text: String) throws -> (status: Int32, report: String)? {
        guard FileManager.default.isExecutableFile(atPath: promtool.path) else { return nil }
        let process = Process()
        process.executableURL = promtool
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, report)
    }

    /// What is wrong beyond promtool's checks: a series that appears twice, and per histogram
    /// series a bucket list that does not end at `+Inf`, whose `le` do not ascend, whose counts
    /// are not cumulative, or whose `+Inf` count differs from `_count`. Empty when all hold.
    public static func problems(in text: String) -> [String] {
        var problems: [String] = []
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        var seen = Set<Substring>()
        var counts: [String: Double] = [:]
        // Histogram series (name and labels other than le) to their (le, count) in order.
        var buckets: [String: [(Double, Double)]] = [:]
        for sample in samples {
            guard let space = sample.lastIndex(of: " "), let value = Double(sample[sample.index(after: space)...]) else {
                problems.append("not 'series value': \(sample)")
                continue
            }
            let series = sample[..<space]
            if !seen.insert(series).inserted { problems.append("series twice: \(series)") }
            let name = series.prefix { $0 != "{" }
            if name.hasSuffix("_count") { counts[String(series).replacingOccurrences(of: "_count", with: "")] = value }
            guard name.hasSuffix("_bucket"), let le = series.range(of: #"le=""#) else { continue }
            let bound = series[le.upperBound...].prefix { $0 != "\"" }
            let others = String(series[..<le.lowerBound] + series[le.upperBound...].drop { $0 != "\"" }.dropFirst())
                .replacingOccurrences(of: "_bucket", with: "").replacingOccurrences(of: ",}", with: "}").replacingOccurrences(of: "{}", with: "")
            buckets[others, default: []].append((bound == "+Inf" ? .infinity : Double(bound) ?? .nan, value))
        }
        for (series, list) in buckets.sorted(by: { $0.key < $1.key }) {
            if list.last?.0 != .infinity { problems.append("\(series): no +Inf bucket last") }
            if !zip(list, list.dropFirst()).allSatisfy({ $0.0 < $1.0 }) { problems.append("\(series): le not ascending") }
            if !zip(list, list.dropFirst()).allSatisfy({ $0.1 <= $1.1 }) { problems.append("\(series): buckets not cumulative") }
            if counts[series] != list.last?.1 { problems.append("\(series): +Inf bucket \(list.last?.1 ?? -1) but _count \(counts[series] ?? -1)") }
        }
        return problems
    }
}
