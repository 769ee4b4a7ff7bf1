import Foundation
import LakeCore
import LakeWarehouse
import TestSupport
import Testing

@Suite("warehouse URL and SQL")
struct WarehouseSQLTests {
    @Test("a warehouse is named without its password; missing parts come from PG* variables")
    func identity() throws {
        let url = try WarehouseURL("postgres://loader:hunter2@db.example:6543/lake", environment: [:])
        #expect(url.identity == "postgres://loader@db.example:6543/lake")
        #expect(!"\(url)".contains("hunter2"))
        let env = try WarehouseURL("postgres://", environment: ["PGHOST": "h", "PGPORT": "7000", "PGUSER": "u",
                                                                  "PGDATABASE": "d"])
        #expect(env.identity == "postgres://u@h:7000/d")
        let redshift = try WarehouseURL("redshift://admin@cluster.example/dev", environment: [:])
        #expect(redshift.dialect == .redshift && redshift.port == 5439)
    }

    @Test("an unknown scheme is a usage error that does not echo the URL")
    func badScheme() {
        let error = #expect(throws: LakeError.self) { try WarehouseURL("mysql://u:topsecret@h/d") }
        #expect(error?.code == .usage)
        #expect(!(error?.description.contains("topsecret") ?? true))
    }

    @Test("identifiers and literals are quoted with their quotes doubled")
    func quoting() {
        #expect(WarehouseSQL.quote("we\"ird") == "\"we\"\"ird\"")
        #expect(WarehouseSQL.literal("it's") == "'it''s'")
    }
}

@Suite("PostgreSQL connection", .serialized)
struct PostgresConnectionTests {
    @Test("COPY FROM STDIN streams CSV in pieces and reports the rows stored")
    func copy() throws {
        let server = try PostgresServer.start()
        let database = try server.createDatabase("copy")
        let connection = try PostgresConnection(WarehouseURL(server.url(database: database)))
        try connection.execute("CREATE TABLE t (a BIGINT, b TEXT)")
        let csv = Array("a,b\n1,one\n2,\"\"\n3,\n".utf8)
        let rows = try connection.copyIn("COPY t (a, b) FROM STDIN WITH (FORMAT csv, HEADER true)") { send in
            for byte in csv { try [byte].withUnsafeBytes { try send($0) } }
        }
        #expect(rows == 3)
        #expect(try server.psql("SELECT count(*) FROM t WHERE b IS NULL", database: database) == "1")
        #expect(try server.psql("SELECT count(*) FROM t WHERE b = ''", database: database) == "1")
    }

    @Test("a row the server rejects names SQLSTATE and line; the connection stays usable")
    func rejectedRow() throws {
        let server = try PostgresServer.start()
        let database = try server.createDatabase("reject")
        let connection = try PostgresConnection(WarehouseURL(server.url(database: database)))
        try connection.execute("CREATE TABLE t (a BIGINT)")
        let error = #expect(throws: PostgresError.self) {
            try connection.copyIn("COPY t (a) FROM STDIN WITH (FORMAT csv, HEADER true)") { send in
                try Array("a\n1\nx\n".utf8).withUnsafeBytes { try send($0) }
            }
        }
        #expect(error?.sqlState == "22P02")
        #expect(error?.copyLine == 3)
        #expect(try connection.query("SELECT 1") == [["1"]])
    }

    @Test("server down is 'unreachable' (exit 69); a wrong password is refused without echoing it")
    func connectFailures() throws {
        let down = #expect(throws: LakeError.self) {
            try PostgresConnection(WarehouseURL("postgres://postgres:pw@127.0.0.1:\(PostgresServer.freePort())/x"))
        }
        #expect(down?.code.exitStatus == 69)
        let server = try PostgresServer.start()
        let wrong = #expect(throws: LakeError.self) {
            try PostgresConnection(WarehouseURL(server.url(password: "not-the-password")))
        }
        #expect(wrong?.code == .badSpec)
        #expect(!(wrong?.description.contains("not-the-password") ?? true))
        let missing = #expect(throws: LakeError.self) {
            try PostgresConnection(WarehouseURL(server.url(database: "no_such_db")))
        }
        #expect(missing?.code == .badSpec)
        #expect(missing?.description.contains("no_such_db") == true)
    }
}
