/// The version of mobius-dhash, the one place it is written: `--version` prints it, and so will
/// the HTTP API's `version` fields.
package enum MobiusVersion {
    /// Semantic version of this build.
    package static let current = "0.3.0"
}
