import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

/// A user's view: the token endpoint and a paged, throttled read driven with plain `curl`.
@Suite("curl against graph-sim")
struct CurlTests {
    static let curlPath = ["/usr/bin/curl", "/usr/local/bin/curl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs curl without blocking a thread: the continuation resumes from the termination handler.
    static func curl(_ arguments: [String]) async throws -> Int32 {
        let path = try #require(curlPath, "curl is not installed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--silent", "--show-error", "--globoff"] + arguments
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                continuation.resume(returning: finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Status and headers from a `curl -D` dump (the last response in it).
    static func readHeaders(_ url: URL) throws -> (status: Int, headers: [String: String]) {
        let text = try String(contentsOf: url, encoding: .utf8)
        var status = 0
        var headers: [String: String] = [:]
        for line in text.components(separatedBy: "\r\n") {
            if line.hasPrefix("HTTP/") {
                status = Int(line.split(separator: " ")[1]) ?? 0
                headers = [:]
            } else if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return (status, headers)
    }

    @Test("token with a secret, then every user through next links, waiting out Retry-After")
    func pagedThrottledRead() async throws {
        // Two resource units a second for a small tenant, so a dozen pages meet the limit.
        var limits = ThrottleLimits()
        limits.resourceUnitsSmall = 2
        limits.resourceUnitWindow = 1
        try await TestSupport.withFixture(permissions: ["User.Read.All"], throttling: true, limits: limits) { fixture in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("graph-sim-curl-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let tokenFile = directory.appendingPathComponent("token.json")
            let status = try await Self.curl([
                "-X", "POST", "\(fixture.baseURL)/\(fixture.tenant.initialDomain)/oauth2/v2.0/token",
                "-d", "client_id=\(fixture.application.clientId)",
                "--data-urlencode", "client_secret=\(fixture.secret.value)",
                "--data-urlencode", "scope=https://graph.microsoft.com/.default",
                "-d", "grant_type=client_credentials",
                "-o", tokenFile.path,
            ])
            #expect(status == 0)
            let token = try #require(try JSONParser.parse(Array(Data(contentsOf: tokenFile)))["access_token"]?.stringValue)

            // Another tool of the same app is already busy in the tenant: four requests at once.
            async let a = Self.curl(["-o", "/dev/null", "-H", "Authorization: Bearer \(token)", "\(fixture.baseURL)/v1.0/domains"])
            async let b = Self.curl(["-o", "/dev/null", "-H", "Authorization: Bearer \(token)", "\(fixture.baseURL)/v1.0/domains"])
            async let c = Self.curl(["-o", "/dev/null", "-H", "Authorization: Bearer \(token)", "\(fixture.baseURL)/v1.0/domains"])
            async let d = Self.curl(["-o", "/dev/null", "-H", "Authorization: Bearer \(token)", "\(fixture.baseURL)/v1.0/domains"])
            #expect(try await [a, b, c, d] == [0, 0, 0, 0])
            // ... and stays busy until our read is first refused, however slowly this machine runs
            // (the other tool's requests are charged to the same app and tenant).
            // Eight requests in flight at a time, so the tool outspends the refill even when
            // starting each curl process is slow.
            let busyTool = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            for _ in 0..<250 where !Task.isCancelled {
                                _ = try? await Self.curl(["-o", "/dev/null", "-H", "Authorization: Bearer \(token)", "\(fixture.baseURL)/v1.0/domains"])
                            }
                        }
                    }
                }
            }
            defer { busyTool.cancel() }

            var url: String? = "\(fixture.baseURL)/v1.0/users?$top=2&$select=id,displayName"
            var ids: [String] = []
            var throttles = 0
            var requests = 0
            let body = directory.appendingPathComponent("page.json")
            let headers = directory.appendingPathComponent("headers.txt")
            while let next = url, requests < 200 {
                requests += 1
                let exit = try await Self.curl(["-H", "Authorization: Bearer \(token)", "-D", headers.path, "-o", body.path, next])
                #expect(exit == 0)
                let (status, fields) = try Self.readHeaders(headers)
                if status == 429 {
                    throttles += 1
                    busyTool.cancel()
                    _ = await busyTool.result
                    let wait = try #require(fields["retry-after"].flatMap(Double.init))
                    try await Task.sleep(for: .milliseconds(Int((wait * 1000).rounded(.up)) + 20))
                    continue
                }
                #expect(status == 200)
                let page = try JSONParser.parse(Array(Data(contentsOf: body)))
                ids += page.items.compactMap { $0["id"]?.stringValue }
                url = page["@odata.nextLink"]?.stringValue
            }
            #expect(url == nil)
            let expected = try fixture.simulator.state(tenant: fixture.tenant.id)["objects"]?["user"]?.arrayValue?.count
            #expect(ids.count == expected)
            #expect(Set(ids).count == ids.count)
            #expect(throttles > 0, "the scaled limits should have throttled the read")
            // Every request after a 429 came after its Retry-After.
            let records = fixture.tenant.requestLog.records().filter { $0.path.hasPrefix("/users") }
            for (index, record) in records.enumerated() where record.isThrottled && index + 1 < records.count {
                let gap = records[index + 1].receivedAt.timeIntervalSince(record.receivedAt)
                #expect(gap >= (record.retryAfter ?? 0))
            }
        }
    }
}
