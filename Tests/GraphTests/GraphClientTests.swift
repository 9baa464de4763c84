import Foundation
import HoldfastTesting
import Graph
import GraphSim
import Testing

@Suite("Graph client against graph-sim")
struct GraphClientTests {
    @Test func pagesFollowNextLinkAndCountMatches() async throws {
        try await GraphSimHarness.run { harness in
            let session = harness.session()
            var ids: [String] = []
            var pageCount = 0
            for try await page in session.pages("/users?$top=7&$select=id,displayName") {
                pageCount += 1
                ids += page.items.compactMap { $0["id"]?.stringValue }
            }
            let total = try await session.count("/users")
            #expect(total > 7)
            #expect(ids.count == total)
            #expect(Set(ids).count == total)
            #expect(pageCount == (total + 6) / 7)

            // $count=true with the advanced-query header: the count comes on the first page only.
            var counts: [Int?] = []
            for try await page in session.pages("/users?$top=10&$count=true", headers: [("ConsistencyLevel", "eventual")]) {
                counts.append(page.count)
            }
            #expect(counts.first == total)
            #expect(counts.dropFirst().allSatisfy { $0 == nil })
        }
    }

    @Test func everyRequestCarriesItsOwnClientRequestID() async throws {
        try await GraphSimHarness.run { harness in
            let session = harness.session()
            _ = try await session.get("/users?$top=1")
            _ = try await session.get("/users?$top=1")
            let ids = harness.transport.graphRequests.compactMap(\.clientRequestID)
            #expect(ids.count == 2)
            #expect(Set(ids).count == 2)
            let logged = harness.fixture.tenant.requestLog.records().compactMap(\.clientRequestId)
            #expect(Set(logged) == Set(ids))
        }
    }

    @Test func graphErrorsAreTyped() async throws {
        try await GraphSimHarness.run { harness in
            do {
                _ = try await harness.session().get("/users/\(UUID().uuidString)")
                Issue.record("a missing user was found")
            } catch let error as Graph.GraphError {
                #expect(error.status == 404)
                #expect(error.code == .requestResourceNotFound)
                #expect(error.requestID != nil)
                #expect(error.clientRequestID != nil)
                #expect(error.date != nil)
            }
            // Not retried: one Graph request.
            #expect(harness.transport.graphRequests.count == 1)
        }
    }

    @Test func missingPermissionIsForbidden() async throws {
        try await GraphSimHarness.run { harness in
            try harness.fixture.simulator.revokePermissions(["User.Read.All", "Directory.Read.All"],
                                                            clientId: harness.fixture.application.clientId, tenant: "contoso")
            do {
                _ = try await harness.session().get("/users?$top=1")
                Issue.record("users were listed without permission")
            } catch let error as Graph.GraphError {
                #expect(error.status == 403)
                #expect(error.isPermissionMissing)
            }
        }
    }

    @Test func deltaRoundReturnsDeltaLinkAndSignalsResync() async throws {
        try await GraphSimHarness.run { harness in
            let session = harness.session()
            var seen = 0
            let first = try await session.deltaRound(.initial(collection: "/users", query: "$select=id,displayName")) { page in
                seen += page.items.count
            }
            guard case .completed(let deltaLink) = first else {
                Issue.record("the initial round did not complete: \(first)")
                return
            }
            #expect(seen == (try await session.count("/users")))
            #expect(deltaLink.contains("deltatoken"))

            var changes = 0
            let second = try await session.deltaRound(.deltaLink(deltaLink)) { changes += $0.items.count }
            guard case .completed = second else {
                Issue.record("the incremental round did not complete: \(second)")
                return
            }
            #expect(changes == 0)

            try harness.fixture.simulator.forceResync(tenant: "contoso")
            let third = try await session.deltaRound(.deltaLink(deltaLink)) { _ in }
            guard case .fullResyncRequired = third else {
                Issue.record("an invalidated delta token was not reported: \(third)")
                return
            }
        }
    }

