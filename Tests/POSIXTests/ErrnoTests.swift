#if canImport(Glibc)
import Glibc
#endif
import POSIX
import Testing

@Suite struct ErrnoTests {
    @Test func namesAndText() {
        #expect(Errno.noSpace.rawValue == ENOSPC)
        #expect(Errno.noSpace.name == "ENOSPC")
        #expect(Errno.noSpace.description == "No space left on device")
        #expect(Errno.connectionReset.name == "ECONNRESET")
        #expect(Errno(EWOULDBLOCK) == .wouldBlock)
        #expect(Errno.wouldBlock.name == "EAGAIN")
    }

    @Test func unknownCodesStillPrint() {
        let code = Errno(4242)
        #expect(code.name == nil)
        #expect(code.symbol == "errno 4242")
        #expect(code.description.contains("4242"))
    }
}
