import Foundation
import NIOConcurrencyHelpers
import Threads
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP proxy to `127.0.0.1:targetPort` that a test can turn into a black hole: after
/// ``blackHoleExisting()`` the connections open at that moment stay open but nothing passes in
/// either direction (as after a failover without a reset), while new connections pass normally.
/// Each connection is served by two threads doing blocking I/O (tests only).
public final class TCPProxy: Sendable {
    public let port: Int
    private let listener: Int32
    private let state = NIOLockedValueBox(State())

    private struct State {
        var generation = 0
        var blackHoledBelow = 0
        var stopped = false
        var descriptors: [Int32] = []
    }

    public init(targetPort: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestEnvironmentError("socket() failed") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw TestEnvironmentError("bind() or listen() failed")
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.listener = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        DedicatedThread.start { [self] in self.acceptLoop(targetPort: targetPort) }
    }

    /// Connections open now stop forwarding for good; later ones forward.
    public func blackHoleExisting() {
        self.state.withLockedValue { $0.blackHoledBelow = $0.generation }
    }

    /// Closes the listener and every connection.
    public func stop() {
        let descriptors = self.state.withLockedValue { state -> [Int32] in
            state.stopped = true
            return state.descriptors
        }
        shutdown(self.listener, Int32(SHUT_RDWR))
        close(self.listener)
        for fd in descriptors { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop(targetPort: Int) {
        while true {
            let client = accept(self.listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                close(client)
                close(upstream)
                continue
            }
            let generation = self.state.withLockedValue { state -> Int? in
                guard !state.stopped else { return nil }
                state.generation += 1
                state.descriptors += [client, upstream]
                return state.generation
            }
            guard let generation else {
                close(client)
                close(upstream)
                return
            }
            for (from, to) in [(client, upstream), (upstream, client)] {
                DedicatedThread.start { [self] in self.pump(from: from, to: to, generation: generation) }
            }
        }
    }

    /// Copies bytes until either side closes; a black-holed connection's bytes are read and dropped.
    private func pump(from: Int32, to: Int32, generation: Int) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            let dropped = self.state.withLockedValue { generation <= $0.blackHoledBelow || $0.stopped }
            if dropped { continue }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { write(to, $0.baseAddress! + offset, count - offset) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { break }
                offset += written
            }
        }
        shutdown(to, Int32(SHUT_RDWR))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
