internal import LakeCore

/// One line of a batch, decided before any byte is rendered.
enum PlannedLine: Sendable {
    /// A good record; `role` says whether it is new, an update or a redelivery.
    case good(Listing, role: GoodRole)
    case bad(Listing, BadLineKind, variant: Int)
    case blank(variant: Int)
    /// An exact copy of the good line at this index of the same batch.
    case duplicate(of: Int)
}

enum GoodRole: Sendable { case new, update, redelivery }

/// Everything needed to write one batch, independent of every other batch, so hours render in parallel.
struct HourPlan: Sendable {
    var hour: PartitionKey
    var lines: [PlannedLine]
    /// Indices of good lines that a `.duplicate` copies.
    var duplicated: Set<Int>
    var lacksFinalNewline: Bool
    /// Counts filled in by the planner; the writer adds path and sizes.
    var summary: GeneratedFile
}

/// Decides, hour by hour, which listings appear, which earlier ones come back with a new price, and where the
/// messy lines go. Sequential and cheap; rendering is left to the writers.
struct Planner {
    let options: GeneratorOptions
    let universe: Universe
    private var rng: Xoshiro256
    /// The latest version of every listing with a good line so far.
    private var pool: [Listing] = []
    /// Every good version delivered so far, for redeliveries.
    private var delivered: [Listing] = []
    private var usedIDs = Set<Int>()
    private var badSoFar = 0

    init(options: GeneratorOptions, universe: Universe) {
        self.options = options
        self.universe = universe
        rng = Xoshiro256(seed: options.seed, stream: 2)
    }

