import Foundation

/// A fresh folder under the system's temporary directory, removed by `remove()`.
package struct TemporaryDirectory: Sendable {
    /// The folder's path.
    package let path: String

    /// Creates a uniquely named folder; `label` makes leftovers recognisable.
    package init(_ label: String = "mobius") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// `path/name`.
    package func appending(_ name: String) -> String { path + "/" + name }

    /// Deletes the folder and everything in it.
    package func remove() { try? FileManager.default.removeItem(atPath: path) }
}
