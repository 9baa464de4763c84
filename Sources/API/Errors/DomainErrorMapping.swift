import Compliance
import Graph
import Postgres
import Queue
import Tenancy
import Vault

/// The library errors the API knows how to answer, as ``APIError``s. Messages are the libraries'
/// own operator-safe messages; anything unrecognised becomes `internal_error` (and is logged).
enum DomainErrorMapping {
    static func apiError(for error: any Error) -> APIError? {
        switch error {
        case let error as TenancyError:
            switch error.code {
            case .tenantNotFound, .credentialNotFound: return APIError(.notFound, error.message, underlying: error)
            // A well-formed partner or policy id that names nothing, or a credential that cannot be
            // used (expired): well-formed requests the server cannot act on (docs/api.md, 422).
            case .partnerNotFound, .policyNotFound, .invalidCredential: return APIError(.unprocessableRequest, error.message, underlying: error)
            case .invalidRequest: return APIError(.invalidRequest, error.message, underlying: error)
            case .invalidStatusChange: return APIError(.invalidState, error.message, underlying: error)
            case .duplicateTenant: return APIError(.conflict, error.message, underlying: error)
            default: return nil
            }
        case let error as TenantImportError:
            // Its description names the row and column at fault; nothing of the file was added.
            if error.code == .fileTooLarge { return APIError(.bodyTooLarge, error.description, underlying: error) }
            return APIError(.invalidRequest, error.description, underlying: error)
        case let error as QueueError:
            switch error.code {
            case .jobNotFound: return APIError(.notFound, error.message, underlying: error)
            case .invalidState: return APIError(.invalidState, error.message, underlying: error)
            case .invalidRequest, .invalidArguments, .unknownKind: return APIError(.invalidRequest, error.message, underlying: error)
            case .tenantNotAdmitted: return APIError(.invalidState, error.message, underlying: error)
            default: return unavailable(error)
            }
        case let error as PolicyError:
            switch error.code {
            case .policyNotFound, .tenantNotFound: return APIError(.notFound, error.message, underlying: error)
            case .duplicatePolicy: return APIError(.conflict, error.message, underlying: error)
            // The API checks every setting the document states first; what the store still
            // refuses (a window that starts when it ends) is a contradiction the document cannot state.
            case .invalidPolicy: return APIError(.unprocessableRequest, error.message, underlying: error)
            case .reasonRequired: return APIError(.invalidRequest, error.message, underlying: error)
            default: return nil
            }
        case let error as VaultError:
            if error.code == .notFound { return APIError(.notFound, error.message, underlying: error) }
            return nil
        case let error as ComplianceError:
            switch error.code {
            case .tenantNotFound, .partnerNotFound: return APIError(.notFound, error.message, underlying: error)
            case .invalidPeriod: return APIError(.invalidParameter, error.message, underlying: error)
            default: return nil
            }
        case let error as GraphAuthenticationError:
            // Its description never holds the secret or the assertion.
            return APIError(.graphSignInFailed, "signing in to the tenant failed: \(error.description)", underlying: error)
        case let error as GraphError:
            return APIError(.graphFailed, "Microsoft Graph answered with an error: \(error.message)", underlying: error)
        case let error as PostgresError:
            // Text PostgreSQL cannot hold (a NUL character) is the caller's to fix, not a failure.
            if error.code == .encoding { return APIError(.invalidRequest, "a value contains a character that cannot be stored (NUL)", underlying: error) }
            return unavailable(error)
        default:
            return nil
        }
    }

    /// The database cannot be reached or is shutting down: 503, so clients retry.
    private static func unavailable(_ error: any Error) -> APIError? {
        var current: (any Error)? = error
        while let candidate = current {
            if let postgres = candidate as? PostgresError {
                switch postgres.code {
                case .connectionFailed, .connectionLost, .poolShutDown, .clientClosed:
                    return APIError(.unavailable, "the database is unreachable; try again shortly", underlying: error)
                default: return nil
                }
            }
            current = (candidate as? QueueError)?.underlying
        }
        return nil
    }
}

extension APIError.Code {
    /// The tenant's stored credential could not sign in (live diffs, restore plans, re-probes).
    static let graphSignInFailed = APIError.Code("graph_sign_in_failed", status: .badGateway)
    /// A Graph request failed after its retries.
    static let graphFailed = APIError.Code("graph_error", status: .badGateway)
}
