public import Hummingbird

/// `?limit=&cursor=` of a list request. Cursors are opaque to clients: the `next_cursor` of one
/// page, passed back unchanged, gives the next page.
public struct PageRequest: Sendable {
    public let limit: Int
    let cursor: String?

    public static func parse(_ request: Request, configuration: APIConfiguration) throws -> PageRequest {
        let query = request.uri.queryParameters
        var limit = configuration.defaultPageSize
        if let text = query["limit"] {
            guard let value = QueryValues.digits(text, maxDigits: 6).map(Int.init), (1...configuration.maxPageSize).contains(value) else {
                throw APIError(.invalidParameter, "limit must be a whole number from 1 to \(configuration.maxPageSize) (got '\(text)')")
            }
            limit = value
        }
        let cursor = query["cursor"].map(String.init)
        if let cursor, cursor.isEmpty { throw APIError(.invalidCursor, "cursor is empty; omit it for the first page") }
        return PageRequest(limit: limit, cursor: cursor)
    }

    /// The largest offset a position cursor may hold. Lists paged by position are short (a
    /// tenant's restore plans, workers, a plan's steps); a client can forge any cursor (they are
    /// base64url, not sealed), so the value is bounded here, before any arithmetic on it.
    public static let maxOffset = 1_000_000

    /// For lists paged by position: the offset the cursor holds (0 on the first page).
    public func offset() throws -> Int {
        guard let cursor else { return 0 }
        guard let value = Self.decode(cursor, kind: "o", maxDigits: 7), value <= Self.maxOffset else { throw Self.invalid }
        return Int(value)
    }

    /// `offset() + limit + 1`, the rows to fetch for a page after the cursor's offset: both terms
    /// are bounded (``maxOffset``, the configured page size), so this cannot overflow.
    public func fetchCount(after offset: Int) -> Int {
        offset + limit + 1
    }

    /// For lists ordered by descending id: only ids below the cursor's (nil on the first page).
    /// Ids are positive, so a cursor holding zero or less is not one a list returned.
    public func beforeID() throws -> Int64? {
        guard let cursor else { return nil }
        guard let value = Self.decode(cursor, kind: "b", maxDigits: 18), value > 0 else { throw Self.invalid }
        return value
    }

    /// A page from `limit + 1` rows fetched after `offset`.
    public func page<Item: Encodable & Sendable>(offset: Int, fetched: [Item]) -> Page<Item> {
        let items = Array(fetched.prefix(limit))
        return Page(items: items, nextCursor: fetched.count > limit ? Self.encode("o", String(offset + limit)) : nil)
    }

    /// A page from `limit + 1` rows fetched in descending id order.
    public func page<Item: Encodable & Sendable>(descendingIDs fetched: [Item], id: (Item) -> Int64) -> Page<Item> {
        let items = Array(fetched.prefix(limit))
        let next = fetched.count > limit ? items.last.map { Self.encode("b", String(id($0))) } : nil
        return Page(items: items, nextCursor: next)
    }

    /// A page of a list the caller already holds whole (small lists such as workers).
    public func page<Item: Encodable & Sendable>(of all: [Item]) throws -> Page<Item> {
        let offset = try offset()
        return page(offset: offset, fetched: Array(all.dropFirst(offset).prefix(limit + 1)))
    }

    private static let invalid = APIError(.invalidCursor, "cursor is not one this list returned; start again without it")

    /// `o<offset>` or `b<id>`: a kind letter and decimal digits, which docs/openapi.yaml states as
    /// a pattern per list. Cursors are not secret and not sealed; every value is checked on return.
    private static func encode(_ kind: String, _ value: String) -> String {
        kind + value
    }

    /// The number after `kind`, or nil when the cursor is of another kind or its digits are not
    /// the pattern's (no sign, no leading zero, at most `maxDigits`: an id cursor's 18 digits
    /// cover every id a list can hold).
    private static func decode(_ cursor: String, kind: String, maxDigits: Int) -> Int64? {
        guard cursor.hasPrefix(kind) else { return nil }
        return QueryValues.digits(cursor.dropFirst(kind.count), maxDigits: maxDigits)
    }
}

/// One page of a list: `{"items":[…],"next_cursor":"…"|null}`.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        // Always present, null on the last page, so clients can loop on it.
        try container.encode(nextCursor, forKey: .nextCursor)
    }

    enum CodingKeys: String, CodingKey { case items, nextCursor }
}