    mutating func planHour(_ index: Int) -> HourPlan {
        let hour = PartitionKey(epochSeconds: options.start.epochSeconds + Int64(index) * 3_600)
        let hourStart = hour.epochSeconds * 1_000
        let perHour = options.perHour
        let messy = options.isMessy && perHour > 0
        var bad = messy ? max(1, (perHour + 50) / 100) : 0
        var redeliveries = messy && index > 0 ? min(delivered.count, max(1, perHour / 200)) : 0
        var updates = index > 0 ? min(pool.count, Int((Double(perHour) * 0.10).rounded())) : 0
        bad = min(bad, perHour)
        redeliveries = min(redeliveries, perHour - bad)
        updates = min(updates, perHour - bad - redeliveries)
        let fresh = perHour - bad - redeliveries - updates

        var lines: [PlannedLine] = []
        lines.reserveCapacity(perHour + 8)
        var idsThisHour = Set<Int>()

        // Updates: distinct earlier listings, a newer modification time inside this hour, a changed rent.
        for poolIndex in sample(updates, from: pool.count) {
            var listing = pool[poolIndex]
            listing.modifiedMillis = hourStart + Int64(rng.below(3_600_000))
            listing.baseRent = changedRent(listing.baseRent)
            pool[poolIndex] = listing
            idsThisHour.insert(listing.id)
            lines.append(.good(listing, role: .update))
        }
        for _ in 0..<fresh {
            let listing = newListing(hourStart: hourStart)
            pool.append(listing)
            idsThisHour.insert(listing.id)
            lines.append(.good(listing, role: .new))
        }
        if redeliveries > 0 {
            var attempts = 0
            var added = 0
            while added < redeliveries && attempts < redeliveries * 20 {
                attempts += 1
                let version = delivered[rng.below(delivered.count)]
                guard idsThisHour.insert(version.id).inserted else { continue }
                lines.append(.good(version, role: .redelivery))
                added += 1
            }
        }
        for _ in 0..<bad {
            let kind = BadLineKind.allCases[badSoFar % BadLineKind.allCases.count]
            badSoFar += 1
            lines.append(.bad(newListing(hourStart: hourStart), kind, variant: Int(rng.next() >> 33)))
        }
        for line in lines { if case .good(let l, let role) = line, role != .redelivery { delivered.append(l) } }
        shuffle(&lines)

        // Blank lines and exact copies go in at random places; a copy always follows its original.
        var duplicated = Set<Int>()
        if messy {
            for _ in 0..<max(1, perHour / 200) {
                lines.insert(.blank(variant: rng.below(10)), at: rng.below(lines.count + 1))
            }
            for _ in 0..<max(1, perHour / 200) {
                let goods = lines.indices.filter { if case .good = lines[$0] { return true } else { return false } }
                guard let original = goods.isEmpty ? nil : goods[rng.below(goods.count)] else { break }
                let at = original + 1 + rng.below(lines.count - original)
                // Later indices shift by one; fix up earlier duplicates that point past the insertion.
                for i in lines.indices {
                    if case .duplicate(let of) = lines[i], of >= at { lines[i] = .duplicate(of: of + 1) }
                }
                duplicated = Set(duplicated.map { $0 >= at ? $0 + 1 : $0 })
                lines.insert(.duplicate(of: original), at: at)
                duplicated.insert(original)
            }
        }

        var summary = GeneratedFile(
            path: "",
            fileName: "",
            memberName: nil,
            hour: hour,
            lineCount: lines.count,
            goodLines: 0,
            newListingLines: 0,
            updateLines: 0,
            redeliveredLines: 0,
            duplicateLines: 0,
            blankLines: 0,
            badLines: [:],
            versions: [],
            jsonBytes: 0,
            fileBytes: 0,
            endsWithNewline: true
        )
        for line in lines {
            switch line {
            case .good(let listing, let role):
                summary.goodLines += 1
                switch role {
                case .new: summary.newListingLines += 1
                case .update: summary.updateLines += 1
                case .redelivery: summary.redeliveredLines += 1
                }
                summary.versions.append(version(of: listing))
            case .bad(_, let kind, _): summary.badLines[kind, default: 0] += 1
            case .blank: summary.blankLines += 1
            case .duplicate: summary.duplicateLines += 1
            }
        }
        let lacksFinalNewline = messy && index % 2 == 1
        if lacksFinalNewline, case .blank(let variant) = lines[lines.count - 1], variant <= 2 {
            lines[lines.count - 1] = .blank(variant: 3)  // an empty last line without a newline would not exist
        }
        summary.endsWithNewline = !lacksFinalNewline
        return HourPlan(
            hour: hour,
            lines: lines,
            duplicated: duplicated,
            lacksFinalNewline: lacksFinalNewline,
            summary: summary
        )
    }

    /// Totals over all files, and the distinct dimension keys among good records.
    func report(files: [GeneratedFile]) -> GenerationReport {
        var report = GenerationReport(
            files: files,
            goodVersions: [],
            badLines: [:],
            goodLines: 0,
            updateLines: 0,
            redeliveredLines: 0,
            duplicateLines: 0,
            blankLines: 0,
            jsonBytes: 0,
            distinctListings: 0,
            distinctAgencies: 0,
            distinctAddresses: 0,
            distinctQuarters: 0
        )
        for file in files {
            report.goodVersions.formUnion(file.versions)
            for (kind, count) in file.badLines { report.badLines[kind, default: 0] += count }
            report.goodLines += file.goodLines
            report.updateLines += file.updateLines
            report.redeliveredLines += file.redeliveredLines
            report.duplicateLines += file.duplicateLines
            report.blankLines += file.blankLines
            report.jsonBytes += file.jsonBytes
        }
        // Every listing in `pool` has at least one good line; identity fields never change between versions.
        var agencies = Set<Int>(), addresses = Set<[Int]>(), quarters = Set<Int>()
        for l in pool {
            if l.agency >= 0 { agencies.insert(l.agency) }
            addresses.insert([l.quarter, l.postcode, l.street, l.street >= 0 ? l.houseNumber : -1])
            quarters.insert(universe.quarters[l.quarter].quarter.code)
        }
        report.distinctListings = pool.count
        report.distinctAgencies = agencies.count
        report.distinctAddresses = addresses.count
        report.distinctQuarters = quarters.count
        return report
    }

