import Synchronization
import TLS

/// The staple slot of every certificate, shared across config generations so that an unchanged
/// certificate keeps its staple through a reload. Synchronous: TLS contexts are built with it.
public final class StapleSlotRegistry: Sendable {
    private let slots = Mutex<[String: StapleSlot]>([:])

    public init() {}

    /// The slot for this target, created on first use.
    public func slot(for target: StaplingTarget) -> StapleSlot {
        slots.withLock { slots in
            if let slot = slots[target.identity] { return slot }
            let slot = StapleSlot(mustStaple: target.certificate.leaf.mustStaple)
            slots[target.identity] = slot
            return slot
        }
    }

    /// Drops slots of certificates no generation uses any more.
    public func retain(only identities: Set<String>) {
        slots.withLock { slots in slots = slots.filter { identities.contains($0.key) } }
    }
}
