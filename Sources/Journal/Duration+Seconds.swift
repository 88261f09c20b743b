extension Duration {
    /// The duration in seconds, as a Double (to the nearest the type holds).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
