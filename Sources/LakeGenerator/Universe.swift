// The fixed world a run draws from: agencies, quarters, streets and text fragments, encoded once per run.

/// Who offers a listing: an agency (with a companyWideCustomerId) or a private landlord (without).
struct Contact: Sendable {
    var customerID: [UInt8]?
    /// The customer number without its prefix, as the ad links carry it (`obj_cId`).
    var customerDigits: [UInt8]?
    var company: EncodedText?
    /// 0 male, 1 female, 2 no salutation.
    var salutation: Int
    var firstname: EncodedText
    var lastname: EncodedText
    var street: EncodedText?
    var houseNumber: [UInt8]?
    var postcode: [UInt8]?
    var email: [UInt8]?
    var homepage: [UInt8]?
    var phoneSubscriber: [UInt8]
    var cellArea: [UInt8]
    var cellSubscriber: [UInt8]
    var faxSubscriber: [UInt8]?
}

struct EncodedQuarter: Sendable {
    var quarter: Quarter
    var name: EncodedText
    /// The Ortsteil alone, for texts ("Prenzlauer Berg").
    var shortName: EncodedText
    /// `Mitte_Mitte`, as in the ad links' `obj_regio3`.
    var regio3: [UInt8]
    var postcodes: [[UInt8]]
    var fullGeoCodeID: [UInt8]
}

/// A sentence that may name the listing's quarter where the source text says `%Q`.
struct Sentence: Sendable {
    var head: EncodedText
    var tail: EncodedText?
}

struct Universe: Sendable {
    let agencies: [Contact]
    let quarters: [EncodedQuarter]
    let streets: [EncodedText]
    let firstNamesMale: [EncodedText]
    let firstNamesFemale: [EncodedText]
    let lastNames: [EncodedText]
    let pictureTitles: [EncodedText]
    let titleAdjectives: [EncodedText]
    let titleNouns: [EncodedText]
    let titleLinks: [EncodedText]
    let titleSuffixes: [EncodedText]
    let description: [Sentence]
    let furnishing: [EncodedText]
    let location: [Sentence]
    let other: [Sentence]
    let freeFromTexts: [EncodedText]
    let deposits: [EncodedText]

    static let agencyCount = 300

    init(seed: UInt64) {
        func encode(_ list: [String]) -> [EncodedText] { list.map(EncodedText.init) }
        func sentences(_ list: [String]) -> [Sentence] {
            list.map { text in
                let parts = text.split(separator: "%Q", maxSplits: 1, omittingEmptySubsequences: false)
                return Sentence(
                    head: EncodedText(String(parts[0])),
                    tail: parts.count > 1 ? EncodedText(String(parts[1])) : nil
                )
            }
        }
        quarters = BerlinData.quarters.map { q in
            let short = q.name.split(separator: " (").first.map(String.init) ?? q.name
            let regio = q.name.replacingCharacters(" ()-", with: "_")
            var full: [UInt8] = Array("1276003001".utf8)
            full.putInt(q.code, width: 3)
            return EncodedQuarter(
                quarter: q,
                name: EncodedText(q.name),
                shortName: EncodedText(short),
                regio3: Array(regio.utf8),
                postcodes: q.postcodes.map { Array($0.utf8) },
                fullGeoCodeID: full
            )
        }
        streets = encode(BerlinData.streets)
        firstNamesMale = encode(BerlinData.firstNamesMale)
        firstNamesFemale = encode(BerlinData.firstNamesFemale)
        lastNames = encode(BerlinData.lastNames)
        pictureTitles = encode(BerlinData.pictureTitles)
        titleAdjectives = encode(BerlinData.titleAdjectives)
        titleNouns = encode(BerlinData.titleNouns)
        titleLinks = encode(BerlinData.titleLinks)
        titleSuffixes = encode(BerlinData.titleSuffixes)
        description = sentences(BerlinData.descriptionSentences)
        furnishing = encode(BerlinData.furnishingItems)
        location = sentences(BerlinData.locationSentences)
        other = sentences(BerlinData.otherSentences)
        freeFromTexts = encode(BerlinData.freeFromTexts)
        deposits = encode(BerlinData.deposits)

        var rng = Xoshiro256(seed: seed, stream: 1)
        var used = Set<Int>()
        var agencies: [Contact] = []
        agencies.reserveCapacity(Universe.agencyCount)
        for _ in 0..<Universe.agencyCount {
            var number = rng.int(1_000...999_999)
            while !used.insert(number).inserted { number = rng.int(1_000...999_999) }
            var digits: [UInt8] = []
            digits.putInt(number, width: 6)
            let prefix: StaticString = rng.chance(0.85) ? "001." : "003."
            var customerID: [UInt8] = []
            customerID.put(prefix)
            customerID.put(digits)
            let stem = rng.pick(BerlinData.companyStems)
            let company = stem + rng.pick(BerlinData.companyForms)
            let slug = stem.asciiSlug() + "-immobilien"
            let salutation = rng.below(10) < 5 ? 0 : (rng.below(10) < 9 ? 1 : 2)
            let first = salutation == 1 ? rng.pick(BerlinData.firstNamesFemale) : rng.pick(BerlinData.firstNamesMale)
            let agencyQuarter = BerlinData.quarters[rng.below(BerlinData.quarters.count)]
            var houseNumber: [UInt8] = []
            houseNumber.putInt(rng.int(1...180))
            agencies.append(
                Contact(
                    customerID: customerID,
                    customerDigits: Array(String(number).utf8),
                    company: EncodedText(company),
                    salutation: salutation,
                    firstname: EncodedText(first),
                    lastname: EncodedText(rng.pick(BerlinData.lastNames)),
                    street: EncodedText(rng.pick(BerlinData.streets)),
                    houseNumber: houseNumber,
                    postcode: Array(rng.pick(agencyQuarter.postcodes).utf8),
                    email: Array("kontakt@\(slug).de".utf8),
                    homepage: Array("http://www.\(slug).de".utf8),
                    phoneSubscriber: Universe.subscriber(&rng),
                    cellArea: Universe.cellArea(&rng),
                    cellSubscriber: Universe.subscriber(&rng),
                    faxSubscriber: Universe.subscriber(&rng)
                )
            )
        }
        self.agencies = agencies
    }

