import NIOPosix

/// The one way Holdfast gives blocking C calls a thread of their own, off Swift's cooperative
/// pool: swift-nio's `NIOThreadPool`. Work that blocks briefly and often runs on a pool of several
/// threads (libpq calls on the `PostgresClient`'s pool, file I/O); work that blocks for as long as
/// it lives (the curl multi loop, a LISTEN session, a test proxy) or for an unknown time
/// (`waitpid`) gets a pool of one thread through this type, which ends when the work does, so it
/// never starves a shared pool.
public enum DedicatedThread {
    /// Starts `body` on a new thread and returns at once; the thread ends after `body` returns.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        // The pool is ours and running, so the item runs on its thread (the state is `.active`).
        pool.submit { _ in
            body()
            // Marks the pool for shutdown and joins its thread from elsewhere once this item has
            // returned; it does not block here.
            pool.shutdownGracefully { _ in }
        }
    }

    /// Runs `body` on a new thread and returns its result; the calling task suspends meanwhile.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start { continuation.resume(with: Result { try body() }) }
        }
    }
}
