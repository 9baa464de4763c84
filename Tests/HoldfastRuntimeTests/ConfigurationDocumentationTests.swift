import Foundation
import HoldfastRuntime
import Testing

/// docs/configuration.md and config/holdfast.env.example say what the configuration type reads:
/// a key added without documentation fails here.
@Suite("configuration documentation")
struct ConfigurationDocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func theReferenceTablesAreGeneratedFromTheConfigurationType() throws {
        let document = try Self.read("docs/configuration.md")
        let begin = try #require(document.range(of: "<!-- reference:begin -->\n"))
        let end = try #require(document.range(of: "<!-- reference:end -->"))
        let tables = String(document[begin.upperBound..<end.lowerBound])
        #expect(tables == ConfigurationKey.markdownReference,
                "docs/configuration.md is out of date: replace its reference with the output of `holdfast config reference`")
        for key in ConfigurationKey.all { #expect(tables.contains("`\(key.name)`")) }
    }

    @Test func theExampleFileNamesEveryKeyAndIsValid() async throws {
        let example = try Self.read("config/holdfast.env.example")
        for key in ConfigurationKey.all where key != .configFile {
            #expect(example.contains("\(key.name)="), "config/holdfast.env.example does not show \(key.name)")
        }
        let sources = try await ConfigurationSources.read(
            flags: [:], environment: ["HOLDFAST_CONFIG_FILE": Self.root.appendingPathComponent("config/holdfast.env.example").path])
        let (configuration, problems) = HoldfastConfiguration.read(sources)
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration?.logging.format == .json)
        #expect(sources[.databaseURL]?.source == .file)
    }
}
