import CLibPQ
import Synchronization

/// A session's `PQtransactionStatus`, written by the blocking thread after each call and read by
/// the pool from any thread.
final class AtomicTransactionStatus: Sendable {
    private let value = Atomic<UInt32>(PQTRANS_IDLE.rawValue)
    init() {}
    var status: PGTransactionStatusType { PGTransactionStatusType(rawValue: value.load(ordering: .acquiring)) }
    func record(_ connection: OpaquePointer) { value.store(PQtransactionStatus(connection).rawValue, ordering: .releasing) }
}
