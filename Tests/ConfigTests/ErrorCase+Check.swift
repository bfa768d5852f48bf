import Config
import Testing

extension ErrorCase {
    /// Parses the text and expects exactly this location and a message containing `message`.
    func check(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let error = try #require(
            ConfigFixtures.error(parsing: text), "\(name): parsed without error", sourceLocation: sourceLocation)
        #expect(
            error.location == ConfigFixtures.location(line, column), "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(message), "\(error)", sourceLocation: sourceLocation)
    }
}
