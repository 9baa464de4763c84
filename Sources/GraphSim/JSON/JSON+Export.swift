// graph-sim answers with the shared JSON value type (ordered members, numbers as their text), so
// a number a client sends is stored and read back byte for byte; its users see it through GraphSim.
@_exported public import JSON
