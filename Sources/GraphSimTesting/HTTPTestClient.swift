public import GraphSim
import NIOCore
import NIOHTTP1
import NIOPosix

/// A response read off the wire.
public struct HTTPTestResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON.
    public func json() throws -> JSONValue {
        try JSONParser.parse(body)
    }
}

/// Why a request failed below HTTP.
public struct HTTPTestError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The server closed the connection before a complete response (a reset or a truncated body).
        public static let connectionClosed = Code("connectionClosed")
        public static let invalidURL = Code("invalidURL")
        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func == (lhs: HTTPTestError, rhs: HTTPTestError) -> Bool { lhs.code == rhs.code }
}

/// One keep-alive HTTP/1.1 connection, used by one task at a time.
public struct HTTPConnection {
    private var iterator: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    private let authority: String

    init(iterator: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator,
         outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>, authority: String) {
        self.iterator = iterator
        self.outbound = outbound
        self.authority = authority
    }

    /// Sends a request for `target` (path and query) and reads the whole response.
    public mutating func request(
        _ method: String,
        _ target: String,
        headers: [(String, String)] = [],
        body: [UInt8] = []
    ) async throws -> HTTPTestResponse {
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method),
                                   uri: HTTPTestClient.encodeTarget(target))
        head.headers.add(name: "Host", value: authority)
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
            head.headers.add(name: "Content-Length", value: String(body.count))
        }
        try await outbound.write(.head(head))
        if !body.isEmpty {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
        }
        try await outbound.write(.end(nil))

        var status = 0
        var responseHeaders: [(name: String, value: String)] = []
        var buffer = ByteBuffer()
        do {
            while let part = try await iterator.next() {
                switch part {
                case .head(let responseHead):
                    status = Int(responseHead.status.code)
                    responseHeaders = responseHead.headers.map { ($0.name, $0.value) }
                case .body(var chunk):
                    buffer.writeBuffer(&chunk)
                case .end:
                    return HTTPTestResponse(status: status, headers: responseHeaders, body: Array(buffer: buffer))
                }
            }
        } catch {
            throw HTTPTestError(code: .connectionClosed, message: "the connection failed mid-response: \(error)")
        }
        throw HTTPTestError(code: .connectionClosed,
                            message: status == 0 ? "the server closed the connection without a response"
                                : "the server closed the connection after \(buffer.readableBytes) body bytes")
    }
}

/// A small HTTP/1.1 client for tests and benchmarks of graph-sim over real sockets.
public enum HTTPTestClient {
    /// Opens a connection to `host:port`, runs `body` with it, and closes it.
    public static func withConnection<Result>(
        host: String,
        port: Int,
        _ body: (inout HTTPConnection) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = HTTPConnection(iterator: inbound.makeAsyncIterator(), outbound: outbound,
                                            authority: "\(host):\(port)")
            return try await body(&connection)
        }
    }

    /// Percent-encodes what may not appear raw in a request target (spaces, quotes, non-ASCII),
    /// leaving existing escapes and OData punctuation alone, as HTTP clients do.
    public static func encodeTarget(_ target: String) -> String {
        var result = ""
        for byte in target.utf8 {
            switch byte {
            case 0x21, 0x24...0x3B, 0x3D, 0x3F...0x5A, 0x5F, 0x61...0x7A, 0x7E:
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }

    /// `http://host:port/path?query` → (host, port, target).
    public static func split(_ url: String) throws -> (host: String, port: Int, target: String) {
        guard url.hasPrefix("http://") else {
            throw HTTPTestError(code: .invalidURL, message: "only http:// URLs are supported: \(url)")
        }
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let target = slash == rest.endIndex ? "/" : String(rest[slash...])
        let parts = authority.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else {
            throw HTTPTestError(code: .invalidURL, message: "the URL needs host:port: \(url)")
        }
        return (String(parts[0]), port, target)
    }

    /// One request on a fresh connection.
    public static func send(
        _ method: String,
        _ url: String,
        headers: [(String, String)] = [],
        body: [UInt8] = []
    ) async throws -> HTTPTestResponse {
        let (host, port, target) = try split(url)
        return try await withConnection(host: host, port: port) { connection in
            try await connection.request(method, target, headers: headers, body: body)
        }
    }
}
