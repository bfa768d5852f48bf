/// Deterministic pseudo-random bytes (SplitMix64): the same `seed` and `count` always give the
/// same bytes, so a test can generate what a peer sent and compare hashes. Not cryptographic.
public enum PseudoRandomBytes {
    public static func generate(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        var result = [UInt8]()
        result.reserveCapacity(count + 8)
        while result.count < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            withUnsafeBytes(of: z.littleEndian) { result.append(contentsOf: $0) }
        }
        result.removeLast(result.count - count)
        return result
    }
}
