import Foundation
import Testing

/// `docs/architecture.md` draws the module graph as a table: one row per target with its layer
/// and the targets of this package it depends on. `Package.swift` is the graph as built. The two
/// must agree, and every dependency must point to a lower layer, so a target that gains a
/// dependency breaking the documented order — or a new module nobody placed — fails here.
@Suite("Module layers")
struct ModuleLayerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("Package.swift matches the module graph of docs/architecture.md, and every dependency points down")
    func packageMatchesTheDocumentedLayers() throws {
        let documented = try ModuleGraphTable.parse(markdown: String(contentsOf: Self.root.appendingPathComponent("docs/architecture.md"), encoding: .utf8))
        let targets = try PackageManifest.parse(String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8))
        #expect(targets.filter { !$0.isTest }.count > 20, "Package.swift was not read: \(targets.map(\.name))")
        let problems = ModuleGraphTable.problems(documented: documented, targets: targets)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("the check finds a dependency that does not point down, an undocumented target and an undocumented dependency")
    func findsEachKindOfProblem() throws {
        let documented = try ModuleGraphTable.parse(markdown: """
            | layer | target | depends on |
            |---|---|---|
            | L0 | `CLibPQ` | |
            | L1 | `Postgres` | `CLibPQ` |
            | L1 | `JSON` | |
            | L2 | `Queue` | `Postgres` |
            """)
        var targets = try PackageManifest.parse("""
            .systemLibrary(name: "CLibPQ", pkgConfig: "libpq"),
            .target(name: "Postgres", dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")]),
            .target(name: "JSON", swiftSettings: swiftSettings),
            .target(name: "Queue", dependencies: ["Postgres"]),
            .target(name: "Late", dependencies: ["Queue"]),
            .testTarget(name: "QueueTests", dependencies: ["Queue", "Late"]),
            """)
        #expect(targets.map(\.name) == ["CLibPQ", "Postgres", "JSON", "Queue", "Late", "QueueTests"])
        #expect(targets[1].dependencies == ["CLibPQ"])
        #expect(ModuleGraphTable.problems(documented: documented, targets: targets) == [
            "`Late` is a target in Package.swift but not in the module graph of docs/architecture.md",
        ])
        targets.removeAll { $0.name == "Late" }
        #expect(ModuleGraphTable.problems(documented: documented, targets: targets).isEmpty)
        // Postgres (L1) gaining Queue (L2): upward, and not documented either.
        targets[1].dependencies.append("Queue")
        #expect(ModuleGraphTable.problems(documented: documented, targets: targets) == [
            "`Postgres` depends on `Queue` in Package.swift, which docs/architecture.md does not show",
            "`Postgres` (L1) depends on `Queue` (L2), which is not in a lower layer",
        ])
        // Documented, but a layer-mate: still refused.
        targets[1].dependencies.removeLast()
        targets[2].dependencies.append("Postgres")
        let sideways = try ModuleGraphTable.parse(markdown: """
            | L0 | `CLibPQ` | |
            | L1 | `Postgres` | `CLibPQ` |
            | L1 | `JSON` | `Postgres` |
            | L2 | `Queue` | `Postgres` |
            """)
        #expect(ModuleGraphTable.problems(documented: sideways, targets: targets) == [
            "`JSON` (L1) depends on `Postgres` (L1), which is not in a lower layer",
        ])
        // A documented dependency Package.swift no longer has.
        targets[2].dependencies = []
        #expect(ModuleGraphTable.problems(documented: sideways, targets: targets) == [
            "`JSON` depends on `Postgres` in docs/architecture.md, which Package.swift does not declare",
        ])
    }

    @Test("a target placed twice is refused")
    func duplicateRow() {
        #expect(throws: ModuleGraphTable.Error.self) {
            try ModuleGraphTable.parse(markdown: "| L1 | `Postgres` | |\n| L2 | `Postgres` | |")
        }
    }
}

/// The `| L<n> | `Target` | `Dependency`, … |` rows of the module graph table.
enum ModuleGraphTable {
    struct Row: Equatable {
        var layer: Int
        var dependencies: Set<String>
    }

    struct Error: Swift.Error, CustomStringConvertible {
        let description: String
    }

