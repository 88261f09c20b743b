/// Waits until `condition` holds, looking every 5 ms for up to `timeout` — generous, so that a
/// loaded machine does not fail a test that waits for another thread or process; returns
/// whether it came to hold. Tests wait for conditions with this instead of asserting timings.
package func eventually(timeout: Duration = .seconds(60), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}
