import Foundation

/// A self-signed certificate for 127.0.0.1 and localhost (EC P-256, valid until 2126), made for
/// these tests with `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes
/// -days 36500 -subj "/CN=holdfast HTTP tests" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost"`.
/// The key protects nothing but the tests' loopback server.
enum TestCertificate {
    static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBrzCCAVWgAwIBAgIUDYdf2x6dMbh2pZka9TFlp6YRf9swCgYIKoZIzj0EAwIw
        HjEcMBoGA1UEAwwTaG9sZGZhc3QgSFRUUCB0ZXN0czAgFw0yNjExMjExOTM4MjJa
        GA8yMTI2MTAyODE5MzgyMlowHjEcMBoGA1UEAwwTaG9sZGZhc3QgSFRUUCB0ZXN0
        czBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOHs2LlCwUDQsCkrx5TzZAoIvsg1
        /hPFmnExZDYcMNwFuGFLWKlQKvY8Nks/xgWwlJSDX1zv3V479Lbo56bWcxyjbzBt
        MB0GA1UdDgQWBBQYZk8fU4bm3g6AI69kBVyXRqWXTzAfBgNVHSMEGDAWgBQYZk8f
        U4bm3g6AI69kBVyXRqWXTzAPBgNVHRMBAf8EBTADAQH/MBoGA1UdEQQTMBGHBH8A
        AAGCCWxvY2FsaG9zdDAKBggqhkjOPQQDAgNIADBFAiEAmtqUikpwx3jgNF05Jj+Y
        3U0L6gTfosTutRJQG7mciKUCIBaIRHkHDdEZAwVeihAquP2f7X4IXv6gO6yKvsDU
        hDsD
        -----END CERTIFICATE-----

        """

    static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4+KdD1h5uQ5jm/GU
        TTlSjCIRUpE5m5wm9pclbfAMNyGhRANCAATh7Ni5QsFA0LApK8eU82QKCL7INf4T
        xZpxMWQ2HDDcBbhhS1ipUCr2PDZLP8YFsJSUg19c791eO/S26Oem1nMc
        -----END PRIVATE KEY-----

        """

    /// Runs `body` with the path of a PEM file holding the certificate, removed afterwards.
    static func withCABundleFile<Result>(_ body: (String) async throws -> Result) async throws -> Result {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("holdfast-http-test-ca-\(UUID().uuidString).pem")
        try Data(Self.certificatePEM.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url.path)
    }
}
