import Testing
@testable import LakeCore

@Suite("partition keys and value text")
struct PartitionKeyTests {
    @Test("a partition parses from every spelling the CLI accepts", arguments: [
        "dt=2019-01-13/hour=05", "2019-01-13T05", "2019-01-13T05:00Z", "2019-01-13T05:00", "2019-01-13T05Z",
    ])
    func parsesSpellings(text: String) throws {
        let key = try #require(PartitionKey.parse(text))
        #expect(key == PartitionKey(year: 2019, month: 1, day: 13, hour: 5))
        #expect(key.path == "dt=2019-01-13/hour=05")
    }

    @Test("impossible partitions are refused", arguments: [
        "dt=2019-02-30/hour=05", "dt=2019-01-13/hour=24", "2019-13-01T00", "2019-01-13T05:30", "dt=2019-01-13",
        "yesterday", "",
    ])
    func refusesImpossible(text: String) {
        #expect(PartitionKey.parse(text) == nil)
    }

    @Test("a whole day selects its 24 hours")
    func daySelector() throws {
        let day = try #require(PartitionSelector.parse("dt=2020-02-29"))
        #expect(day.contains(PartitionKey(year: 2020, month: 2, day: 29, hour: 23)))
        #expect(!day.contains(PartitionKey(year: 2020, month: 3, day: 1, hour: 0)))
    }

    @Test("civil dates round-trip over four centuries around the epoch")
    func civilDates() {
        for days in stride(from: Int64(-150_000), through: 150_000, by: 97) {
            let (y, m, d) = CivilDate.fromDays(days)
            #expect(CivilDate.toDays(year: y, month: m, day: d) == days)
        }
        #expect(CivilDate.toDays(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.toDays(year: 2019, month: 1, day: 13) == 17_909)
    }

    @Test("the hour of an instant is its UTC hour")
    func epochHour() {
        #expect(PartitionKey(epochSeconds: 1_547_355_600 + 3_599).path == "dt=2019-01-13/hour=05")
        #expect(PartitionKey(year: 2019, month: 1, day: 13, hour: 5).epochSeconds == 1_547_355_600)
    }

    @Test("values print in the one canonical form every output uses")
    func valueText() {
        #expect(ValueFormatter.text(.decimal(171_519, scale: 2)) == "1715.19")
        #expect(ValueFormatter.text(.decimal(-5, scale: 2)) == "-0.05")
        #expect(ValueFormatter.text(.decimal(Int64.min, scale: 0)) == "-9223372036854775808")
        #expect(ValueFormatter.text(.timestamp(1_547_292_731_975_000)) == "2019-01-12 11:32:11.975+00")
        #expect(ValueFormatter.text(.timestamp(-1)) == "1969-12-31 23:59:59.999999+00")
        #expect(ValueFormatter.text(.date(17_909)) == "2019-01-13")
        #expect(ValueFormatter.text(.double(2.5)) == "2.5")
        #expect(ValueFormatter.text(.double(115)) == "115")
        #expect(ValueFormatter.text(.double(.nan)) == "NaN")
        #expect(ValueFormatter.text(.bool(true)) == "true")
        #expect(ValueFormatter.text(.null) == nil)
    }

    @Test("a schema fingerprint changes with any column's name, type or nullability")
    func fingerprints() {
        let base = TableSchema(name: "t", columns: [ColumnSchema(name: "a", type: .int64)])
        var renamed = base
        renamed.columns[0].name = "b"
        var retyped = base
        retyped.columns[0].type = .decimal(scale: 2)
        var required = base
        required.columns[0].nullable = false
        let prints = Set([base, renamed, retyped, required].map(\.fingerprint))
        #expect(prints.count == 4)
        #expect(base.fingerprint == TableSchema(name: "t", columns: [ColumnSchema(name: "a", type: .int64)]).fingerprint)
    }
}
