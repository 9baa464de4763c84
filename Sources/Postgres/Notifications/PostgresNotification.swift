/// A NOTIFY received on a LISTEN connection.
public struct PostgresNotification: Sendable, Hashable {
    public var channel: String
    public var payload: String
    /// The notifying backend's process id.
    public var processID: Int32
}

/// What a listener reports.
public enum PostgresListenerEvent: Sendable, Hashable {
    case notification(PostgresNotification)
    /// The LISTEN session was (re)established. Notifications sent while it was down are lost, so a
    /// consumer should re-check the state it waits on (workers poll the queue once).
    case listening
    /// The LISTEN session broke; the listener is reconnecting (``listening`` follows when it is back).
    case disconnected
}
