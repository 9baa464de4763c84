import Compliance
import Jobs
public import Queue
import Tenancy
import Worker

extension EnqueueChecks {
    /// Every job kind Holdfast runs, and the tenant admission: what every enqueue of the CLI,
    /// the coordinator, the API and the workers is checked against.
    public static let holdfast = EnqueueChecks(
        JobsArguments.all + [DiagnosticJobHandler.Arguments.self, WebhookArguments.self], admission: TenantEnqueueAdmission())
}
