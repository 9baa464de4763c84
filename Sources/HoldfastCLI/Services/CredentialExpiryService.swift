import ServiceLifecycle
import Tenancy

/// Runs the credential expiry check in the coordinator process until graceful shutdown.
struct CredentialExpiryService: Service {
    let check: CredentialExpiryCheck
    let metrics: TenantHealthMetrics

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.check.runPeriodically(onRound: self.metrics.credentialsChecked)
        }
    }
}
