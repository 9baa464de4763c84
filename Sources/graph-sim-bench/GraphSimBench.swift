import ArgumentParser
import Foundation
import GraphSim
import GraphSimTesting
import Logging

/// Measures how fast graph-sim serves a large tenant's users over HTTP, in pages of 100 and 999,
/// while another tenant is read at the same time. Throttling and added latency are off: the
/// question is whether graph-sim can ever be a benchmark's bottleneck.
///
/// The last line of output is `{"bench":"graph-sim","objects_per_s":…,"requests_per_s":…}`.
@main
struct GraphSimBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph-sim-bench",
        abstract: "Throughput of graph-sim listing users of a large tenant."
    )

    @Option(help: "Users in the large tenant.")
    var users = 100_000

    @Option(help: "Concurrent readers of the large tenant (one connection each).")
    var readers = 2

    @Option(help: "Full passes over the users per page size (after one warm-up pass).")
    var passes = 2

    func run() async throws {
        var logger = Logger(label: "graph-sim-bench")
        // Hummingbird logs the polling connection's cancellation at shutdown as an error.
        logger.logLevel = .critical
        let seedStart = Date()
        let simulator = try GraphSimulator(
            configuration: .init(tenants: [
                TenantSpecification(name: "woodgrove", profile: SeedProfile(name: "bench", users: users), seed: 3),
                TenantSpecification(name: "contoso", profile: .small, seed: 1),
            ], throttlingEnabled: false),
            logger: logger
        )
        let seedSeconds = Date().timeIntervalSince(seedStart)
        print("seeded \(users) users (+ a small tenant) in \(String(format: "%.2f", seedSeconds)) s")
        let permissions = ["User.Read.All", "Group.Read.All"]
        let large = try await simulator.makeFixture(tenant: "woodgrove", permissions: permissions)
        let small = try await simulator.makeFixture(tenant: "contoso", permissions: permissions)
        let largeSession = try await large.session()
        let smallSession = try await small.session()
        let (host, port, _) = try HTTPTestClient.split(large.baseURL)

        // Warm-up: the first read of each object builds its cached serialized form.
        let warmStart = Date()
        let warm = try await listAll(host: host, port: port, session: largeSession, pageSize: 999, validate: true)
        print("warm-up pass: \(warm.objects) users in \(String(format: "%.2f", Date().timeIntervalSince(warmStart))) s")
        let count = try await largeSession.get("/users/$count", headers: [("ConsistencyLevel", "eventual")])
        guard Int(count.text) == warm.objects else {
            throw ValidationError("the warm-up pass read \(warm.objects) users, but the tenant has \(count.text)")
        }

        var totalObjects = 0
        var totalRequests = 0
        var totalSeconds = 0.0
        for pageSize in [100, 999] {
            let background = Task { try await pollSmallTenant(host: host, port: port, session: smallSession) }
            let start = Date()
            let results = try await withThrowingTaskGroup(of: (objects: Int, requests: Int).self) { group in
                for _ in 0..<readers {
                    group.addTask {
                        var objects = 0
                        var requests = 0
                        for _ in 0..<passes {
                            let pass = try await listAll(host: host, port: port, session: largeSession, pageSize: pageSize, validate: false)
                            objects += pass.objects
                            requests += pass.requests
                        }
                        return (objects, requests)
                    }
                }
                var all: [(objects: Int, requests: Int)] = []
                for try await result in group { all.append(result) }
                return all
            }
            let seconds = Date().timeIntervalSince(start)
            background.cancel()
            let smallTenant = try await background.value
            let objects = results.reduce(0) { $0 + $1.objects }
            let requests = results.reduce(0) { $0 + $1.requests }
            totalObjects += objects
            totalRequests += requests
            totalSeconds += seconds
            print("pages of \(pageSize): \(objects) users in \(requests) requests over \(String(format: "%.2f", seconds)) s"
                + " = \(Int(Double(objects) / seconds)) objects/s, \(Int(Double(requests) / seconds)) requests/s"
                + "; meanwhile the small tenant answered \(smallTenant.requests) requests"
                + " (slowest \(String(format: "%.1f", smallTenant.slowest * 1000)) ms)")
        }
        let objectsPerSecond = Int(Double(totalObjects) / totalSeconds)
        let requestsPerSecond = Int(Double(totalRequests) / totalSeconds)
        print("{\"bench\":\"graph-sim\",\"objects_per_s\":\(objectsPerSecond),\"requests_per_s\":\(requestsPerSecond)}")
        await simulator.stop()
    }

    /// Follows next links over one connection until the last page.
    func listAll(host: String, port: Int, session: GraphTestSession, pageSize: Int, validate: Bool) async throws -> (objects: Int, requests: Int) {
        try await HTTPTestClient.withConnection(host: host, port: port) { connection in
            var target: String? = "/v1.0/users?$top=\(pageSize)"
            var objects = 0
            var requests = 0
            let authorization = [("Authorization", "Bearer \(session.accessToken)")]
            while let next = target {
                let response = try await connection.request("GET", next, headers: authorization)
                requests += 1
                guard response.status == 200 else {
                    throw ValidationError("GET \(next) answered \(response.status): \(response.text.prefix(300))")
                }
                if validate {
                    // Parse every page fully once, to check the scan below counts what it should.
                    let page = try response.json()
                    let items = page["value"]?.arrayValue ?? []
                    guard items.count == Self.count(response.body) else {
                        throw ValidationError("the page scan disagrees with the parsed page")
                    }
                    objects += items.count
                    target = page["@odata.nextLink"]?.stringValue.map(Self.pathAndQuery)
                } else {
                    objects += Self.count(response.body)
                    target = Self.nextLink(response.body).map(Self.pathAndQuery)
                }
            }
            return (objects, requests)
        }
    }

    /// Reads the small tenant's groups over and over until cancelled.
    func pollSmallTenant(host: String, port: Int, session: GraphTestSession) async throws -> (requests: Int, slowest: Double) {
        try await HTTPTestClient.withConnection(host: host, port: port) { connection in
            var requests = 0
            var slowest = 0.0
            while !Task.isCancelled {
                let start = Date()
                let response = try await connection.request("GET", "/v1.0/groups?$select=id,displayName",
                                                             headers: [("Authorization", "Bearer \(session.accessToken)")])
                guard response.status == 200 else { throw ValidationError("the small tenant answered \(response.status)") }
                slowest = max(slowest, Date().timeIntervalSince(start))
                requests += 1
                try? await Task.sleep(for: .milliseconds(20))
            }
            return (requests, slowest)
        }
    }

    static let userMarker = Array("\"userPrincipalName\":".utf8)
    static let nextMarker = Array("\"@odata.nextLink\":\"".utf8)

    /// Users on a page: each default-projection user has exactly one `userPrincipalName`.
    static func count(_ body: [UInt8]) -> Int {
        occurrences(of: userMarker, in: body).count
    }

    static func nextLink(_ body: [UInt8]) -> String? {
        guard let start = occurrences(of: nextMarker, in: body, limit: 1).first else { return nil }
        let from = start + nextMarker.count
        guard let end = body[from...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: body[from..<end], as: UTF8.self)
    }

    static func occurrences(of marker: [UInt8], in body: [UInt8], limit: Int = .max) -> [Int] {
        var found: [Int] = []
        body.withUnsafeBufferPointer { bytes in
            guard bytes.count >= marker.count else { return }
            var index = 0
            let first = marker[0]
            while index <= bytes.count - marker.count && found.count < limit {
                if bytes[index] == first {
                    var matched = true
                    for offset in 1..<marker.count where bytes[index + offset] != marker[offset] {
                        matched = false
                        break
                    }
                    if matched {
                        found.append(index)
                        index += marker.count
                        continue
                    }
                }
                index += 1
            }
        }
        return found
    }

    static func pathAndQuery(_ url: String) -> String {
        (try? HTTPTestClient.split(url).target) ?? url
    }
}