    static func parse(markdown: String) throws -> [String: Row] {
        var rows: [String: Row] = [:]
        for line in markdown.split(separator: "\n") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, cells[1].hasPrefix("L"), let layer = Int(cells[1].dropFirst()) else { continue }
            let target = Self.names(cells[2])
            guard target.count == 1 else { throw Error(description: "row `\(line)` must name exactly one target") }
            if let earlier = rows[target[0]] { throw Error(description: "`\(target[0])` is in both L\(earlier.layer) and L\(layer)") }
            rows[target[0]] = Row(layer: layer, dependencies: Set(Self.names(cells[3])))
        }
        guard !rows.isEmpty else { throw Error(description: "no module graph table (rows `| L<n> | target | depends on |`) found") }
        return rows
    }

    static func names(_ cell: String) -> [String] {
        cell.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }.filter { !$0.isEmpty }
    }

    /// One line per disagreement between the table and the manifest, and per dependency that does
    /// not point to a lower layer. Test targets may depend on anything and are not in the table.
    static func problems(documented: [String: Row], targets: [PackageManifest.Target]) -> [String] {
        var found: [String] = []
        for target in targets where !target.isTest {
            guard let row = documented[target.name] else {
                found.append("`\(target.name)` is a target in Package.swift but not in the module graph of docs/architecture.md")
                continue
            }
            let declared = Set(target.dependencies)
            for dependency in target.dependencies where !row.dependencies.contains(dependency) {
                found.append("`\(target.name)` depends on `\(dependency)` in Package.swift, which docs/architecture.md does not show")
            }
            for dependency in row.dependencies.sorted() where !declared.contains(dependency) {
                found.append("`\(target.name)` depends on `\(dependency)` in docs/architecture.md, which Package.swift does not declare")
            }
            for dependency in target.dependencies {
                guard let lower = documented[dependency] else { continue }
                if lower.layer >= row.layer {
                    found.append("`\(target.name)` (L\(row.layer)) depends on `\(dependency)` (L\(lower.layer)), which is not in a lower layer")
                }
            }
        }
        let declared = Set(targets.filter { !$0.isTest }.map(\.name))
        for name in documented.keys.sorted() where !declared.contains(name) {
            found.append("`\(name)` is in the module graph of docs/architecture.md but is no target of Package.swift")
        }
        return found
    }
}

/// The targets of a manifest written as this repository writes it: `.target(name: "X",
/// dependencies: ["Y", .product(…)] …)`. Products of other packages are left out: only the order
/// of this package's own targets is checked. (`swift package dump-package` would need SwiftPM's
/// lock on `.build`, which the running `swift test` holds.)
enum PackageManifest {
    struct Target: Equatable {
        var name: String
        var dependencies: [String]
        var isTest: Bool
    }

    static let kinds = ["target", "executableTarget", "testTarget", "systemLibrary", "plugin", "binaryTarget", "macro"]

    static func parse(_ text: String) throws -> [Target] {
        let characters = Array(Self.withoutComments(text))
        var targets: [Target] = []
        var index = 0
        while index < characters.count {
            guard characters[index] == ".", let kind = kinds.first(where: { Self.matches(characters, at: index + 1, "\($0)(") }) else {
                index += 1
                continue
            }
            let open = index + 1 + kind.count
            let close = try Self.closing(characters, from: open)
            let call = String(characters[(open + 1)..<close])
            guard let name = Self.firstString(after: "name:", in: call) else {
                throw ModuleGraphTable.Error(description: "a .\(kind)(…) in Package.swift has no name: \(call.prefix(80))")
            }
            targets.append(Target(name: name, dependencies: try Self.dependencies(in: call), isTest: kind == "testTarget"))
            index = close + 1
        }
        return targets
    }

    /// The text with `//` comments removed (outside string literals), so a commented-out
    /// dependency is not read as one.
    static func withoutComments(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            var inString = false
            var previous: Character?
            for index in line.indices {
                let character = line[index]
                if character == "\"" { inString.toggle() }
                if !inString, character == "/", previous == "/" { return line[line.startIndex..<line.index(before: index)] }
                previous = character
            }
            return line
        }.joined(separator: "\n")
    }

    static func matches(_ characters: [Character], at index: Int, _ word: String) -> Bool {
        let word = Array(word)
        return index + word.count <= characters.count && Array(characters[index..<index + word.count]) == word
    }

    /// The index of the bracket that closes the one at `open`, skipping string literals.
    static func closing(_ characters: [Character], from open: Int) throws -> Int {
        var depth = 0
        var inString = false
        var index = open
        while index < characters.count {
            let character = characters[index]
            if inString {
                if character == "\\" { index += 1 } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "(" || character == "[" {
                depth += 1
            } else if character == ")" || character == "]" {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        throw ModuleGraphTable.Error(description: "unbalanced brackets in Package.swift")
    }

    static func firstString(after label: String, in text: String) -> String? {
        guard let range = text.range(of: label) else { return nil }
        let rest = text[range.upperBound...]
        guard let start = rest.firstIndex(of: "\"") else { return nil }
        let afterQuote = rest.index(after: start)
        guard let end = rest[afterQuote...].firstIndex(of: "\"") else { return nil }
        return String(rest[afterQuote..<end])
    }

    /// String literals directly in `dependencies: [...]`, not inside `.product(...)` or other calls.
    static func dependencies(in call: String) throws -> [String] {
        guard let label = call.range(of: "dependencies:") else { return [] }
        let characters = Array(call[label.upperBound...])
        guard let open = characters.firstIndex(of: "[") else { return [] }
        let close = try Self.closing(characters, from: open)
        var names: [String] = []
        var depth = 0
        var index = open + 1
        while index < close {
            let character = characters[index]
            if character == "(" || character == "[" {
                depth += 1
            } else if character == ")" || character == "]" {
                depth -= 1
            } else if character == "\"" {
                var end = index + 1
                while end < close, characters[end] != "\"" { end += 1 }
                if depth == 0 { names.append(String(characters[(index + 1)..<end])) }
                index = end
            }
            index += 1
        }
        return names
    }
}
