import Cryptography
import Testing

/// Signatures made here must verify with the `openssl` command-line tool and the reverse, for every
/// algorithm: the tool shares no code path with this module's key handling, padding choices or
/// signature encodings, so agreement means both follow the standards.
@Suite("Signature interoperability with the openssl command line")
struct SignatureInteroperabilityTests {
    static let message = Array("client_assertion signing input: eyJhbGciOiJQUzI1NiJ9.e30".utf8) + SecureRandom.bytes(1000)

    /// `openssl` arguments that make or check an `algorithm` signature over `data.bin`.
    static func digestOptions(_ algorithm: SignatureAlgorithm) -> [String] {
        switch algorithm {
        case .rs256, .es256: ["dgst", "-sha256"]
        case .ps256: ["dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]
        case .edDSA: []
        }
    }

    static func verifyArguments(_ algorithm: SignatureAlgorithm, signature: String, data: String) -> [String] {
        switch algorithm {
        case .edDSA: ["pkeyutl", "-verify", "-pubin", "-inkey", "public.pem", "-rawin", "-in", data, "-sigfile", signature]
        default: digestOptions(algorithm) + ["-verify", "public.pem", "-signature", signature, data]
        }
    }

    @Test("A signature made here verifies with openssl", arguments: SignatureAlgorithm.allCases)
    func oursVerifyWithOpenSSL(algorithm: SignatureAlgorithm) async throws {
        let key = try generateKey(algorithm.keyKind)
        try await OpenSSLCommandLine.withTemporaryDirectory { openssl in
            try openssl.write(key.publicKey.pem(), to: "public.pem")
            try openssl.write(Self.message, to: "data.bin")
            var tampered = Self.message
            tampered[0] ^= 0x01
            try openssl.write(tampered, to: "tampered.bin")

            // The CLI wants DER for ECDSA; everything else has one form.
            try openssl.write(key.derSignature(Self.message, algorithm: algorithm), to: "signature.bin")
            try await openssl.run(Self.verifyArguments(algorithm, signature: "signature.bin", data: "data.bin"))

            // The JWS form, converted back to DER, is the same signature.
            let jwsSignature = try key.sign(Self.message, algorithm: algorithm)
            let converted = algorithm == .es256 ? try ECDSASignatureEncoding.der(fromJWSRaw: jwsSignature) : jwsSignature
            try openssl.write(converted, to: "jws-signature.bin")
            try await openssl.run(Self.verifyArguments(algorithm, signature: "jws-signature.bin", data: "data.bin"))

            // And openssl is really checking: the same signature over other data fails.
            let refused = try await openssl.status(of: Self.verifyArguments(algorithm, signature: "signature.bin", data: "tampered.bin"))
            #expect(refused.status != 0)
        }
    }

    @Test("A signature made by openssl verifies here", arguments: SignatureAlgorithm.allCases)
    func openSSLVerifiesHere(algorithm: SignatureAlgorithm) async throws {
        try await OpenSSLCommandLine.withTemporaryDirectory { openssl in
            switch algorithm.keyKind {
            case .rsa: try await openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "private.pem")
            case .ecP256: try await openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "private.pem")
            case .ed25519: try await openssl.run("genpkey", "-algorithm", "ED25519", "-out", "private.pem")
            }
            try await openssl.run("pkey", "-in", "private.pem", "-pubout", "-out", "public.pem")
            try openssl.write(Self.message, to: "data.bin")
            switch algorithm {
            case .edDSA:
                try await openssl.run("pkeyutl", "-sign", "-inkey", "private.pem", "-rawin", "-in", "data.bin", "-out", "signature.bin")
            default:
                try await openssl.run(Self.digestOptions(algorithm) + ["-sign", "private.pem", "-out", "signature.bin", "data.bin"])
            }

            let publicKey = try PublicKey(pem: openssl.readText("public.pem"))
            #expect(publicKey.kind == algorithm.keyKind)
            let signature = try openssl.read("signature.bin")
            let verifiesAsDER = publicKey.verify(derSignature: signature, for: Self.message, algorithm: algorithm)
            #expect(verifiesAsDER)
            let jwsSignature = algorithm == .es256 ? try ECDSASignatureEncoding.jwsRaw(fromDER: signature) : signature
            let verifiesAsJWS = publicKey.verify(jwsSignature, for: Self.message, algorithm: algorithm)
            #expect(verifiesAsJWS)

            var tampered = Self.message
            tampered[tampered.count - 1] ^= 0x01
            let verifiesTampered = publicKey.verify(jwsSignature, for: tampered, algorithm: algorithm)
            #expect(!verifiesTampered)

            // The tool's private key loads here and is the same key.
            let privateKey = try PrivateKey(pem: openssl.readText("private.pem"))
            #expect(privateKey.publicKey == publicKey)
            #expect(privateKey.publicKey.pem() == (try openssl.readText("public.pem")))
        }
    }
}

extension OpenSSLCommandLine {
    @discardableResult
    func run(_ arguments: [String]) async throws -> String {
        let result = try await self.status(of: arguments)
        guard result.status == 0 else {
            throw Failure(arguments: arguments, status: result.status, standardError: result.standardError)
        }
        return result.standardOutput
    }
}
