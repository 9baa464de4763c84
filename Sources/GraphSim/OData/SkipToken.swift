import Foundation

/// Opaque continuation tokens: base64url JSON of where a page stopped. Clients treat them as
/// opaque, as Graph documents; only graph-sim reads them back.
enum OpaqueToken {
    static func encode(_ object: JSONObject) -> String {
        Data(JSONWriter.serialize(object)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) -> JSONObject? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
              case .object(let object)? = try? JSONParser.parse(Array(data)) else { return nil }
        return object
    }

    /// The skip token of a keyset page: resume after sequence `after`.
    static func page(after sequence: UInt64) -> String {
        encode(["p": .int(Int(truncatingIfNeeded: sequence))])
    }

    static func pagePosition(_ token: String) -> UInt64? {
        guard let object = decode(token), let position = object["p"]?.intValue, position >= 0 else { return nil }
        return UInt64(position)
    }
}
