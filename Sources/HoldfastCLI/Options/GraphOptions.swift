import ArgumentParser
import Foundation
import Graph

/// Graph and token endpoints from the environment, as the worker reads them.
enum GraphEnvironment {
    /// `HOLDFAST_GRAPH_BASE_URL` and `HOLDFAST_LOGIN_BASE_URL`; the global cloud when unset.
    static var configuration: GraphConfiguration {
        let environment = ProcessInfo.processInfo.environment
        return GraphConfiguration(
            graphBaseURL: environment["HOLDFAST_GRAPH_BASE_URL"] ?? GraphCloud.global.graphBaseURL,
            loginBaseURL: environment["HOLDFAST_LOGIN_BASE_URL"] ?? GraphCloud.global.loginBaseURL)
    }
}

/// `--actor`: who an audited operator action is recorded as.
struct ActorOptions: ParsableArguments {
    @Option(name: .customLong("actor"), help: "Who the audit log records as acting (default: $USER).")
    var actor: String?

    var resolved: String {
        if let actor, !actor.isEmpty { return actor }
        let user = ProcessInfo.processInfo.environment["USER"] ?? ""
        return user.isEmpty ? "unknown-operator" : user
    }
}
