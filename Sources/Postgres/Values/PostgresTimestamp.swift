import Foundation

/// `timestamptz` text I/O. Connections run with `DateStyle=ISO` and `TimeZone=UTC`, so the server
/// prints `2026-11-21 19:30:20.123456+00`; we send RFC 3339 with microseconds.
enum PostgresTimestamp {
    static func format(_ date: Date) -> String {
        var seconds = date.timeIntervalSince1970
        var micros = Int64((seconds * 1_000_000).rounded())
        seconds = Double(micros.floorDiv(1_000_000))
        micros = micros.floorMod(1_000_000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let fraction = String(micros)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]]` (also with `T`), and `infinity` is refused.
    static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 19 else { return nil }
        func number(_ start: Int, _ length: Int) -> Int? {
            guard start + length <= b.count else { return nil }
            var value = 0
            for i in start..<(start + length) {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard let year = number(0, 4), b[4] == 45, let month = number(5, 2), b[7] == 45,
              let day = number(8, 2), b[10] == 32 || b[10] == 84,
              let hour = number(11, 2), b[13] == 58, let minute = number(14, 2), b[16] == 58,
              let second = number(17, 2) else { return nil }
        var index = 19
        var micros = 0
        if index < b.count, b[index] == 46 {
            index += 1
            var digits = 0
            while index < b.count, b[index] >= 48, b[index] <= 57 {
                if digits < 6 { micros = micros * 10 + Int(b[index] - 48); digits += 1 }
                index += 1
            }
            while digits < 6 { micros *= 10; digits += 1 }
        }
        var offsetSeconds = 0
        if index < b.count {
            let sign: Int
            switch b[index] {
            case 43: sign = 1
            case 45: sign = -1
            case 90: sign = 0
            default: return nil
            }
            index += 1
            if sign != 0 {
                guard let oh = number(index, 2) else { return nil }
                index += 2
                var om = 0, os = 0
                if index < b.count, b[index] == 58 { guard let m = number(index + 1, 2) else { return nil }; om = m; index += 3 }
                if index < b.count, b[index] == 58 { guard let s = number(index + 1, 2) else { return nil }; os = s; index += 3 }
                offsetSeconds = sign * (oh * 3600 + om * 60 + os)
            }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let epochSeconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(epochSeconds) + Double(micros) / 1_000_000)
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm), valid for the proleptic Gregorian calendar.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

private extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 { let q = self / d; return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q }
    func floorMod(_ d: Int64) -> Int64 { self - floorDiv(d) * d }
}
