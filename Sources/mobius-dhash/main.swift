import Foundation
import MobiusCLI

// Top-level code with `await` runs as the async main on the main actor (see MobiusCommandLine.main).
exit(await MobiusCommandLine.main().rawValue)
