/// A generator whose every draw is the same, so that `RefreshSchedule` (which reads a draw's top
/// 53 bits as a value in [0, 1)) sees `unit` every time and results can be computed by hand.
struct FixedRandom: RandomNumberGenerator {
    private let value: UInt64

    /// `unit` in [0, 1).
    init(unit: Double) {
        precondition(unit >= 0 && unit < 1)
        value = UInt64(unit * 18_446_744_073_709_551_616.0)
    }

    /// The largest draw: a unit value just below 1 (1 − 2⁻⁵³).
    static var maximum: FixedRandom { FixedRandom(raw: .max) }

    private init(raw: UInt64) { value = raw }

    mutating func next() -> UInt64 { value }
}
