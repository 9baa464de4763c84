import ServiceLifecycle
import Tenancy

/// Runs the credential expiry check in the coordinator process until graceful shutdown.
struct CredentialExpiryService: Service {
    let check: CredentialExpiryCheck

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.check.runPeriodically()
        }
    }
}
