#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Time-based one-time passwords (RFC 6238 over HOTP, RFC 4226): the second factor of console users.
public struct TOTP: Sendable {
    public let secret: [UInt8]
    public let digits: Int
    /// Seconds per time step (X in RFC 6238).
    public let period: Int
    public let digest: HMAC.Digest

    /// 20 random bytes (160 bits), RFC 4226's recommended secret length for HMAC-SHA-1.
    public static let secretByteCount = 20

    /// Defaults are what every authenticator app supports: 6 digits, 30 seconds, HMAC-SHA-1.
    public init(secret: [UInt8], digits: Int = 6, period: Int = 30, digest: HMAC.Digest = .sha1) {
        precondition((6...10).contains(digits), "TOTP codes have 6 to 10 digits")
        precondition(period > 0, "a TOTP period is positive")
        self.secret = secret
        self.digits = digits
        self.period = period
        self.digest = digest
    }

    /// A new random secret.
    public static func generateSecret() -> [UInt8] { SecureRandom.bytes(secretByteCount) }

    /// The time step `date` falls in (T in RFC 6238, with T0 = 0); nil before 1970.
    public func step(at date: Date) -> Int64? {
        let seconds = date.timeIntervalSince1970
        guard seconds >= 0, seconds < Double(Int64.max) else { return nil }
        return Int64(seconds) / Int64(period)
    }

    /// The HOTP value for `counter` (RFC 4226 section 5.3: dynamic truncation), zero-padded.
    public func code(counter: Int64) -> String {
        var message = [UInt8](repeating: 0, count: 8)
        var value = UInt64(bitPattern: counter)
        for index in (0..<8).reversed() {
            message[index] = UInt8(truncatingIfNeeded: value)
            value >>= 8
        }
        let mac = HMAC.authenticate(message, key: secret, digest: digest)
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt64(mac[offset] & 0x7F) << 24) | (UInt64(mac[offset + 1]) << 16) | (UInt64(mac[offset + 2]) << 8) | UInt64(mac[offset + 3])
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(binary % modulus)
        return String(repeating: "0", count: digits - number.count) + number
    }

    /// The code for the step `date` falls in.
    public func code(at date: Date) -> String? {
        step(at: date).map { code(counter: $0) }
    }

    /// The step whose code `candidate` is, looking `window` steps either side of `date` (clock drift),
    /// or nil. Comparison is constant-time per step; a candidate of the wrong shape never matches.
    public func matchingStep(_ candidate: String, at date: Date, window: Int = 1) -> Int64? {
        let given = Array(candidate.utf8)
        guard given.count == digits, given.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let current = step(at: date) else { return nil }
        var found: Int64?
        for offset in -Int64(window)...Int64(window) {
            let counter = current + offset
            guard counter >= 0 else { continue }
            if HMAC.constantTimeEquals(Array(code(counter: counter).utf8), given), found == nil { found = counter }
        }
        return found
    }

    /// The `otpauth://totp/` URI authenticator apps read (Google Authenticator's key URI format).
    public func provisioningURI(issuer: String, account: String) -> String {
        // RFC 3986 unreserved characters stay; every other byte of the UTF-8 is percent-encoded.
        func escape(_ text: String) -> String {
            let hex = Array("0123456789ABCDEF".utf8)
            var output: [UInt8] = []
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                    output.append(byte)
                default:
                    output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
        return "otpauth://totp/\(escape(issuer)):\(escape(account))?secret=\(Base32.encode(secret))&issuer=\(escape(issuer))"
            + "&algorithm=\(digest.rawValue)&digits=\(digits)&period=\(period)"
    }
}
