import LakeWarehouse
import Testing

@Suite("PostgreSQL errors")
struct PostgresErrorTests {
    @Test("a server going away is a lost connection whichever way it says so; an error about the SQL or a row is not",
          arguments: [
              (nil, true), ("08006", true), ("08001", true), ("57P01", true), ("57P02", true), ("57P03", true),
              ("22P02", false), ("23505", false), ("42501", false), ("57014", false),
          ] as [(String?, Bool)])
    func connectionFailure(sqlState: String?, lost: Bool) {
        #expect(PostgresError(sqlState: sqlState, message: "m").isConnectionFailure == lost)
    }
}