    /// A landlord without an agency: a name and phone numbers, nothing else.
    func privateLandlord(_ rng: inout Xoshiro256) -> Contact {
        let salutation = rng.below(2)
        let first = salutation == 1 ? rng.pick(firstNamesFemale) : rng.pick(firstNamesMale)
        return Contact(
            customerID: nil,
            customerDigits: nil,
            company: nil,
            salutation: salutation,
            firstname: first,
            lastname: rng.pick(lastNames),
            street: nil,
            houseNumber: nil,
            postcode: nil,
            email: nil,
            homepage: nil,
            phoneSubscriber: Universe.subscriber(&rng),
            cellArea: Universe.cellArea(&rng),
            cellSubscriber: Universe.subscriber(&rng),
            faxSubscriber: nil
        )
    }

    /// `29 66 83 00`: Berlin numbers have 7 or 8 digits, written in pairs.
    static func subscriber(_ rng: inout Xoshiro256) -> [UInt8] {
        var out: [UInt8] = []
        out.putInt(rng.int(20...99), width: 2)
        for _ in 0..<3 {
            out.append(0x20)
            out.putInt(rng.int(0...99), width: 2)
        }
        return out
    }

    static func cellArea(_ rng: inout Xoshiro256) -> [UInt8] {
        Array(
            rng.pick(["151", "152", "157", "160", "162", "163", "170", "171", "172", "173", "176", "177", "179"]).utf8
        )
    }
}

extension String {
    fileprivate func replacingCharacters(_ set: String, with replacement: Character) -> String {
        var out = ""
        var lastWasReplacement = false
        for c in self {
            if set.contains(c) {
                if !lastWasReplacement { out.append(replacement) }
                lastWasReplacement = true
            } else {
                out.append(c)
                lastWasReplacement = false
            }
        }
        while out.last == replacement { out.removeLast() }
        return out
    }

    /// `mika-immobilien`: lower-case ASCII with German letters transliterated, for e-mail and web addresses.
    fileprivate func asciiSlug() -> String {
        var out = ""
        for c in lowercased() {
            switch c {
            case "ä": out += "ae"
            case "ö": out += "oe"
            case "ü": out += "ue"
            case "ß": out += "ss"
            case "a"..."z", "0"..."9": out.append(c)
            default: if out.last != "-" { out.append("-") }
            }
        }
        return out.trimmingDashes()
    }

    private func trimmingDashes() -> String {
        var s = Substring(self)
        while s.first == "-" { s = s.dropFirst() }
        while s.last == "-" { s = s.dropLast() }
        return String(s)
    }
}
