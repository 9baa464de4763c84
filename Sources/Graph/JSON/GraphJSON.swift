public import JSON

/// A JSON value as Graph returns it: objects are read without a fixed schema, because a backup
/// stores whatever properties the service sends, and numbers keep their text so a value restored
/// to Graph is the one that was read.
public typealias GraphJSON = JSONValue
