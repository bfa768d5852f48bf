/// A place where directives can appear: the top level of the file or the body of a block.
enum ConfigContext: Sendable, Equatable, CaseIterable {
    case main
    case stapling
    case upstream
    case frontend
    case certificate

    /// How messages name the place: `at top level`, `in frontend`.
    var phrase: String {
        switch self {
        case .main: "at top level"
        case .stapling: "in stapling"
        case .upstream: "in upstream"
        case .frontend: "in frontend"
        case .certificate: "in certificate"
        }
    }

    /// How messages name the place when telling where a directive belongs.
    var destination: String {
        switch self {
        case .main: "at top level"
        case .stapling: "in the stapling block"
        case .upstream: "in upstream blocks"
        case .frontend: "in frontend blocks"
        case .certificate: "in certificate blocks"
        }
    }

    /// The directives allowed here.
    var directives: [DirectiveSpec] {
        switch self {
        case .main: DirectiveSpec.main
        case .stapling: DirectiveSpec.stapling
        case .upstream: DirectiveSpec.upstream
        case .frontend: DirectiveSpec.frontend
        case .certificate: DirectiveSpec.certificate
        }
    }

    func spec(named name: String) -> DirectiveSpec? { directives.first { $0.name == name } }
}
