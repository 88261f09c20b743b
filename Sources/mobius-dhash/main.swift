import Foundation
import MobiusCLI

exit(MobiusCommandLine.main(Array(CommandLine.arguments.dropFirst())).rawValue)
