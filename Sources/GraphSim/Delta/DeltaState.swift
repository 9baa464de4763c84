import Foundation

/// What a delta skip token or delta token encodes: the round's type, its bounds in directory
/// versions, where the page stopped, and the original `$select` and `$filter` (delta tokens
/// carry them, as Graph's do).
struct DeltaState: Sendable, Equatable {
    enum Phase: String, Sendable {
        /// Enumerating every live object (no delta token yet).
        case initial = "i"
        /// Reading the changes since `fromVersion`.
        case changes = "c"
        /// A delta token, waiting for the next round.
        case token = "t"
    }

    var type: String
    var phase: Phase
    /// Changes after this version are this round's (changes rounds) or the next round's (tokens).
    var fromVersion: UInt64
    /// The directory version when the round started; the next delta token starts here.
    var roundVersion: UInt64
    /// Initial rounds: the sequence number to resume after. Changes rounds: the index into the
    /// round's change list.
    var position: UInt64
    /// Members of the current object already sent (large groups span pages).
    var memberOffset: Int
    var select: [String]?
    var ids: [String]?
    var includeMembers: Bool
    var epoch: Int
    /// Simulated time the delta token was issued (it expires 7 days later).
    var issuedAt: Double

    var encoded: String {
        var object: JSONObject = [
            "k": .string(type),
            "m": .string(phase.rawValue),
            "f": .int(Int(truncatingIfNeeded: fromVersion)),
            "r": .int(Int(truncatingIfNeeded: roundVersion)),
            "p": .int(Int(truncatingIfNeeded: position)),
            "o": .int(memberOffset),
            "e": .int(epoch),
            "t": .double(issuedAt),
            "mb": .bool(includeMembers),
        ]
        if let select { object["s"] = .strings(select) }
        if let ids { object["ids"] = .strings(ids) }
        return OpaqueToken.encode(object)
    }

    init(type: String, phase: Phase, fromVersion: UInt64, roundVersion: UInt64, position: UInt64, memberOffset: Int,
         select: [String]?, ids: [String]?, includeMembers: Bool, epoch: Int, issuedAt: Double) {
        self.type = type
        self.phase = phase
        self.fromVersion = fromVersion
        self.roundVersion = roundVersion
        self.position = position
        self.memberOffset = memberOffset
        self.select = select
        self.ids = ids
        self.includeMembers = includeMembers
        self.epoch = epoch
        self.issuedAt = issuedAt
    }

    init?(token: String) {
        guard let object = OpaqueToken.decode(token),
              let type = object["k"]?.stringValue,
              let phase = object["m"]?.stringValue.flatMap(Phase.init(rawValue:)),
              let from = object["f"]?.intValue, let round = object["r"]?.intValue,
              let position = object["p"]?.intValue, let offset = object["o"]?.intValue,
              let epoch = object["e"]?.intValue, let issued = object["t"]?.doubleValue else { return nil }
        self.type = type
        self.phase = phase
        self.fromVersion = UInt64(max(0, from))
        self.roundVersion = UInt64(max(0, round))
        self.position = UInt64(max(0, position))
        self.memberOffset = offset
        self.select = object["s"].map(\.stringArray)
        self.ids = object["ids"].map(\.stringArray)
        self.includeMembers = object["mb"]?.boolValue ?? false
        self.epoch = epoch
        self.issuedAt = issued
    }
}

/// One object in a changes round: whether its own state changed and which of its members did.
struct DeltaChange: Sendable {
    var id: String
    var objectChanged: Bool
    var members: [String]
}
