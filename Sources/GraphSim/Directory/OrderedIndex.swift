/// Elements keyed by a case-insensitive id, kept in insertion order with a monotonic sequence
/// number per element, so a page can resume after the last sequence number it returned
/// (keyset paging) however the collection changes in between.
///
/// Removal leaves a tombstone that is compacted away once tombstones outnumber live elements, so
/// deleting from a 100,000-member group costs O(1) amortised.
struct OrderedIndex<Element: Sendable>: Sendable {
    private(set) var sequences: [UInt64] = []
    private var slots: [Element?] = []
    private var slotByKey: [String: Int] = [:]
    private var tombstones = 0
    private(set) var lastSequence: UInt64 = 0

    var count: Int { slotByKey.count }
    var isEmpty: Bool { slotByKey.isEmpty }

    static func key(_ id: String) -> String {
        // Ids are GUIDs or ASCII names; lowercasing ASCII is all Graph's matching needs.
        if id.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
            return id.lowercased()
        }
        return id
    }

    func contains(_ id: String) -> Bool {
        slotByKey[Self.key(id)] != nil
    }

    subscript(id: String) -> Element? {
        guard let slot = slotByKey[Self.key(id)] else { return nil }
        return slots[slot]
    }

    func sequence(of id: String) -> UInt64? {
        guard let slot = slotByKey[Self.key(id)] else { return nil }
        return sequences[slot]
    }

    /// Adds `element` at the end, or replaces it in place when `id` is already present.
    mutating func upsert(_ id: String, _ element: Element) {
        let key = Self.key(id)
        if let slot = slotByKey[key] {
            slots[slot] = element
            return
        }
        lastSequence += 1
        slotByKey[key] = slots.count
        slots.append(element)
        sequences.append(lastSequence)
    }

    mutating func reserveCapacity(_ capacity: Int) {
        slots.reserveCapacity(capacity)
        sequences.reserveCapacity(capacity)
        slotByKey.reserveCapacity(capacity)
    }

    /// Appends `element` under an already-normalised `key` unless present; returns whether it
    /// was added.
    mutating func insertNew(key: String, _ element: Element) -> Bool {
        if slotByKey[key] != nil { return false }
        lastSequence += 1
        slotByKey[key] = slots.count
        slots.append(element)
        sequences.append(lastSequence)
        return true
    }

    /// Replaces an existing element; returns false when `id` is absent.
    @discardableResult
    mutating func update(_ id: String, _ transform: (inout Element) -> Void) -> Bool {
        guard let slot = slotByKey[Self.key(id)], var element = slots[slot] else { return false }
        slots[slot] = nil
        transform(&element)
        slots[slot] = element
        return true
    }

    /// Runs `body` on the element in place and returns its result.
    mutating func materialize<Result>(_ id: String, _ body: (inout Element) -> Result) -> Result? {
        guard let slot = slotByKey[Self.key(id)], var element = slots[slot] else { return nil }
        slots[slot] = nil
        let result = body(&element)
        slots[slot] = element
        return result
    }

    @discardableResult
    mutating func remove(_ id: String) -> Element? {
        guard let slot = slotByKey.removeValue(forKey: Self.key(id)) else { return nil }
        let element = slots[slot]
        slots[slot] = nil
        tombstones += 1
        if tombstones > 1024 && tombstones > slotByKey.count {
            compact()
        }
        return element
    }

    private mutating func compact() {
        var newSlots: [Element?] = []
        var newSequences: [UInt64] = []
        newSlots.reserveCapacity(slotByKey.count)
        newSequences.reserveCapacity(slotByKey.count)
        // Rebuild the key map from the surviving slots in order.
        var positions: [Int: Int] = [:]
        for (slot, element) in slots.enumerated() where element != nil {
            positions[slot] = newSlots.count
            newSlots.append(element)
            newSequences.append(sequences[slot])
        }
        for (key, slot) in slotByKey {
            slotByKey[key] = positions[slot]
        }
        slots = newSlots
        sequences = newSequences
        tombstones = 0
    }

    /// Elements in order.
    var elements: [Element] {
        slots.compactMap { $0 }
    }

    /// The first slot whose sequence is greater than `sequence`.
    private func firstSlot(after sequence: UInt64) -> Int {
        var low = 0
        var high = sequences.count
        while low < high {
            let middle = (low + high) / 2
            if sequences[middle] <= sequence {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    struct Page {
        var items: [Element]
        /// Sequence of the last item examined; resume after it. nil when nothing is left.
        var resumeAfter: UInt64?
    }

    /// Up to `limit` elements after `sequence` that satisfy `isIncluded`.
    func page(after sequence: UInt64, limit: Int, where isIncluded: (Element) -> Bool = { _ in true }) -> Page {
        var items: [Element] = []
        items.reserveCapacity(min(limit, 1024))
        var slot = firstSlot(after: sequence)
        while slot < slots.count {
            if let element = slots[slot], isIncluded(element) {
                items.append(element)
                if items.count == limit {
                    let last = sequences[slot]
                    // Only point to a next page when something could be on it.
                    var next = slot + 1
                    while next < slots.count, slots[next] == nil { next += 1 }
                    return Page(items: items, resumeAfter: next < slots.count ? last : nil)
                }
            }
            slot += 1
        }
        return Page(items: items, resumeAfter: nil)
    }

    /// Like ``page(after:limit:where:)``, transforming the chosen elements in place (to cache
    /// their serialized form) without copying the collection.
    mutating func pageMaterializing<Result>(
        after sequence: UInt64,
        limit: Int,
        where isIncluded: ((Element) -> Bool)?,
        _ transform: (inout Element) -> Result
    ) -> (items: [Result], resumeAfter: UInt64?) {
        var items: [Result] = []
        items.reserveCapacity(min(limit, 1024))
        var slot = firstSlot(after: sequence)
        while slot < slots.count {
            if let element = slots[slot], isIncluded?(element) ?? true {
                var element = element
                slots[slot] = nil
                items.append(transform(&element))
                slots[slot] = element
                if items.count == limit {
                    var next = slot + 1
                    while next < slots.count, slots[next] == nil { next += 1 }
                    return (items, next < slots.count ? sequences[slot] : nil)
                }
            }
            slot += 1
        }
        return (items, nil)
    }

    /// Up to `limit` elements before `sequence` (newest first) that satisfy `isIncluded`.
    func pageDescending(before sequence: UInt64, limit: Int, where isIncluded: (Element) -> Bool = { _ in true }) -> Page {
        var items: [Element] = []
        var slot = firstSlot(after: sequence == 0 ? 0 : sequence - 1) - 1
        if sequence == UInt64.max { slot = slots.count - 1 }
        while slot >= 0 {
            if let element = slots[slot], isIncluded(element) {
                items.append(element)
                if items.count == limit {
                    var next = slot - 1
                    while next >= 0, slots[next] == nil { next -= 1 }
                    return Page(items: items, resumeAfter: next >= 0 ? sequences[slot] : nil)
                }
            }
            slot -= 1
        }
        return Page(items: items, resumeAfter: nil)
    }

    /// Every element satisfying `isIncluded`, in order.
    func all(where isIncluded: (Element) -> Bool) -> [Element] {
        slots.compactMap { element in
            guard let element, isIncluded(element) else { return nil }
            return element
        }
    }

    func countElements(where isIncluded: (Element) -> Bool) -> Int {
        var count = 0
        for case let element? in slots where isIncluded(element) {
            count += 1
        }
        return count
    }
}
