import Foundation

/// Parses `$filter` text into a ``FilterExpression``.
struct FilterParser {
    struct Failure: Error, Equatable {
        let message: String
    }

    private enum Token: Equatable {
        case identifier(String)
        case string(String)
        case number(String)
        case openParen, closeParen, comma, colon
        case end
    }

    private var tokens: [Token] = []
    private var position = 0

    static func parse(_ text: String) throws(Failure) -> FilterExpression {
        var parser = FilterParser()
        parser.tokens = try tokenize(text)
        let expression = try parser.parseOr()
        guard parser.peek == .end else { throw Failure(message: "Invalid filter clause: unexpected token.") }
        return expression
    }

    private var peek: Token { position < tokens.count ? tokens[position] : .end }

    private mutating func advance() -> Token {
        let token = peek
        position += 1
        return token
    }

    private mutating func expect(_ token: Token) throws(Failure) {
        guard advance() == token else { throw Failure(message: "Invalid filter clause: syntax error.") }
    }

    private func isKeyword(_ token: Token, _ word: String) -> Bool {
        if case .identifier(let name) = token { return name.lowercased() == word }
        return false
    }

    private mutating func parseOr() throws(Failure) -> FilterExpression {
        var left = try parseAnd()
        while isKeyword(peek, "or") {
            _ = advance()
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(Failure) -> FilterExpression {
        var left = try parseUnary()
        while isKeyword(peek, "and") {
            _ = advance()
            left = .and(left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary() throws(Failure) -> FilterExpression {
        if isKeyword(peek, "not") {
            _ = advance()
            return .not(try parseUnary())
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(Failure) -> FilterExpression {
        if peek == .openParen {
            _ = advance()
            let inner = try parseOr()
            try expect(.closeParen)
            return inner
        }
        // Function call: startswith(a,'b'), endswith(…), contains(…).
        if case .identifier(let name) = peek, position + 1 < tokens.count, tokens[position + 1] == .openParen,
           ["startswith", "endswith", "contains"].contains(name.lowercased()) {
            _ = advance()
            _ = advance()
            var operands: [FilterExpression.Operand] = [try parseOperand()]
            while peek == .comma {
                _ = advance()
                operands.append(try parseOperand())
            }
            try expect(.closeParen)
            let call = FilterExpression.function(name.lowercased(), operands)
            // `startswith(x,'a') eq true` is the same as the bare call.
            if isKeyword(peek, "eq"), position + 1 < tokens.count, isKeyword(tokens[position + 1], "true") {
                position += 2
            }
            return call
        }
        // Lambda: path/any(v:body).
        if case .identifier(let path) = peek, path.lowercased().hasSuffix("/any"),
           position + 1 < tokens.count, tokens[position + 1] == .openParen {
            _ = advance()
            _ = advance()
            guard case .identifier(let variable) = advance() else { throw Failure(message: "Invalid lambda expression.") }
            try expect(.colon)
            let body = try parseOr()
            try expect(.closeParen)
            let segments = path.split(separator: "/").dropLast().map(String.init)
            return .any(path: segments, variable: variable, body: body)
        }
        let left = try parseOperand()
        guard case .identifier(let word) = advance() else { throw Failure(message: "Invalid filter clause: expected an operator.") }
        let keyword = word.lowercased()
        if keyword == "in" {
            try expect(.openParen)
            var list: [FilterExpression.Operand] = []
            if peek != .closeParen {
                list.append(try parseOperand())
                while peek == .comma {
                    _ = advance()
                    list.append(try parseOperand())
                }
            }
            try expect(.closeParen)
            return .membership(left, list)
        }
        guard let op = FilterExpression.ComparisonOperator(rawValue: keyword) else {
            throw Failure(message: "Invalid filter clause: unsupported operator '\(word)'.")
        }
        return .comparison(left, op, try parseOperand())
    }

    private mutating func parseOperand() throws(Failure) -> FilterExpression.Operand {
        switch advance() {
        case .string(let text):
            return .literal(.string(text))
        case .number(let text):
            if let integer = Int(text) { return .literal(.int(integer)) }
            if let double = Double(text) { return .literal(.double(double)) }
            return .literal(.string(text))
        case .identifier(let name):
            switch name.lowercased() {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default:
                // Unquoted date-times and GUIDs are literals; anything else is a property path.
                if let first = name.unicodeScalars.first, CharacterSet.decimalDigits.contains(first) {
                    return .literal(.string(name))
                }
                return .property(name.split(separator: "/").map(String.init))
            }
        default:
            throw Failure(message: "Invalid filter clause: expected a value.")
        }
    }

    private static func tokenize(_ text: String) throws(Failure) -> [Token] {
        var tokens: [Token] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t", "\n", "\r":
                index += 1
            case "(":
                tokens.append(.openParen)
                index += 1
            case ")":
                tokens.append(.closeParen)
                index += 1
            case ",":
                tokens.append(.comma)
                index += 1
            case ":":
                tokens.append(.colon)
                index += 1
            case "'":
                var value = String.UnicodeScalarView()
                index += 1
                var closed = false
                while index < scalars.count {
                    if scalars[index] == "'" {
                        if index + 1 < scalars.count, scalars[index + 1] == "'" {
                            value.append("'")
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    value.append(scalars[index])
                    index += 1
                }
                guard closed else { throw Failure(message: "Invalid filter clause: unterminated string literal.") }
                tokens.append(.string(String(value)))
            case "-", "0"..."9":
                var value = String.UnicodeScalarView()
                while index < scalars.count, Self.isWordScalar(scalars[index]) || scalars[index] == ":" && Self.isDateTime(value) {
                    value.append(scalars[index])
                    index += 1
                }
                let word = String(value)
                // Dates, times and GUIDs start with digits but are not numbers.
                if Int(word) != nil || Double(word) != nil {
                    tokens.append(.number(word))
                } else {
                    tokens.append(.identifier(word))
                }
            default:
                guard Self.isWordScalar(scalar) else {
                    throw Failure(message: "Invalid filter clause: unexpected character '\(scalar)'.")
                }
                var value = String.UnicodeScalarView()
                while index < scalars.count, Self.isWordScalar(scalars[index]) {
                    value.append(scalars[index])
                    index += 1
                }
                tokens.append(.identifier(String(value)))
            }
        }
        tokens.append(.end)
        return tokens
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        CharacterSet.alphanumerics.contains(scalar) || "_./-+@#".unicodeScalars.contains(scalar)
    }

    /// Inside `2024-01-01T10:00:00Z` colons belong to the literal.
    private static func isDateTime(_ value: String.UnicodeScalarView) -> Bool {
        String(value).contains("T") && value.count >= 11
    }
}
