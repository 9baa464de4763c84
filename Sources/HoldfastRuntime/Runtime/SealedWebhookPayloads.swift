import Compliance
public import Foundation
public import Logging
import Restore
import Vault

/// Opens the payloads change alerts seal into `webhook` jobs, with the vault's tenant keys. Lives
/// here because Compliance (which delivers) and Restore (which seals) do not know each other.
struct SealedWebhookPayloads: WebhookPayloadOpener {
    let sealer: RecordSealer

    func open(_ sealed: [UInt8], tenantID: UUID, logger: Logger) async throws -> [UInt8] {
        try await self.sealer.open(sealed, context: ChangeAlertEvaluator.webhookContext, tenantID: tenantID, logger: logger)
    }
}
