import Foundation
import Imaging
import Testing
import TestSupport

/// The committed fixtures and goldens written by `tools/make-golden` (Pillow 13.0.0 and
/// ImageHash 4.3.2), read without Python.
enum DHashFixtures {
    /// The fixture folder inside the test bundle.
    static let directory = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/dhash")

    /// The parsed `goldens.json`.
    // nonisolated(unsafe): parsed once, never mutated afterwards.
    nonisolated(unsafe) static let goldens: [String: Any] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("goldens.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    /// The entries of one section (`pnm`, `png`, `raw`, `thumbnails`, `coefficients`, `luma`).
    static func section(_ name: String) -> [[String: Any]] {
        goldens[name] as! [[String: Any]]
    }

    /// The bytes of fixture `name`.
    static func bytes(_ name: String) -> [UInt8] {
        [UInt8](try! Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// Bytes from lowercase hex.
    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// File names of a section, for `@Test(arguments:)`.
    static func names(_ section: String) -> [String] {
        self.section(section).map { $0["file"] as! String }
    }

    /// The entry of `section` for `file`.
    static func entry(_ section: String, _ file: String) -> [String: Any] {
        self.section(section).first { $0["file"] as! String == file }!
    }
}

/// A sink that keeps everything it is given, for checking decoders.
struct RowCollector: RowSink {
    var header: ImageHeader?
    var rows: [[UInt8]] = []

    mutating func begin(_ header: ImageHeader) throws(ImagingError) { self.header = header }

    mutating func consume(_ fragment: RowFragment) throws(ImagingError) {
        #expect(fragment.y == rows.count)
        rows.append(Array(fragment.bytes))
    }

    /// All rows joined.
    var pixels: [UInt8] { rows.flatMap { $0 } }
}

extension Array where Element == UInt8 {
    /// Calls `body` with the bytes, keeping typed errors.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(ImagingError) -> R) throws(ImagingError) -> R {
        try withUnsafeBufferPointer { (buffer) throws(ImagingError) in try body(UnsafeRawBufferPointer(buffer)) }
    }
}

/// Splits `bytes` into pieces: whole, byte by byte, or at seeded random points.
enum Splitting: CustomStringConvertible, CaseIterable {
    case whole, byteByByte, random

    var description: String { "\(self == .whole ? "whole" : self == .byteByByte ? "byte by byte" : "random splits")" }

    func pieces(of bytes: [UInt8], seed: UInt64 = 7) -> [[UInt8]] {
        switch self {
        case .whole: return [bytes]
        case .byteByByte: return bytes.map { [$0] }
        case .random:
            var generator = SeededGenerator(seed: seed)
            var result: [[UInt8]] = []
            var start = 0
            while start < bytes.count {
                let length = Int.random(in: 0...64, using: &generator)
                result.append(Array(bytes[start..<Swift.min(bytes.count, start + length)]))
                start += length
            }
            return result
        }
    }
}
