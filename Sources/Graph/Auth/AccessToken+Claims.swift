import Foundation
import Cryptography

extension AccessToken {
    /// The application permissions (`roles` claim) an app-only token carries, read from the JWT's
    /// payload without verifying it (only Graph needs to trust it; Holdfast reports what it says).
    /// Nil when the token is not a JWT or has no `roles` (no permission granted at all); Entra
    /// omits the claim rather than sending an empty list.
    public var applicationRoles: [String]? {
        struct Claims: Decodable { var roles: [String]? }
        let parts = self.value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1].utf8),
              let claims = try? JSONDecoder().decode(Claims.self, from: Data(payload)) else { return nil }
        return claims.roles
    }

    /// Whether the token is a JWT whose payload could be read (so a missing `roles` means none).
    public var isReadableJWT: Bool {
        let parts = self.value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1].utf8) else { return false }
        return (try? JSONSerialization.jsonObject(with: Data(payload))) is [String: Any]
    }
}

extension AccessToken {
    /// The `tid` claim: the directory (tenant) id the token was issued in, which resolves a
    /// domain name given at onboarding to the tenant's GUID.
    public var tenantIDClaim: String? {
        struct Claims: Decodable { var tid: String? }
        let parts = self.value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1].utf8) else { return nil }
        return (try? JSONDecoder().decode(Claims.self, from: Data(payload)))?.tid
    }
}
