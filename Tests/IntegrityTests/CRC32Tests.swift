import Integrity
import Testing

@Suite struct CRC32Tests {
    /// The check value of CRC-32/ISO-HDLC: CRC of "123456789" is 0xCBF43926.
    @Test func checkValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func chaining() {
        let a = Array("12345".utf8), b = Array("6789".utf8)
        #expect(CRC32.checksum(b, initial: CRC32.checksum(a)) == 0xCBF4_3926)
    }
}
