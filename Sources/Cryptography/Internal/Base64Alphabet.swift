/// Base64 as RFC 4648 defines it, with either alphabet (section 4 or 5).
enum Base64Alphabet {
    case standard
    case url

    private static let standardSymbols = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSymbols = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private var symbols: [UInt8] {
        switch self {
        case .standard: Self.standardSymbols
        case .url: Self.urlSymbols
        }
    }

    func encode(_ bytes: [UInt8], padded: Bool) -> [UInt8] {
        let symbols = self.symbols
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let block = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(symbols[Int(block >> 18 & 0x3F)])
            output.append(symbols[Int(block >> 12 & 0x3F)])
            output.append(symbols[Int(block >> 6 & 0x3F)])
            output.append(symbols[Int(block & 0x3F)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let block = UInt32(bytes[index]) << 16
            output.append(symbols[Int(block >> 18 & 0x3F)])
            output.append(symbols[Int(block >> 12 & 0x3F)])
            if padded { output.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "=")]) }
        case 2:
            let block = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(symbols[Int(block >> 18 & 0x3F)])
            output.append(symbols[Int(block >> 12 & 0x3F)])
            output.append(symbols[Int(block >> 6 & 0x3F)])
            if padded { output.append(UInt8(ascii: "=")) }
        default:
            break
        }
        return output
    }

    /// Decodes unpadded text, accepting only the canonical encoding: no padding, no whitespace, no
    /// symbol from the other alphabet, and zero bits where the last symbol overhangs the data, so a
    /// given byte string has exactly one accepted spelling.
    func decodeUnpadded(_ text: some Collection<UInt8>) -> [UInt8]? {
        let urlAlphabet = self == .url
        func value(of symbol: UInt8) -> UInt32? {
            switch symbol {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(symbol - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(symbol - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(symbol - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "-") where urlAlphabet, UInt8(ascii: "+") where !urlAlphabet: 62
            case UInt8(ascii: "_") where urlAlphabet, UInt8(ascii: "/") where !urlAlphabet: 63
            default: nil
            }
        }
        guard text.count % 4 != 1 else {
            return nil
        }
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var block: UInt32 = 0
        var symbolsInBlock = 0
        for symbol in text {
            guard let sextet = value(of: symbol) else {
                return nil
            }
            block = block << 6 | sextet
            symbolsInBlock += 1
            if symbolsInBlock == 4 {
                output.append(UInt8(truncatingIfNeeded: block >> 16))
                output.append(UInt8(truncatingIfNeeded: block >> 8))
                output.append(UInt8(truncatingIfNeeded: block))
                block = 0
                symbolsInBlock = 0
            }
        }
        switch symbolsInBlock {
        case 2:
            guard block & 0xF == 0 else { return nil }
            output.append(UInt8(truncatingIfNeeded: block >> 4))
        case 3:
            guard block & 0x3 == 0 else { return nil }
            output.append(UInt8(truncatingIfNeeded: block >> 10))
            output.append(UInt8(truncatingIfNeeded: block >> 2))
        default:
            break
        }
        return output
    }
}
