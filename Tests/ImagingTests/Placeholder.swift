import Testing

@Suite struct ImagingPlaceholderTests {
    @Test func placeholder() { #expect(1 + 1 == 2) }
}
