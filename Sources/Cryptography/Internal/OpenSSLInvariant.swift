/// Stops the process when an OpenSSL call that only fails on memory exhaustion or a broken
/// installation fails anyway: no caller can recover, and carrying on would hide it.
func requireOpenSSL(_ succeeded: Bool, _ operation: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard succeeded else {
        let reasons = OpenSSLErrorQueue.drain().map(\.text).joined(separator: "; ")
        fatalError("OpenSSL failed to \(operation()): \(reasons)", file: file, line: line)
    }
}
