// Typed-throws variants of standard-library closures whose `rethrows` loses the error type.

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` keeping `body`'s typed error, which the standard library's `rethrows` erases.
    func withUnsafeBytesTyped<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        try withUnsafeBytes { buffer in Swift.Result { () throws(Failure) in try body(buffer) } }.get()
    }
}
