import POSIX
import Testing

@Suite struct FilePathTests {
    @Test func refusesNULAndEmpty() {
        // Text from outside goes through the validating initializer; literals are checked by precondition.
        #expect(FilePath(validating: "a\u{0}b") == nil)
        #expect(FilePath(validating: "\u{0}") == nil)
        #expect(FilePath(validating: "/tmp/x\u{0}") == nil)
        #expect(FilePath(validating: "") == nil)
        #expect(FilePath(validating: "a") != nil)
    }

    @Test func dotDotIsKeptLiterally() throws {
        let path = try #require(FilePath(validating: "/srv/images/../secrets"))
        #expect(path.string == "/srv/images/../secrets")
        #expect(path.components == ["srv", "images", "..", "secrets"])
        #expect(path.parent?.string == "/srv/images/..")
        #expect(path.parent?.parent?.string == "/srv/images")
        #expect(FilePath(validating: "a/./b")?.string == "a/./b")
        #expect(FilePath(validating: "..")?.lastComponent == "..")
    }

    @Test func parentOfRootAndOfRelativeNames() {
        let root: FilePath = "/"
        #expect(root.parent == nil)
        #expect(root.lastComponent == nil)
        #expect(root.components.isEmpty)
        #expect(root.isAbsolute)
        #expect(FilePath(validating: "/a")?.parent == root)
        #expect(FilePath(validating: "a")?.parent?.string == ".")
        #expect(FilePath(validating: ".")?.parent == nil)
        #expect(FilePath(validating: "..")?.parent?.string == ".")
        #expect(FilePath(validating: "a/b")?.parent?.string == "a")
        // Climbing with `parent` always ends.
        var path: FilePath? = FilePath(validating: "x/y/../z")
        var steps = 0
        while let current = path { path = current.parent; steps += 1 }
        #expect(steps == 5)
    }

    @Test func slashesAreNormalisedOnlyWhereMeaningCannotChange() {
        #expect(FilePath(validating: "//a///b/")?.string == "/a/b")
        #expect(FilePath(validating: "///")?.string == "/")
        #expect(FilePath(validating: "a/")?.string == "a")
        #expect(FilePath(validating: "a/") == FilePath(validating: "a"))
    }

    @Test func isAbsolute() {
        #expect(FilePath(validating: "/x")?.isAbsolute == true)
        #expect(FilePath(validating: "x")?.isAbsolute == false)
        #expect(FilePath(validating: "./x")?.isAbsolute == false)
    }

    @Test func appending() {
        let folder: FilePath = "/data/journal"
        #expect(folder.appending("LOCK").string == "/data/journal/LOCK")
        #expect(folder.appending("quarantine/x.seg").string == "/data/journal/quarantine/x.seg")
        // A leading slash does not escape to the root.
        #expect(folder.appending("/etc/passwd").string == "/data/journal/etc/passwd")
        #expect(folder.appending("").string == "/data/journal")
        #expect(FilePath("/").appending("tmp").string == "/tmp")
        #expect(FilePath(validating: "a")?.appending(FilePath(validating: "b/c")!).string == "a/b/c")
        #expect(folder.appending("..").lastComponent == "..")
    }

    @Test func cStringIsTheNormalisedPath() {
        let path: FilePath = "/tmp//x/"
        let text = path.withCString { String(cString: $0) }
        #expect(text == "/tmp/x")
        #expect(path.description == "/tmp/x")
    }
}
