/// Permits for the Graph listings one backup has in flight, shared by every entry it reads at
/// once, so that reading several types side by side never opens more requests than the HTTP
/// client has connections for (a queued request would only wait out its timeout in libcurl).
actor ListingLimiter {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) {
        self.available = max(1, permits)
    }

    /// Runs `body` holding one permit. A waiter is not cancellable, but every holder finishes
    /// or fails (a cancelled run cancels their requests), so a wait never outlives the run.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await self.acquire()
        do {
            let result = try await body()
            self.release()
            return result
        } catch {
            self.release()
            throw error
        }
    }

    private func acquire() async {
        if self.available > 0 {
            self.available -= 1
            return
        }
        await withCheckedContinuation { self.waiters.append($0) }
    }

    private func release() {
        if self.waiters.isEmpty {
            self.available += 1
        } else {
            self.waiters.removeFirst().resume()
        }
    }
}
