extension SourceLocation {
    /// Whether this location comes before `other` in the same file.
    func precedes(_ other: SourceLocation) -> Bool { (line, column) < (other.line, other.column) }
}
