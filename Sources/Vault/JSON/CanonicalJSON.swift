public import JSON

/// The vault's name for the shared JSON value: numbers keep their text and
/// ``JSON/JSONValue/canonicalBytes()`` sorts members, so canonicalising an object never rounds a
/// large integer or changes a decimal, and equal objects hash alike whatever their member order.
public typealias CanonicalJSON = JSONValue

extension JSONValue {
    /// Canonical bytes of `bytes`, a JSON text; a duplicate member name is refused, since a
    /// canonical form could not say which one was meant.
    public static func canonicalize(_ bytes: [UInt8]) throws(VaultError) -> [UInt8] {
        do {
            return try JSONParser.parse(bytes).canonicalBytes()
        } catch {
            throw VaultError(.invalidJSON, error.description)
        }
    }
}