    func version(of listing: Listing) -> ListingVersion {
        ListingVersion(
            listingID: String(listing.id),
            modifiedAt: listing.modifiedAtText,
            modifiedAtMicroseconds: listing.modifiedMillis * 1_000
        )
    }

    private mutating func newListing(hourStart: Int64) -> Listing {
        var id = rng.int(10_000_000...999_999_999)
        while !usedIDs.insert(id).inserted { id = rng.int(10_000_000...999_999_999) }
        let quarterIndex = rng.below(universe.quarters.count)
        let quarter = universe.quarters[quarterIndex].quarter
        let agency = rng.chance(0.15) ? -1 : Int(rng.unit() * rng.unit() * Double(Universe.agencyCount))
        let street = rng.chance(0.65) ? rng.below(universe.streets.count) : -1
        let rooms = [2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 6, 7, 8, 8, 9, 10, 12][rng.below(17)]
        var living = (1_800 + rooms * 1_100) * (60 + rng.below(80)) / 100
        living = min(max(living, 2_000), 25_000)
        if rng.chance(0.6) { living = living / 100 * 100 }
        let perSquareMetre = min(max(quarter.rentPerSquareMetre * (70 + rng.below(60)) / 100, 800), 2_500)
        var baseRent = living * perSquareMetre / 100
        if rng.chance(0.5) { baseRent = baseRent / 100 * 100 }
        var service = living * (150 + rng.below(150)) / 100  // 1.50–3.00 €/m²
        if rng.chance(0.7) { service = service / 100 * 100 }
        var heating = -1
        if rng.chance(0.75) {
            heating = living * (70 + rng.below(80)) / 100  // 0.70–1.50 €/m²
            if rng.chance(0.7) { heating = heating / 100 * 100 }
        }
        // Most records change inside their batch's hour, some in the half hour before.
        let modified =
            rng.chance(0.9)
            ? hourStart + Int64(rng.below(3_600_000))
            : hourStart - 1_800_000 + Int64(rng.below(1_800_000))
        let created = modified - Int64(rng.int(3_600...60_000_000)) * 1_000 - Int64(rng.below(1_000))
        return Listing(
            id: id,
            seed: rng.next(),
            quarter: quarterIndex,
            postcode: rng.below(quarter.postcodes.count),
            agency: agency,
            street: street,
            houseNumber: rng.int(1...150),
            livingSpace: living,
            rooms: rooms,
            baseRent: baseRent,
            serviceCharge: service,
            heatingCosts: heating,
            createdMillis: created / 1000 * 1000,
            modifiedMillis: modified,
            modifiedInBerlinTime: rng.chance(0.15),
            hasLastModificationDate: rng.chance(0.95)
        )
    }

    /// A new rent between 6% lower and 9% higher, never the same, in whole euros when the old one was.
    private mutating func changedRent(_ rent: Int) -> Int {
        var delta = rng.int(-60...90)
        if (-5...5).contains(delta) { delta = 25 }
        var new = rent * (1_000 + delta) / 1_000
        if rent % 100 == 0 { new = new / 100 * 100 }
        return new == rent ? rent + 500 : new
    }

    /// `count` distinct indices below `n`, by a partial Fisher–Yates over a lazily materialised permutation.
    private mutating func sample(_ count: Int, from n: Int) -> [Int] {
        var swapped: [Int: Int] = [:]
        var out: [Int] = []
        for i in 0..<count {
            let j = i + rng.below(n - i)
            let vi = swapped[i] ?? i, vj = swapped[j] ?? j
            swapped[j] = vi
            out.append(vj)
        }
        return out
    }

    private mutating func shuffle(_ lines: inout [PlannedLine]) {
        guard lines.count > 1 else { return }
        for i in stride(from: lines.count - 1, to: 0, by: -1) { lines.swapAt(i, rng.below(i + 1)) }
    }
}
