import Testing

@Suite struct JournalPlaceholderTests {
    @Test func placeholder() { #expect(1 + 1 == 2) }
}