    @Test func batchReturnsEveryPartInOrder() async throws {
        try await GraphSimHarness.run { harness in
            let session = harness.session()
            let users = try await session.get("/users?$top=2&$select=id")["value"]?.arrayValue ?? []
            let ids = users.compactMap { $0["id"]?.stringValue }
            #expect(ids.count == 2)
            let missing = UUID().uuidString
            let responses = try await session.batch([
                GraphBatchRequest(id: "a", url: "/users/\(ids[0])?$select=id"),
                GraphBatchRequest(id: "b", url: "/users/\(missing)"),
                GraphBatchRequest(id: "c", url: "/users/\(ids[1])?$select=id"),
            ])
            #expect(responses.map(\.id) == ["a", "b", "c"])
            #expect(responses.map(\.status) == [200, 404, 200])
            #expect(responses[0].body?["id"]?.stringValue == ids[0])
            #expect(responses[1].error?.code == .requestResourceNotFound)

            await #expect(throws: Graph.GraphError(code: .invalidRequest, message: "")) {
                try await session.batch((0..<21).map { GraphBatchRequest(id: "\($0)", url: "/users") })
            }
        }
    }

    @Test func throttledReadsWaitOutRetryAfterAndComplete() async throws {
        // 17.5 units per 10 s. Another client of the same app that ignores throttling spends the
        // tenant's units first (refused requests are charged too), so our read starts throttled
        // however slowly the machine runs.
        try await GraphSimHarness.run(throttling: true, scale: 0.005) { harness in
            let careless = try await harness.fixture.session()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<25 { group.addTask { _ = try await careless.get("/organization") } }
                try await group.waitForAll()
            }
            let session = harness.session()
            let tenantLog = harness.fixture.tenant.requestLog
            let transport = harness.transport
            // However slowly this machine runs, keep spending the tenant's units until one of our
            // requests has been refused, so the read below is throttled and must wait it out.
            let spender = Task {
                for _ in 0..<20_000 where !Task.isCancelled {
                    let ours = Set(transport.graphRequests.compactMap(\.clientRequestID))
                    if tenantLog.records().contains(where: { $0.isThrottled && $0.clientRequestId.map(ours.contains) == true }) { return }
                    _ = try? await careless.get("/organization")
                }
            }
            // On a loaded machine one read may slip through between the spender's requests: read
            // again (each read whole) until one of ours was refused and waited out.
            func oursThrottled() -> Bool {
                let ours = Set(transport.graphRequests.compactMap(\.clientRequestID))
                return tenantLog.records().contains { $0.isThrottled && $0.clientRequestId.map(ours.contains) == true }
            }
            var ids: [String] = []
            // Bounded, but generous: in a full parallel suite the spender and our reads interleave
            // unpredictably, and a round costs only a few small requests.
            for _ in 0..<200 {
                ids = []
                for try await page in session.pages("/users?$top=5&$select=id") {
                    ids += page.items.compactMap { $0["id"]?.stringValue }
                }
                if oursThrottled() { break }
            }
            spender.cancel()
            _ = await spender.result
            harness.fixture.simulator.setThrottling(enabled: false)
            #expect(ids.count == (try await session.count("/users")))

            let ours = Set(harness.transport.graphRequests.compactMap(\.clientRequestID))
            let records = harness.fixture.tenant.requestLog.records().filter { $0.clientRequestId.map(ours.contains) == true }
            let throttled = records.filter(\.isThrottled)
            #expect(!throttled.isEmpty, "our reads were not throttled; the test proves nothing")
            for record in throttled {
                let retryAfter = try #require(record.retryAfter)
                // None of our requests reached the tenant inside the Retry-After window.
                let early = records.filter {
                    $0.sequence > record.sequence && $0.receivedAt < record.receivedAt.addingTimeInterval(retryAfter)
                }
                #expect(early.isEmpty, "requests \(early.map(\.sequence)) came inside the Retry-After of request \(record.sequence)")
            }
        }
    }

    @Test func throttleStoreMakesOtherSessionsWait() async throws {
        let store = InMemoryThrottleStateStore()
        try await GraphSimHarness.run(throttleStore: store) { harness in
            // Another worker recorded a Retry-After for this tenant and app.
            let until = Date().addingTimeInterval(1.5)
            try await store.block(harness.identity, until: until, reason: "TooManyRequests", logger: TestLogger.make())
            _ = try await harness.session().get("/users?$top=1")
            let record = try #require(harness.fixture.tenant.requestLog.records().last)
            #expect(record.receivedAt >= until)
        }
    }
}

@Suite("Graph $batch under throttling")
struct GraphBatchThrottlingTests {
    @Test func throttledPartsAreRetriedAfterTheLongestRetryAfter() async throws {
        // 35 resource units per 10 s (3.5 a second). Another client of the same app that ignores
        // throttling spends the tenant's units first (refused requests are charged too), so the
        // batch that follows has parts throttled however slowly this machine runs.
        try await GraphSimHarness.run(throttling: true, scale: 0.01, configure: { $0.maxAttempts = 30 }) { harness in
            harness.fixture.simulator.setThrottling(enabled: false)
            let session = harness.session()
            let ids = try await session.get("/users?$top=20&$select=id")["value"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(ids.count == 20)
            harness.fixture.simulator.setThrottling(enabled: true)

            let careless = try await harness.fixture.session()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 { group.addTask { _ = try await careless.get("/organization") } }
                try await group.waitForAll()
            }
            for _ in 0..<2 {
                let responses = try await session.batch(ids.enumerated().map { index, id in
                    GraphBatchRequest(id: "\(index + 1)", url: "/users/\(id)?$select=id,displayName")
                })
                #expect(responses.map(\.status) == Array(repeating: 200, count: 20))
                #expect(responses.map { $0.body?["id"]?.stringValue } == ids)
            }

            let parts = harness.fixture.tenant.requestLog.records().filter { $0.batchPartId != nil }
            let throttled = parts.filter(\.isThrottled)
            #expect(!throttled.isEmpty, "no part was throttled; the test proves nothing")
            // Every retried part came after the longest Retry-After of the round that throttled it.
            for record in throttled {
                let retryAfter = try #require(record.retryAfter)
                let retry = parts.first { $0.sequence > record.sequence && $0.batchPartId == record.batchPartId }
                let resent = try #require(retry, "part \(record.batchPartId ?? "") was not sent again")
                #expect(resent.receivedAt >= record.receivedAt.addingTimeInterval(retryAfter))
            }
        }
    }
}
