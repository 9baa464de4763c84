public import Foundation

/// ISO 8601 formatting and parsing for Graph's timestamps, without Foundation's formatters (which
/// are slow and allocate on every call).
public enum Timestamp {
    /// `2024-03-01T12:00:00Z`, the form Graph uses for most directory timestamps.
    public static func format(_ date: Date) -> String {
        format(seconds: Int(date.timeIntervalSince1970.rounded(.down)))
    }

    /// `2025-02-13T10:17:06`, the form of `innerError.date`.
    public static func formatWithoutZone(_ date: Date) -> String {
        var text = format(date)
        text.removeLast()
        return text
    }

    /// `2016-01-09 02:02:12Z`, the form of token endpoint errors.
    public static func formatTokenError(_ date: Date) -> String {
        var text = format(date)
        text = text.replacingOccurrences(of: "T", with: " ")
        return text
    }

    /// `2019-09-17T19:10:35.2742618Z`, with seven fractional digits as some Graph types use.
    public static func formatPrecise(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let seconds = Int(interval.rounded(.down))
        let fraction = Int(((interval - Double(seconds)) * 10_000_000).rounded(.down))
        var text = format(seconds: seconds)
        text.removeLast()
        let digits = String(fraction)
        return text + "." + String(repeating: "0", count: max(0, 7 - digits.count)) + digits + "Z"
    }

    static func format(seconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        let fields = [(year, 4), (month, 2), (day, 2), (secondOfDay / 3600, 2), ((secondOfDay % 3600) / 60, 2), (secondOfDay % 60, 2)]
        let separators: [UInt8] = [UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"), UInt8(ascii: ":"), UInt8(ascii: ":"),
                                   UInt8(ascii: "Z")]
        return String(unsafeUninitializedCapacity: 20) { buffer in
            var offset = 0
            for (index, (value, width)) in fields.enumerated() {
                var remaining = max(0, value)
                for position in stride(from: width - 1, through: 0, by: -1) {
                    buffer[offset + position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                    remaining /= 10
                }
                offset += width
                buffer[offset] = separators[index]
                offset += 1
            }
            return offset
        }
    }

    /// Howard Hinnant's days-to-civil algorithm.
    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let mp = (month + 9) % 12
        let dayOfYear = (153 * mp + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for index in start..<(start + count) {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0, 4), bytes.count >= 10, bytes[4] == UInt8(ascii: "-"),
              let month = number(5, 2), bytes[7] == UInt8(ascii: "-"), let day = number(8, 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds = Double(days(fromCivil: year, month, day) * 86_400)
        if bytes.count == 10 { return Date(timeIntervalSince1970: seconds) }
        guard bytes.count >= 19, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              let hour = number(11, 2), bytes[13] == UInt8(ascii: ":"), let minute = number(14, 2),
              bytes[16] == UInt8(ascii: ":"), let second = number(17, 2) else { return nil }
        seconds += Double(hour * 3600 + minute * 60 + second)
        var index = 19
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                seconds += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
        }
        if index == bytes.count { return Date(timeIntervalSince1970: seconds) }
        if bytes[index] == UInt8(ascii: "Z"), index + 1 == bytes.count {
            return Date(timeIntervalSince1970: seconds)
        }
        if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
           let offsetHours = number(index + 1, 2), index + 6 == bytes.count,
           bytes[index + 3] == UInt8(ascii: ":"), let offsetMinutes = number(index + 4, 2) {
            let offset = Double(offsetHours * 3600 + offsetMinutes * 60)
            return Date(timeIntervalSince1970: bytes[index] == UInt8(ascii: "+") ? seconds - offset : seconds + offset)
        }
        return nil
    }
}
