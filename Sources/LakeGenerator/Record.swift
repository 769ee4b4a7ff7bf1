// One listing rendered as one JSON line in the source's shape: {"ok": true, "data": {…~130 flattened fields…}}.

/// A listing's state at one version. Identity and everything a later version may change live here; all other
/// attributes are drawn again from `seed` on every render, so every version of a listing agrees on them.
struct Listing: Sendable {
    var id: Int
    var seed: UInt64
    var quarter: Int
    var postcode: Int
    /// Index into `Universe.agencies`, or -1 for a private landlord.
    var agency: Int
    /// Index into `Universe.streets`, or -1 when the listing hides its street.
    var street: Int
    var houseNumber: Int
    /// m² in hundredths.
    var livingSpace: Int
    /// Rooms in halves (5 is 2.5 rooms).
    var rooms: Int
    /// Cents.
    var baseRent: Int
    var serviceCharge: Int
    /// Cents, or -1 when not stated.
    var heatingCosts: Int
    var createdMillis: Int64
    var modifiedMillis: Int64
    var modifiedInBerlinTime: Bool
    var hasLastModificationDate: Bool

    var totalRent: Int { baseRent + serviceCharge + max(heatingCosts, 0) }

    /// The modification time exactly as the record spells it.
    var modifiedAtText: String {
        var bytes: [UInt8] = []
        bytes.putTimestamp(millis: modifiedMillis, berlin: modifiedInBerlinTime)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What makes a rendered record a bad line (messy mode).
enum Flaw: Sendable {
    case none
    /// `realEstate_baseRent` is a string such as "ca. 900".
    case nonNumericBaseRent(Int)
    /// `data.id` is absent (variant 0) or null (variant 1).
    case missingID(Int)
    /// Neither `realEstate_lastModificationDate` nor `modification`.
    case missingModificationTime
    /// A byte sequence that is not UTF-8 inside the title.
    case invalidUTF8(Int)
}

/// Fields that records omit at field-specific rates. A listing decides once (from its seed) which it omits.
enum OptionalField: Int, CaseIterable, Sendable {
    case apartmentType, condition, constructionYear, deposit, descriptionNote, energyCertificate, floor, freeFrom
    case furnishingNote, heatingType, interiorQuality, lastRefurbishment, locationNote, numberOfFloors, otherNote
    case petsAllowed, thermalCharacteristic, pictures, coordinates, contactEmail, contactCellPhone, contactFax
    case contactFirstname, contactHomepage, totalRent, balcony, lift, garden, cellar

    /// The share of listings that omit the field.
    var missingRate: Double {
        switch self {
        case .apartmentType: 0.15
        case .condition: 0.12
        case .constructionYear: 0.15
        case .deposit: 0.20
        case .descriptionNote: 0.05
        case .energyCertificate: 0.25
        case .floor: 0.10
        case .freeFrom: 0.15
        case .furnishingNote: 0.18
        case .heatingType: 0.12
        case .interiorQuality: 0.30
        case .lastRefurbishment: 0.35
        case .locationNote: 0.12
        case .numberOfFloors: 0.25
        case .otherNote: 0.30
        case .petsAllowed: 0.08
        case .thermalCharacteristic: 0.33
        case .pictures: 0.08
        case .coordinates: 0.35
        case .contactEmail: 0.10
        case .contactCellPhone: 0.30
        case .contactFax: 0.35
        case .contactFirstname: 0.20
        case .contactHomepage: 0.25
        case .totalRent: 0.10
        case .balcony, .lift, .garden, .cellar: 0.05
        }
    }

    /// The source field whose presence shows the choice (for tests).
    var probeField: String {
        switch self {
        case .apartmentType: "realEstate_apartmentType"
        case .condition: "realEstate_condition"
        case .constructionYear: "realEstate_constructionYear"
        case .deposit: "realEstate_deposit"
        case .descriptionNote: "realEstate_descriptionNote"
        case .energyCertificate: "realEstate_energyCertificate_energyCertificateAvailability"
        case .floor: "realEstate_floor"
        case .freeFrom: "realEstate_freeFrom"
        case .furnishingNote: "realEstate_furnishingNote"
        case .heatingType: "realEstate_heatingType"
        case .interiorQuality: "realEstate_interiorQuality"
        case .lastRefurbishment: "realEstate_lastRefurbishment"
        case .locationNote: "realEstate_locationNote"
        case .numberOfFloors: "realEstate_numberOfFloors"
        case .otherNote: "realEstate_otherNote"
        case .petsAllowed: "realEstate_petsAllowed"
        case .thermalCharacteristic: "realEstate_thermalCharacteristic"
        case .pictures: "realEstate_titlePicture_urls"
        case .coordinates: "realEstate_address_wgs84Coordinate_latitude"
        case .contactEmail: "contactDetails_email"
        case .contactCellPhone: "contactDetails_cellPhoneNumber"
        case .contactFax: "contactDetails_faxNumber"
        case .contactFirstname: "contactDetails_firstname"
        case .contactHomepage: "contactDetails_homepageUrl"
        case .totalRent: "realEstate_totalRent"
        case .balcony: "realEstate_balcony"
        case .lift: "realEstate_lift"
        case .garden: "realEstate_garden"
        case .cellar: "realEstate_cellar"
        }
    }

    /// Whether the field can appear at all for this kind of contact (private landlords have no fax or homepage).
    func applies(toAgency: Bool) -> Bool {
        switch self {
        case .contactFax, .contactHomepage, .contactEmail: toAgency
        default: true
        }
    }
}

/// Renders listings into a reused line buffer. One per worker; not shared.
struct RecordRenderer {
    let universe: Universe
    private var scratch: [UInt8] = []
    private var pictureIDs: [(UInt64, UInt64, Int)] = []

    init(universe: Universe) {
        self.universe = universe
        scratch.reserveCapacity(4096)
    }

    /// Appends the record (without the newline) to `out`.
    mutating func render(_ listing: Listing, flaw: Flaw = .none, into out: inout [UInt8]) {
        var rng = Xoshiro256(seed: listing.seed)
        var missing: UInt64 = 0
        for field in OptionalField.allCases where rng.chance(field.missingRate) { missing |= 1 << field.rawValue }
        func has(_ f: OptionalField) -> Bool { missing & (1 << f.rawValue) == 0 }

        let u = universe
        let ascii = rng.chance(0.7)  // Python's json.dumps escapes non-ASCII; some producers do not
        let q = u.quarters[listing.quarter]
        let isAgency = listing.agency >= 0
        let contact = isAgency ? u.agencies[listing.agency] : u.privateLandlord(&rng)
        var idText: [UInt8] = []
        idText.putInt(listing.id)

        // Attributes drawn in a fixed order, whatever the version.
        let pictureCount = rng.int(1...18)
        let constructionYear = rng.chance(0.15) ? rng.int(2010...2019) : rng.int(1870...2009)
        let lastRefurbishment = max(constructionYear, rng.int(1990...2018))
        let floor = rng.int(0...6)
        let numberOfFloors = max(floor, rng.int(2...7))
        let thermal = rng.int(45...240)
        let balcony = rng.chance(0.65), kitchen = rng.chance(0.55), lift = rng.chance(0.4)
        let garden = rng.chance(0.2), cellar = rng.chance(0.6)
        let apartmentType = rng.below(apartmentTypes.count)
        let condition = rng.below(conditions.count)
        let interior = rng.below(interiorQualities.count)
        let heating = rng.below(heatingTypes.count)
        let pets = rng.below(petsAllowedValues.count)
        let numbersAsStrings = rng.chance(0.04)
        let freeFromKind = rng.below(10)  // 0, 1: free text; else a date
        let freeFromText = rng.pick(u.freeFromTexts)
        let freeFromDays = listing.createdMillis / 86_400_000 + Int64(rng.int(0...120))
        let deposit = rng.pick(u.deposits)
        var textLengths = (0..<4).map { _ in 200 + Int(pow3(rng.unit()) * 7_800) }
        let formFields = rng.next()
        let latitude = rng.int(5_234_000...5_266_000), longitude = rng.int(1_310_000...1_374_000)

        // Keep records within about 35 KB: long texts leave room for fewer pictures.
        let textBudget = textLengths.reduce(0, +)
        let pictures = has(.pictures) ? min(pictureCount, max(1, (27_000 - textBudget) / 1_700)) : 0
        if textBudget > 26_000 { textLengths = textLengths.map { $0 / 2 } }
        pictureIDs.removeAll(keepingCapacity: true)
        for _ in 0..<pictures { pictureIDs.append((rng.next(), rng.next(), rng.int(500_000_000...999_999_999))) }

        // --- top level ---
        out.put("{\"ok\": true, \"data\": {\"contactFormType\": ")
        out.putQuoted(isAgency ? "LONG" : "SHORT")
        out.key("creation")
        out.append(0x22); out.putTimestamp(millis: listing.createdMillis, berlin: true); out.append(0x22)
        switch flaw {
        case .missingID(let variant) where variant % 2 == 1: out.key("id"); out.put("null")
        case .missingID: break
        default: out.key("id"); out.putQuoted(idText)
        }
        var modified: [UInt8] = [0x22]
        modified.putTimestamp(millis: listing.modifiedMillis, berlin: listing.modifiedInBerlinTime)
        modified.append(0x22)
        let hasModification: Bool
        if case .missingModificationTime = flaw { hasModification = false } else { hasModification = true }
        if hasModification { out.key("modification"); out.put(modified) }
        out.key("publishDate")
        out.append(0x22); out.putTimestamp(millis: listing.createdMillis, berlin: true); out.append(0x22)
        out.key("xlink_href")
        out.put("\"https://rest.immobilienscout24.de/restapi/api/search/v1.0/expose/"); out.put(idText);
        out.append(0x22)

        // Ad links: the same long query twice, with and without scheme.
        scratch.removeAll(keepingCapacity: true)
        appendAdQuery(
            listing,
            contact: contact,
            idText: idText,
            constructionYear: constructionYear,
            lastRefurbishment: lastRefurbishment,
            floor: floor,
            numberOfFloors: numberOfFloors,
            thermal: thermal,
            balcony: balcony,
            kitchen: kitchen,
            lift: lift,
            garden: garden,
            cellar: cellar,
            apartmentType: apartmentType,
            condition: condition,
            interior: interior,
            heating: heating,
            pets: pets,
            pictures: pictures,
            quarter: q
        )
        out.key("adLinkForJSONP_xlink_href")
        out.put(
            "\"pubads.g.doubleclick.net/gampad/adx?iu=/4467/IS24_APP_DE/app_gallery_ad&sz=420x315&c=2&dpt=1&pre=1%3Dis54&tile=1&m=text/xml&t="
        )
        out.put(scratch); out.append(0x22)
        out.key("adLinkForXMLData_xlink_href")
        out.put(
            "\"https://pubads.g.doubleclick.net/gampad/adx?iu=/4467/IS24_APP_DE/app_gallery_ad&sz=420x315&c=2&dpt=1&pre=1%3Dis54&tile=1&m=text/xml&t="
        )
        out.put(scratch); out.append(0x22)

        // --- contact ---
        if let id = contact.customerID { out.key("companyWideCustomerId"); out.putQuoted(id) }
        out.key("contactDetails_id"); out.putQuoted(idText)
        if isAgency {
            out.key("contactDetails_address_city"); out.putQuoted("Berlin")
            if let n = contact.houseNumber { out.key("contactDetails_address_houseNumber"); out.putQuoted(n) }
            if let p = contact.postcode { out.key("contactDetails_address_postcode"); out.putQuoted(p) }
            if let s = contact.street { out.key("contactDetails_address_street"); out.putQuoted(s.bytes(ascii: ascii)) }
        }
        if has(.contactCellPhone) {
            out.key("contactDetails_cellPhoneNumber")
            out.put("\"0"); out.put(contact.cellArea); out.append(0x20); out.put(contact.cellSubscriber);
            out.append(0x22)
            out.key("contactDetails_cellPhoneNumberAreaCode"); out.putQuoted(contact.cellArea)
            out.key("contactDetails_cellPhoneNumberCountryCode"); out.putQuoted("+49")
            out.key("contactDetails_cellPhoneNumberSubscriber"); out.putQuoted(contact.cellSubscriber)
        }
        if let company = contact.company {
            out.key("contactDetails_company"); out.putQuoted(company.bytes(ascii: ascii))
        }
        out.key("contactDetails_countryCode"); out.putQuoted("DEU")
        if has(.contactEmail), let email = contact.email { out.key("contactDetails_email"); out.putQuoted(email) }
        if has(.contactFax), let fax = contact.faxSubscriber {
            out.key("contactDetails_faxNumber"); out.put("\"030 "); out.put(fax); out.append(0x22)
            out.key("contactDetails_faxNumberAreaCode"); out.putQuoted("30")
            out.key("contactDetails_faxNumberCountryCode"); out.putQuoted("+49")
            out.key("contactDetails_faxNumberSubscriber"); out.putQuoted(fax)
        }
        if has(.contactFirstname) {
            out.key("contactDetails_firstname"); out.putQuoted(contact.firstname.bytes(ascii: ascii))
        }
        if has(.contactHomepage), let homepage = contact.homepage {
            out.key("contactDetails_homepageUrl"); out.putQuoted(homepage)
        }
        out.key("contactDetails_lastname"); out.putQuoted(contact.lastname.bytes(ascii: ascii))
        out.key("contactDetails_phoneNumber"); out.put("\"030 "); out.put(contact.phoneSubscriber); out.append(0x22)
        out.key("contactDetails_phoneNumberAreaCode"); out.putQuoted("30")
        out.key("contactDetails_phoneNumberCountryCode"); out.putQuoted("+49")
        out.key("contactDetails_phoneNumberSubscriber"); out.putQuoted(contact.phoneSubscriber)
        out.key("contactDetails_salutation")
        out.putQuoted(contact.salutation == 0 ? "MALE" : contact.salutation == 1 ? "FEMALE" : "NO_SALUTATION")

        // --- contact form: MANDATORY/OPTIONAL per field, from one draw ---
        func form(_ k: StaticString, _ bit: Int) {
            out.key(k)
            out.putQuoted(formFields >> UInt64(bit) & 3 == 0 ? "MANDATORY" : "OPTIONAL")
        }
        form("contactFormConfiguration_addressField", 0)
        form("contactFormConfiguration_applicationPackageCompletedField", 2)
        form("contactFormConfiguration_emailAddressField", 4)
        form("contactFormConfiguration_employmentRelationshipField", 6)
        form("contactFormConfiguration_firstnameField", 8)
        out.key("contactFormConfiguration_freemiumSettings_duration"); out.putInt(formFields >> 40 & 7 == 0 ? 14 : 0)
        form("contactFormConfiguration_incomeField", 10)
        form("contactFormConfiguration_lastnameField", 12)
        form("contactFormConfiguration_messageField", 14)
        form("contactFormConfiguration_moveInDateField", 16)
        form("contactFormConfiguration_numberOfPersonsField", 18)
        form("contactFormConfiguration_petsInHouseholdField", 20)
        form("contactFormConfiguration_phoneNumberField", 22)
        out.key("contactFormConfiguration_premiumProfileRequired"); out.putFlag(formFields >> 44 & 15 == 0)
        form("contactFormConfiguration_salutationField", 24)
        out.key("imprintLink_xlink_href")
        out.put("\"https://rest.immobilienscout24.de/restapi/api/search/v1.0/expose/"); out.put(idText)
        out.put("/imprint\"")

        // --- real estate: address and geography ---
        out.key("realEstate_id"); out.putQuoted(idText)
        out.key("realEstate_xsi_type"); out.putQuoted("expose:ApartmentRent")
        out.key("realEstate_address_city"); out.putQuoted("Berlin")
        out.key("realEstate_address_geoHierarchy_city_fullGeoCodeId"); out.putQuoted("1276003001")
        out.key("realEstate_address_geoHierarchy_city_geoCodeId"); out.putInt(1)
        out.key("realEstate_address_geoHierarchy_city_name"); out.putQuoted("Berlin")
        out.key("realEstate_address_geoHierarchy_continent_fullGeoCodeId"); out.putQuoted("1")
        out.key("realEstate_address_geoHierarchy_continent_geoCodeId"); out.putInt(1)
        out.key("realEstate_address_geoHierarchy_country_fullGeoCodeId"); out.putQuoted("1276")
        out.key("realEstate_address_geoHierarchy_country_geoCodeId"); out.putInt(276)
        out.key("realEstate_address_geoHierarchy_country_name"); out.putQuoted("Deutschland")
        out.key("realEstate_address_geoHierarchy_neighbourhood_geoCodeId")
        out.putInt(11_000_000_000_000 + q.quarter.code * 1_000 + listing.postcode * 7 + 29)
        out.key("realEstate_address_geoHierarchy_quarter_fullGeoCodeId"); out.putQuoted(q.fullGeoCodeID)
        out.key("realEstate_address_geoHierarchy_quarter_geoCodeId"); out.putInt(q.quarter.code)
        out.key("realEstate_address_geoHierarchy_quarter_name"); out.putQuoted(q.name.bytes(ascii: ascii))
        out.key("realEstate_address_geoHierarchy_region_fullGeoCodeId"); out.putQuoted("1276003")
        out.key("realEstate_address_geoHierarchy_region_geoCodeId"); out.putInt(3)
        out.key("realEstate_address_geoHierarchy_region_name"); out.putQuoted("Berlin")
        let hasStreet = listing.street >= 0
        if hasStreet {
            out.key("realEstate_address_houseNumber"); out.append(0x22); out.putInt(listing.houseNumber);
            out.append(0x22)
        }
        out.key("realEstate_address_postcode"); out.putQuoted(q.postcodes[listing.postcode])
        if hasStreet { out.key("realEstate_address_preciseHouseNumber"); out.putFlag(true) }
        out.key("realEstate_address_quarter"); out.putQuoted(q.name.bytes(ascii: ascii))
        if hasStreet {
            out.key("realEstate_address_street"); out.putQuoted(u.streets[listing.street].bytes(ascii: ascii))
            if has(.coordinates) {
                out.key("realEstate_address_wgs84Coordinate_latitude"); out.putInt(latitude / 100_000); out.append(0x2E)
                out.putInt(latitude % 100_000, width: 5)
                out.key("realEstate_address_wgs84Coordinate_longitude"); out.putInt(longitude / 100_000);
                out.append(0x2E)
                out.putInt(longitude % 100_000, width: 5)
            }
        }
        if has(.apartmentType) { out.key("realEstate_apartmentType"); out.putQuoted(apartmentTypes[apartmentType]) }
        out.key("realEstate_assistedLiving"); out.putFlag(false)
        if pictures > 0 {
            out.key("realEstate_attachments")
            out.put("[{\"@xlink.href\": \"https://rest.immobilienscout24.de/restapi/api/search/v1.0/expose/")
            out.put(idText); out.put("/attachment\", \"attachment\": [")
            for (i, p) in pictureIDs.enumerated() {
                if i > 0 { out.put(", ") }
                out.put(
                    "{\"@xsi.type\": \"common:Picture\", \"@xlink.href\": \"https://rest.immobilienscout24.de/restapi/api/search/v1.0/expose/"
                )
                out.put(idText); out.put("/attachment/"); out.putInt(i + 1)
                out.put("\", \"@id\": \""); out.putInt(i + 1)
                out.put("\", \"@modification\": "); out.put(modified)
                out.put(", \"@creation\": "); out.put(modified)
                out.put(", \"@publishDate\": "); out.put(modified)
                let title =
                    i == pictures - 1 && pictures > 3
                    ? u.pictureTitles.count - 1 : Int(p.0 % UInt64(u.pictureTitles.count - 1))
                out.put(", \"title\": "); out.putQuoted(u.pictureTitles[title].bytes(ascii: ascii))
                out.put(", \"floorplan\": "); out.putFlag(title == u.pictureTitles.count - 1)
                out.put(", \"titlePicture\": "); out.putFlag(i == 0)
                out.put(", \"urls\": ")
                appendPictureURLs(p, into: &out)
                out.append(0x7D)
            }
            out.put("]}]")
        }
        if has(.balcony) { out.key("realEstate_balcony"); out.putFlag(balcony) }

        // --- money and building ---
        out.key("realEstate_baseRent")
        switch flaw {
        case .nonNumericBaseRent(let variant):
            switch variant % 4 {
            case 0: out.put("\"ca. "); out.putInt(listing.baseRent / 10_000 * 100); out.append(0x22)
            case 1: out.putQuoted("VB")
            case 2: out.append(0x22); out.putInt(listing.baseRent / 100); out.put(",00 \\u20ac\"")
            default: out.putQuoted("auf Anfrage")
            }
        default: out.putHundredths(listing.baseRent)
        }
        if has(.energyCertificate) {
            out.key("realEstate_buildingEnergyRatingType")
            out.putQuoted(thermal & 1 == 0 ? "ENERGY_CONSUMPTION" : "ENERGY_REQUIRED")
        }
        out.key("realEstate_builtInKitchen"); out.putFlag(kitchen)
        out.key("realEstate_calculatedTotalRent"); out.putHundredths(listing.totalRent)
        out.key("realEstate_calculatedTotalRentScope");
        out.putQuoted(listing.heatingCosts >= 0 ? "WARM_RENT" : "EXTRA_COSTS")
        if has(.cellar) {
            out.key("realEstate_cellar"); if cellar { out.putFlag(true) } else { out.putQuoted("NOT_APPLICABLE") }
        }
        out.key("realEstate_certificateOfEligibilityNeeded"); out.putFlag(formFields >> 50 & 15 == 0)
        if has(.condition) { out.key("realEstate_condition"); out.putQuoted(conditions[condition]) }
        if has(.constructionYear) {
            out.key("realEstate_constructionYear")
            if numbersAsStrings {
                out.append(0x22); out.putInt(constructionYear); out.append(0x22)
            } else {
                out.putInt(constructionYear)
            }
        }
        out.key("realEstate_courtage_hasCourtage");
        out.putQuoted(isAgency && formFields >> 54 & 3 == 0 ? "YES" : "NOT_APPLICABLE")
        out.key("realEstate_creationDate")
        out.append(0x22); out.putTimestamp(millis: listing.createdMillis, berlin: true); out.append(0x22)
        if has(.deposit) { out.key("realEstate_deposit"); out.putQuoted(deposit.bytes(ascii: ascii)) }
        if has(.descriptionNote) {
            out.key("realEstate_descriptionNote"); out.append(0x22)
            appendText(u.description, length: textLengths[0], quarter: q, ascii: ascii, rng: &rng, into: &out)
            out.append(0x22)
        }
        if has(.energyCertificate) {
            out.key("realEstate_energyCertificate_energyCertificateAvailability"); out.putQuoted("AVAILABLE")
            out.key("realEstate_energyCertificate_energyCertificateCreationDate")
            out.putQuoted(thermal % 3 == 0 ? "FROM_01_MAY_2014" : "BEFORE_01_MAY_2014")
            out.key("realEstate_energyConsumptionContainsWarmWater");
            out.putQuoted(thermal % 5 == 0 ? "YES" : "NOT_APPLICABLE")
            out.key("realEstate_energyPerformanceCertificate"); out.putFlag(true)
        }
        out.key("realEstate_externalId"); out.putQuoted(idText)
        if has(.floor) {
            out.key("realEstate_floor")
            if numbersAsStrings { out.append(0x22); out.putInt(floor); out.append(0x22) } else { out.putInt(floor) }
        }
        out.key("realEstate_floorplan"); out.putFlag(pictures > 3)
        if has(.freeFrom) {
            out.key("realEstate_freeFrom")
            if freeFromKind < 2 {
                out.putQuoted(freeFromText.bytes(ascii: ascii))
            } else {
                out.append(0x22); out.putShortDate(days: freeFromDays); out.append(0x22)
            }
        }
        if has(.furnishingNote) {
            out.key("realEstate_furnishingNote"); out.append(0x22)
            appendFurnishing(length: textLengths[1], quarter: q, ascii: ascii, rng: &rng, into: &out)
            out.append(0x22)
        }
        if has(.garden) { out.key("realEstate_garden"); out.putFlag(garden) }
        out.key("realEstate_guestToilet"); out.putQuoted(listing.rooms >= 6 ? "YES" : "NOT_APPLICABLE")
        out.key("realEstate_handicappedAccessible"); out.putQuoted(lift && floor == 0 ? "YES" : "NOT_APPLICABLE")
        if listing.heatingCosts >= 0 { out.key("realEstate_heatingCosts"); out.putHundredths(listing.heatingCosts) }
        out.key("realEstate_heatingCostsInServiceCharge"); out.putQuoted(listing.heatingCosts >= 0 ? "NO" : "YES")
        if has(.heatingType) {
            out.key("realEstate_heatingType"); out.putQuoted(heatingTypes[heating])
            out.key("realEstate_heatingTypeEnev2014"); out.putQuoted(heatingTypes[heating])
        }
        if has(.interiorQuality) { out.key("realEstate_interiorQuality"); out.putQuoted(interiorQualities[interior]) }
        if hasModification && listing.hasLastModificationDate {
            out.key("realEstate_lastModificationDate"); out.put(modified)
        }
        if has(.lastRefurbishment) { out.key("realEstate_lastRefurbishment"); out.putInt(lastRefurbishment) }
        if has(.lift) { out.key("realEstate_lift"); out.putFlag(lift) }
        out.key("realEstate_livingSpace")
        if numbersAsStrings {
            out.append(0x22); out.putHundredths(listing.livingSpace); out.append(0x22)
        } else {
            out.putHundredths(listing.livingSpace)
        }
        if has(.locationNote) {
            out.key("realEstate_locationNote"); out.append(0x22)
            appendText(u.location, length: textLengths[2], quarter: q, ascii: ascii, rng: &rng, into: &out)
            out.append(0x22)
        }
        if has(.numberOfFloors) { out.key("realEstate_numberOfFloors"); out.putInt(numberOfFloors) }
        out.key("realEstate_numberOfRooms")
        if numbersAsStrings {
            out.append(0x22); out.putHundredths(listing.rooms * 50); out.append(0x22)
        } else {
            out.putHundredths(listing.rooms * 50)
        }
        if has(.otherNote) {
            out.key("realEstate_otherNote"); out.append(0x22)
            appendText(u.other, length: textLengths[3], quarter: q, ascii: ascii, rng: &rng, into: &out)
            out.append(0x22)
        }
        if has(.petsAllowed) { out.key("realEstate_petsAllowed"); out.putQuoted(petsAllowedValues[pets]) }
        for k in [0, 1] {
            out.key(k == 0 ? "realEstate_referencePriceApiCall" : "realEstate_referencePriceServiceCall")
            out.put(
                "\"https://www.immobilienscout24.de/realestatevaluation/ajax/v2.2/referenceprice/region/3/city/1/district/"
            )
            out.putInt(q.quarter.code); out.put("?realEstateType=0&price=")
            out.putHundredths(listing.baseRent * 100 / max(listing.livingSpace, 1))
            out.put("&livingArea="); out.putHundredths(listing.livingSpace)
            out.put("&constructionYear="); out.putInt(constructionYear)
            out.put("&firstTimeUse="); out.put(condition == 0 ? "true\"" : "false\"")
        }
        out.key("realEstate_serviceCharge"); out.putHundredths(listing.serviceCharge)
        out.key("realEstate_state"); out.putQuoted("ACTIVE")
        if has(.thermalCharacteristic) && has(.energyCertificate) {
            out.key("realEstate_thermalCharacteristic"); out.putInt(thermal)
        }
        out.key("realEstate_title"); out.append(0x22)
        appendTitle(quarter: q, ascii: ascii, rng: &rng, into: &out)
        if case .invalidUTF8(let variant) = flaw {
            out.put(" ")
            switch variant % 5 {
            case 0: out.append(0xFF)
            case 1: out.append(0xC3); out.append(0x28)
            case 2: out.append(0xE2); out.append(0x82)
            case 3: out.append(0xC0); out.append(0xAF)
            default: out.append(0xED); out.append(0xA0); out.append(0x80)
            }
            out.put(" Wohnung")
        }
        out.append(0x22)
        if pictures > 0 {
            out.key("realEstate_titlePicture_creation"); out.put(modified)
            out.key("realEstate_titlePicture_id"); out.putQuoted("1")
            out.key("realEstate_titlePicture_modification"); out.put(modified)
            out.key("realEstate_titlePicture_publishDate"); out.put(modified)
            out.key("realEstate_titlePicture_floorplan"); out.putFlag(false)
            let title = Int(pictureIDs[0].0 % UInt64(u.pictureTitles.count - 1))
            out.key("realEstate_titlePicture_title"); out.putQuoted(u.pictureTitles[title].bytes(ascii: ascii))
            out.key("realEstate_titlePicture_titlePicture"); out.putFlag(true)
            out.key("realEstate_titlePicture_urls")
            appendPictureURLs(pictureIDs[0], into: &out)
        }
        if has(.totalRent) { out.key("realEstate_totalRent"); out.putHundredths(listing.totalRent) }
        out.key("realEstate_useAsFlatshareRoom");
        out.putQuoted(listing.rooms >= 6 && formFields >> 58 & 3 == 0 ? "YES" : "NOT_APPLICABLE")
        out.key("realtorValuationJSONLink_xlink_href")
        out.putQuoted("https://www.immobilienscout24.de/expose/realtorEvaluation/no-information")
        out.key("realtorValuationV2JSONLink_xlink_href")
        out.putQuoted("https://www.immobilienscout24.de/expose/realtorEvaluation/no-information")
        out.key("realtorValuationV2JSONPLink_xlink_href")
        out.putQuoted("https://www.immobilienscout24.de/expose/realtorEvaluation/no-information")
        out.put("}}")
    }

    /// `[{"url": [{"@scale": …, "@href": …}, … seven scales]}]` for one picture.
    private func appendPictureURLs(_ p: (UInt64, UInt64, Int), into out: inout [UInt8]) {
        scratchPicture(
            p,
            into: &out,
            scale: "SCALE_60x60",
            path: "/ORIG/resize/60x60%3E/extent/60x60/format/jpg",
            first: true
        )
        scratchPicture(p, into: &out, scale: "SCALE_118x118", path: "/ORIG/resize/118x118%3E/extent/118x118/format/jpg")
        scratchPicture(p, into: &out, scale: "SCALE_210x210", path: "/ORIG/resize/210x210%3E/format/jpg")
        scratchPicture(p, into: &out, scale: "SCALE_540x540", path: "/ORIG/resize/540x540%3E/format/jpg")
        scratchPicture(p, into: &out, scale: "SCALE", path: "/ORIG/resize/%WIDTH%x%HEIGHT%%3E/format/jpg")
        scratchPicture(
            p,
            into: &out,
            scale: "SCALE_AND_CROP",
            path: "/ORIG/legacy_thumbnail/%WIDTH%x%HEIGHT%/format/jpg"
        )
        scratchPicture(
            p,
            into: &out,
            scale: "WHITE_FILLING",
            path: "/ORIG/resize/%WIDTH%x%HEIGHT%%3E/extent/%WIDTH%x%HEIGHT%/format/jpg"
        )
        out.put("]}]")
    }

    private func scratchPicture(
        _ p: (UInt64, UInt64, Int),
        into out: inout [UInt8],
        scale: StaticString,
        path: StaticString,
        first: Bool = false
    ) {
        out.put(first ? "[{\"url\": [{\"@scale\": \"" : ", {\"@scale\": \"")
        out.put(scale)
        out.put("\", \"@href\": \"https://pictures.immobilienscout24.de/listings/")
        appendPictureName(p, into: &out)
        out.put(path)
        out.put("\"}")
    }

    /// `5816a52c-3e61-48c4-aef7-861207e26f5b-617586092.jpg`: a version-4 UUID and a number.
    private func appendPictureName(_ p: (UInt64, UInt64, Int), into out: inout [UInt8]) {
        out.putHex(p.0 >> 32, digits: 8); out.append(0x2D)
        out.putHex(p.0 >> 16 & 0xFFFF, digits: 4); out.append(0x2D)
        out.putHex(0x4000 | p.0 & 0x0FFF, digits: 4); out.append(0x2D)
        out.putHex(0x8000 | p.1 >> 48 & 0x3FFF, digits: 4); out.append(0x2D)
        out.putHex(p.1 & 0xFFFF_FFFF_FFFF, digits: 12); out.append(0x2D)
        out.putInt(p.2)
        out.put(".jpg")
    }

    private mutating func appendAdQuery(
        _ l: Listing,
        contact: Contact,
        idText: [UInt8],
        constructionYear: Int,
        lastRefurbishment: Int,
        floor: Int,
        numberOfFloors: Int,
        thermal: Int,
        balcony: Bool,
        kitchen: Bool,
        lift: Bool,
        garden: Bool,
        cellar: Bool,
        apartmentType: Int,
        condition: Int,
        interior: Int,
        heating: Int,
        pets: Int,
        pictures: Int,
        quarter q: EncodedQuarter
    ) {
        func yn(_ b: Bool) -> StaticString { b ? "y" : "n" }
        var s = scratch
        s.put("obj_regio1%3DBerlin%26obj_serviceCharge%3D"); s.putHundredths(l.serviceCharge)
        s.put("%26obj_heatingType%3D"); s.put(heatingTypesLower[heating])
        s.put("%26obj_cId%3D"); if let c = contact.customerDigits { s.put(c) } else { s.put("no_information") }
        s.put("%26obj_newlyConst%3D"); s.put(yn(constructionYear >= 2015))
        s.put("%26obj_balcony%3D"); s.put(yn(balcony))
        if pictures > 0 {
            s.put("%26obj_picture%3Dhttps%3A%2F%2Fpictures.immobilienscout24.de%2Flistings%2F")
            appendPictureName(pictureIDs[0], into: &s)
            s.put("%2FORIG%2Fresize%2F118x118%25253E%2Fextent%2F118x118%2Fformat%2Fjpg")
        }
        s.put("%26obj_picturecount%3D"); s.putInt(pictures)
        s.put("%26obj_totalRent%3D"); s.putHundredths(l.totalRent)
        s.put("%26obj_yearConstructed%3D"); s.putInt(constructionYear)
        s.put("%26obj_scoutId%3D"); s.put(idText)
        s.put("%26obj_hasKitchen%3D"); s.put(yn(kitchen))
        s.put("%26geo_bln%3DBerlin%26obj_cellar%3D"); s.put(yn(cellar))
        s.put("%26obj_yearConstructedRange%3D"); s.putInt(constructionYear < 1950 ? 1 : constructionYear < 2000 ? 4 : 8)
        s.put("%26obj_baseRent%3D"); s.putHundredths(l.baseRent)
        s.put("%26obj_houseNumber%3D"); if l.street >= 0 { s.putInt(l.houseNumber) } else { s.put("no_information") }
        s.put("%26obj_energyType%3D"); s.put(thermal & 1 == 0 ? "energy_consumption" : "energy_required")
        s.put("%26obj_livingSpace%3D"); s.putHundredths(l.livingSpace)
        s.put("%26geo_krs%3DBerlin%26obj_zipCode%3D"); s.put(q.postcodes[l.postcode])
        s.put("%26obj_condition%3D"); s.put(conditionsLower[condition])
        s.put("%26obj_interiorQual%3D"); s.put(interiorQualitiesLower[interior])
        s.put("%26obj_petsAllowed%3D"); s.put(petsAllowedLower[pets])
        s.put("%26obj_street%3Dno_information%26obj_lift%3D"); s.put(yn(lift))
        s.put("%26obj_depositLink%3Dy%26obj_baseRentRange%3D"); s.putInt(min(l.baseRent / 25_000 + 1, 10))
        s.put("%26obj_streetPlain%3Dno_information%26obj_typeOfFlat%3D"); s.put(apartmentTypesLower[apartmentType])
        s.put("%26geo_plz%3D"); s.put(q.postcodes[l.postcode])
        s.put("%26obj_noRooms%3D"); s.putHundredths(l.rooms * 50)
        s.put("%26obj_assistedLiving%3Dn%26obj_thermalChar%3D"); s.putInt(thermal)
        s.put("%26obj_lastRefurbish%3D"); s.putInt(lastRefurbishment)
        s.put("%26obj_ityp%3D0%2Cactive%26geo_land%3DDeutschland%26obj_immotype%3Dwohnung_miete%26obj_heatingCosts%3D")
        if l.heatingCosts >= 0 { s.putHundredths(l.heatingCosts) } else { s.put("no_information") }
        s.put("%26obj_floor%3D"); s.putInt(floor)
        s.put("%26obj_cwId%3D"); if let c = contact.customerID { s.put(c) } else { s.put("no_information") }
        s.put("%26obj_numberOfFloors%3D"); s.putInt(numberOfFloors)
        s.put("%26obj_noRoomsRange%3D"); s.putInt(min(l.rooms / 2, 5))
        s.put("%26obj_garden%3D"); s.put(yn(garden))
        s.put("%26obj_barrierFree%3Dn%26obj_regio3%3D"); s.put(q.regio3)
        s.put("%26obj_objectnumber%3D"); s.put(idText)
        s.put("%26obj_livingSpaceRange%3D"); s.putInt(min(l.livingSpace / 2_500 + 1, 8))
        s.put("%26obj_regio2%3DBerlin")
        scratch = s
    }

    /// Sentences until `length` bytes, with a paragraph break now and then.
    private func appendText(
        _ sentences: [Sentence],
        length: Int,
        quarter: EncodedQuarter,
        ascii: Bool,
        rng: inout Xoshiro256,
        into out: inout [UInt8]
    ) {
        let start = out.count
        var first = true
        while out.count - start < length {
            if !first {
                let r = rng.below(10)
                if r == 0 { out.put("\\n\\n") } else if r == 1 { out.put("\\n") } else { out.append(0x20) }
            }
            first = false
            let s = rng.pick(sentences)
            out.put(s.head.bytes(ascii: ascii))
            if let tail = s.tail {
                out.put(quarter.shortName.bytes(ascii: ascii))
                out.put(tail.bytes(ascii: ascii))
            }
        }
    }

    private func appendFurnishing(
        length: Int,
        quarter: EncodedQuarter,
        ascii: Bool,
        rng: inout Xoshiro256,
        into out: inout [UInt8]
    ) {
        let start = out.count
        out.put("Die Wohnung verf")
        out.put(ascii ? "\\u00fcgt \\u00fcber" : "ügt über")
        out.put(" die folgenden Ausstattungsmerkmale:")
        var offset = rng.below(universe.furnishing.count)
        for _ in 0..<rng.int(3...12) {
            out.put("\\n- ")
            out.put(universe.furnishing[offset % universe.furnishing.count].bytes(ascii: ascii))
            offset += 1 + rng.below(3)
        }
        let rest = length - (out.count - start)
        if rest > 0 {
            out.put("\\n\\n")
            appendText(universe.description, length: rest, quarter: quarter, ascii: ascii, rng: &rng, into: &out)
        }
    }

    private func appendTitle(quarter: EncodedQuarter, ascii: Bool, rng: inout Xoshiro256, into out: inout [UInt8]) {
        let u = universe
        out.put(rng.pick(u.titleAdjectives).bytes(ascii: ascii))
        out.append(0x20)
        out.put(rng.pick(u.titleNouns).bytes(ascii: ascii))
        out.put(rng.pick(u.titleLinks).bytes(ascii: ascii))
        out.put(quarter.shortName.bytes(ascii: ascii))
        out.put(rng.pick(u.titleSuffixes).bytes(ascii: ascii))
    }
}

@inline(__always) private func pow3(_ x: Double) -> Double { x * x * x }

private let apartmentTypes: [StaticString] = [
    "APARTMENT", "APARTMENT", "APARTMENT", "ROOF_STOREY", "GROUND_FLOOR", "MAISONETTE", "PENTHOUSE", "LOFT",
    "RAISED_GROUND_FLOOR", "HALF_BASEMENT", "TERRACED_FLAT", "OTHER",
]
private let apartmentTypesLower: [StaticString] = [
    "apartment", "apartment", "apartment", "roof_storey", "ground_floor", "maisonette", "penthouse", "loft",
    "raised_ground_floor", "half_basement", "terraced_flat", "other",
]
private let conditions: [StaticString] = [
    "FIRST_TIME_USE", "FIRST_TIME_USE_AFTER_REFURBISHMENT", "MINT_CONDITION", "REFURBISHED", "MODERNIZED",
    "FULLY_RENOVATED", "WELL_KEPT", "WELL_KEPT", "NEED_OF_RENOVATION", "NEGOTIABLE",
]
private let conditionsLower: [StaticString] = [
    "first_time_use", "first_time_use_after_refurbishment", "mint_condition", "refurbished", "modernized",
    "fully_renovated", "well_kept", "well_kept", "need_of_renovation", "negotiable",
]
private let interiorQualities: [StaticString] = ["NORMAL", "NORMAL", "SOPHISTICATED", "LUXURY", "SIMPLE"]
private let interiorQualitiesLower: [StaticString] = ["normal", "normal", "sophisticated", "luxury", "simple"]
private let heatingTypes: [StaticString] = [
    "CENTRAL_HEATING", "CENTRAL_HEATING", "SELF_CONTAINED_CENTRAL_HEATING", "DISTRICT_HEATING", "FLOOR_HEATING",
    "GAS_HEATING", "OIL_HEATING", "STOVE_HEATING", "HEAT_PUMP",
]
private let heatingTypesLower: [StaticString] = [
    "central_heating", "central_heating", "self_contained_central_heating", "district_heating", "floor_heating",
    "gas_heating", "oil_heating", "stove_heating", "heat_pump",
]
private let petsAllowedValues: [StaticString] = ["NO_INFORMATION", "NO_INFORMATION", "YES", "NO", "NEGOTIABLE"]
private let petsAllowedLower: [StaticString] = ["no_information", "no_information", "yes", "no", "negotiable"]
