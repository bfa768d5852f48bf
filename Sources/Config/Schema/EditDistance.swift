/// Suggestions for misspelled names, by optimal-string-alignment distance (Levenshtein plus
/// adjacent transpositions, so `wrokers` is one edit from `workers`).
enum EditDistance {
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased())
        let b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousRow: [Int] = []
        var row = Array(0...b.count)
        for i in 1...a.count {
            let beforePrevious = previousRow
            previousRow = row
            row = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = min(previousRow[j] + 1, row[j - 1] + 1, previousRow[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = min(row[j], beforePrevious[j - 2] + 1)
                }
            }
        }
        return row[b.count]
    }

    /// The candidate closest to `name`, if it is close enough to be a likely typo: one edit for
    /// names up to 4 characters, two up to 8, three beyond. Failing that, the only candidate that
    /// `name` (3 characters or more) abbreviates: `warn` → `warning`, `cert` → `certificate`.
    static func suggestion(for name: String, among candidates: [String]) -> String? {
        let allowed = name.count <= 4 ? 1 : (name.count <= 8 ? 2 : 3)
        let scored = candidates.map { (candidate: $0, distance: distance(name, $0)) }
        if let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= allowed {
            return best.candidate
        }
        let abbreviated = candidates.filter { name.count >= 3 && $0.lowercased().hasPrefix(name.lowercased()) }
        return abbreviated.count == 1 ? abbreviated.first : nil
    }
}
