import Foundation
import MobiusCLI

exit(MobiusCommandLine.main().rawValue)
