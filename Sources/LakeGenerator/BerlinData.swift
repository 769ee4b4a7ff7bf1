// Embedded reference data: Berlin quarters with real postcodes, streets, names and German text fragments.

/// A Berlin quarter (Ortsteil) as immobilienscout24 names it: "Ortsteil (former borough)".
struct Quarter: Sendable {
    /// `realEstate_address_quarter`, e.g. "Mitte (Mitte)".
    var name: String
    /// The last three digits of the quarter's fullGeoCodeId (`1276003001` + code). Only Mitte's 046 comes from a
    /// real record; the others are stable made-up codes.
    var code: Int
    /// Real postcodes of the Ortsteil.
    var postcodes: [String]
    /// Typical cold rent in cents per m² in 2019.
    var rentPerSquareMetre: Int
}

enum BerlinData {
    static let quarters: [Quarter] = [
        Quarter(
            name: "Mitte (Mitte)",
            code: 46,
            postcodes: ["10115", "10117", "10119", "10178", "10179"],
            rentPerSquareMetre: 1850
        ),
        Quarter(name: "Tiergarten (Tiergarten)", code: 73, postcodes: ["10785", "10787"], rentPerSquareMetre: 1700),
        Quarter(
            name: "Moabit (Tiergarten)",
            code: 47,
            postcodes: ["10551", "10553", "10555", "10557", "10559"],
            rentPerSquareMetre: 1350
        ),
        Quarter(name: "Hansaviertel (Tiergarten)", code: 30, postcodes: ["10557"], rentPerSquareMetre: 1450),
        Quarter(
            name: "Wedding (Wedding)",
            code: 80,
            postcodes: ["13347", "13349", "13351", "13353"],
            rentPerSquareMetre: 1150
        ),
        Quarter(
            name: "Gesundbrunnen (Wedding)",
            code: 26,
            postcodes: ["13355", "13357", "13359"],
            rentPerSquareMetre: 1100
        ),
        Quarter(
            name: "Prenzlauer Berg (Prenzlauer Berg)",
            code: 59,
            postcodes: ["10405", "10407", "10435", "10437", "10439"],
            rentPerSquareMetre: 1600
        ),
        Quarter(
            name: "Friedrichshain (Friedrichshain)",
            code: 21,
            postcodes: ["10243", "10245", "10247", "10249"],
            rentPerSquareMetre: 1500
        ),
        Quarter(
            name: "Kreuzberg (Kreuzberg)",
            code: 40,
            postcodes: ["10961", "10963", "10965", "10967", "10969", "10997", "10999"],
            rentPerSquareMetre: 1550
        ),
        Quarter(
            name: "Charlottenburg (Charlottenburg)",
            code: 12,
            postcodes: ["10585", "10587", "10589", "10623", "10625", "10627", "10629"],
            rentPerSquareMetre: 1500
        ),
        Quarter(
            name: "Westend (Charlottenburg)",
            code: 81,
            postcodes: ["14050", "14052", "14055", "14057", "14059"],
            rentPerSquareMetre: 1400
        ),
        Quarter(
            name: "Wilmersdorf (Wilmersdorf)",
            code: 83,
            postcodes: ["10707", "10709", "10711", "10713", "10715", "10717", "10719"],
            rentPerSquareMetre: 1450
        ),
        Quarter(name: "Grunewald (Wilmersdorf)", code: 28, postcodes: ["14193"], rentPerSquareMetre: 1600),
        Quarter(name: "Schmargendorf (Wilmersdorf)", code: 64, postcodes: ["14199"], rentPerSquareMetre: 1350),
        Quarter(
            name: "Schöneberg (Schöneberg)",
            code: 66,
            postcodes: ["10777", "10779", "10781", "10783", "10823", "10825", "10827", "10829"],
            rentPerSquareMetre: 1400
        ),
        Quarter(name: "Friedenau (Schöneberg)", code: 19, postcodes: ["12159", "12161"], rentPerSquareMetre: 1300),
        Quarter(
            name: "Neukölln (Neukölln)",
            code: 51,
            postcodes: ["12043", "12045", "12047", "12049", "12051", "12053", "12055", "12057", "12059"],
            rentPerSquareMetre: 1200
        ),
        Quarter(name: "Britz (Neukölln)", code: 10, postcodes: ["12347", "12359"], rentPerSquareMetre: 1000),
        Quarter(name: "Buckow (Neukölln)", code: 11, postcodes: ["12349", "12351"], rentPerSquareMetre: 950),
        Quarter(name: "Rudow (Neukölln)", code: 62, postcodes: ["12355", "12357"], rentPerSquareMetre: 950),
        Quarter(
            name: "Tempelhof (Tempelhof)",
            code: 72,
            postcodes: ["12099", "12101", "12103"],
            rentPerSquareMetre: 1150
        ),
        Quarter(
            name: "Mariendorf (Tempelhof)",
            code: 45,
            postcodes: ["12105", "12107", "12109"],
            rentPerSquareMetre: 1000
        ),
        Quarter(
            name: "Lichtenrade (Tempelhof)",
            code: 43,
            postcodes: ["12305", "12307", "12309"],
            rentPerSquareMetre: 950
        ),
        Quarter(
            name: "Steglitz (Steglitz)",
            code: 69,
            postcodes: ["12157", "12163", "12165", "12167", "12169"],
            rentPerSquareMetre: 1200
        ),
        Quarter(
            name: "Lichterfelde (Steglitz)",
            code: 44,
            postcodes: ["12203", "12205", "12207", "12209"],
            rentPerSquareMetre: 1150
        ),
        Quarter(name: "Lankwitz (Steglitz)", code: 42, postcodes: ["12247", "12249"], rentPerSquareMetre: 1050),
        Quarter(
            name: "Zehlendorf (Zehlendorf)",
            code: 86,
            postcodes: ["14163", "14165", "14167", "14169"],
            rentPerSquareMetre: 1350
        ),
        Quarter(name: "Dahlem (Zehlendorf)", code: 14, postcodes: ["14195"], rentPerSquareMetre: 1550),
        Quarter(name: "Wannsee (Zehlendorf)", code: 79, postcodes: ["14109"], rentPerSquareMetre: 1250),
        Quarter(
            name: "Spandau (Spandau)",
            code: 68,
            postcodes: ["13581", "13583", "13585", "13587", "13597"],
            rentPerSquareMetre: 900
        ),
        Quarter(name: "Siemensstadt (Spandau)", code: 67, postcodes: ["13627", "13629"], rentPerSquareMetre: 950),
        Quarter(
            name: "Reinickendorf (Reinickendorf)",
            code: 61,
            postcodes: ["13403", "13407", "13409"],
            rentPerSquareMetre: 950
        ),
        Quarter(
            name: "Tegel (Reinickendorf)",
            code: 71,
            postcodes: ["13503", "13505", "13507"],
            rentPerSquareMetre: 1000
        ),
        Quarter(name: "Wittenau (Reinickendorf)", code: 84, postcodes: ["13435", "13437"], rentPerSquareMetre: 900),
        Quarter(name: "Frohnau (Reinickendorf)", code: 22, postcodes: ["13465"], rentPerSquareMetre: 1100),
        Quarter(name: "Pankow (Pankow)", code: 56, postcodes: ["13187", "13189"], rentPerSquareMetre: 1250),
        Quarter(
            name: "Niederschönhausen (Pankow)",
            code: 53,
            postcodes: ["13156", "13158"],
            rentPerSquareMetre: 1100
        ),
        Quarter(name: "Weißensee (Weißensee)", code: 82, postcodes: ["13086", "13088"], rentPerSquareMetre: 1150),
        Quarter(
            name: "Lichtenberg (Lichtenberg)",
            code: 41,
            postcodes: ["10315", "10317", "10365", "10367"],
            rentPerSquareMetre: 1050
        ),
        Quarter(
            name: "Friedrichsfelde (Lichtenberg)",
            code: 20,
            postcodes: ["10315", "10319"],
            rentPerSquareMetre: 950
        ),
        Quarter(name: "Karlshorst (Lichtenberg)", code: 35, postcodes: ["10318"], rentPerSquareMetre: 1100),
        Quarter(
            name: "Alt-Hohenschönhausen (Hohenschönhausen)",
            code: 3,
            postcodes: ["13053", "13055"],
            rentPerSquareMetre: 900
        ),
        Quarter(
            name: "Marzahn (Marzahn)",
            code: 90,
            postcodes: ["12679", "12681", "12685", "12687", "12689"],
            rentPerSquareMetre: 800
        ),
        Quarter(
            name: "Hellersdorf (Hellersdorf)",
            code: 32,
            postcodes: ["12619", "12627", "12629"],
            rentPerSquareMetre: 800
        ),
        Quarter(name: "Kaulsdorf (Hellersdorf)", code: 36, postcodes: ["12621"], rentPerSquareMetre: 900),
        Quarter(name: "Mahlsdorf (Hellersdorf)", code: 91, postcodes: ["12623"], rentPerSquareMetre: 950),
        Quarter(
            name: "Köpenick (Köpenick)",
            code: 39,
            postcodes: ["12555", "12557", "12559"],
            rentPerSquareMetre: 1000
        ),
        Quarter(name: "Friedrichshagen (Köpenick)", code: 18, postcodes: ["12587"], rentPerSquareMetre: 1050),
        Quarter(name: "Adlershof (Treptow)", code: 1, postcodes: ["12489"], rentPerSquareMetre: 1050),
        Quarter(name: "Johannisthal (Treptow)", code: 34, postcodes: ["12487"], rentPerSquareMetre: 950),
        Quarter(name: "Baumschulenweg (Treptow)", code: 7, postcodes: ["12437"], rentPerSquareMetre: 1000),
        Quarter(name: "Treptow (Treptow)", code: 75, postcodes: ["12435"], rentPerSquareMetre: 1250),
        Quarter(name: "Plänterwald (Treptow)", code: 58, postcodes: ["12435"], rentPerSquareMetre: 1100),
        Quarter(name: "Oberschöneweide (Köpenick)", code: 54, postcodes: ["12459"], rentPerSquareMetre: 950),
        Quarter(name: "Niederschöneweide (Treptow)", code: 52, postcodes: ["12439"], rentPerSquareMetre: 950),
    ]

    static let streets: [String] = [
        "Chausseestraße", "Torstraße", "Invalidenstraße", "Brunnenstraße", "Oranienburger Straße", "Karl-Marx-Allee",
        "Frankfurter Allee", "Boxhagener Straße", "Warschauer Straße", "Schönhauser Allee", "Kastanienallee",
        "Danziger Straße", "Greifswalder Straße", "Prenzlauer Allee", "Oranienstraße", "Bergmannstraße",
        "Gneisenaustraße", "Yorckstraße", "Kottbusser Damm", "Sonnenallee", "Karl-Marx-Straße", "Hermannstraße",
        "Weserstraße", "Hauptstraße", "Potsdamer Straße", "Kurfürstendamm", "Kantstraße", "Bismarckstraße",
        "Wilmersdorfer Straße", "Uhlandstraße", "Bundesallee", "Berliner Straße", "Schloßstraße", "Rheinstraße",
        "Müllerstraße", "Seestraße", "Turmstraße", "Alt-Moabit", "Badstraße", "Prinzenallee", "Residenzstraße",
        "Berliner Allee", "Landsberger Allee", "Möllendorffstraße", "Treskowallee", "Hauptstraße", "Bölschestraße",
        "Dörpfeldstraße", "Puschkinallee", "Baumschulenstraße", "Tempelhofer Damm", "Mariendorfer Damm",
        "Lichtenrader Damm", "Clayallee", "Teltower Damm", "Königstraße", "Carl-Schurz-Straße", "Breite Straße",
        "Koenigsallee", "Heerstraße", "Märkische Allee", "Hellersdorfer Straße", "Florastraße", "Wollankstraße",
        "Pistoriusstraße", "Holzmarktstraße", "Revaler Straße", "Wühlischstraße", "Simon-Dach-Straße",
        "Pannierstraße", "Reuterstraße", "Lausitzer Straße", "Skalitzer Straße", "Wiener Straße", "Manteuffelstraße",
    ]

    static let firstNamesMale: [String] = [
        "Roman", "Thomas", "Michael", "Andreas", "Stefan", "Jürgen", "Jörg", "Matthias", "Sören", "Björn", "Uwe",
        "Klaus", "Frank", "Peter", "Sebastian", "Florian", "Tobias", "Günter", "Mehmet", "Piotr",
    ]
    static let firstNamesFemale: [String] = [
        "Anna", "Julia", "Katharina", "Sabine", "Petra", "Jördis", "Sünje", "Claudia", "Susanne", "Birgit", "Maren",
        "Ayşe", "Doreen", "Ines", "Franziska", "Lena", "Martina", "Käthe", "Anja", "Nicole",
    ]
    static let lastNames: [String] = [
        "Schönherr", "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
        "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
        "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause",
        "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
        "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Yılmaz", "Kowalski",
        "Nowak", "Öztürk", "Großmann", "Jäger", "Dürr", "Bößler",
    ]

    static let companyStems: [String] = [
        "MI-KA", "Spree", "Havel", "Berolina", "Kiez", "Stadtmitte", "Hauptstadt", "Märkische", "Preußen", "Adler",
        "Brandenburger", "Lindenhof", "Gropius", "Tempelhofer", "Kurfürsten", "Wedding", "Prenzl", "Falkenberg",
        "Köpenicker", "Müggelsee", "Grünau", "Weiße Stadt", "Nord", "Süd-West", "Charlottenburger", "Oberbaum",
        "Schinkel", "Humboldt", "Bärenstark", "Fontane", "Treptower", "Zille", "Spreebogen", "Ostkreuz", "Westhafen",
    ]
    static let companyForms: [String] = [
        " Immobilien GmbH", " Hausverwaltung GmbH", " Wohnen AG", " Real Estate GmbH & Co. KG", " Immobilien",
        " Grundbesitz GmbH", " Wohnungsbaugesellschaft mbH", " Property Management GmbH", " Makler e.K.",
        " Immobilienkontor", " Verwaltungs- und Beteiligungs GmbH", " Wohnbau eG",
    ]

    static let pictureTitles: [String] = [
        "Hofansicht", "Terrasse", "Wohnzimmer", "Küche", "Bad", "Schlafzimmer", "Balkon", "Außenansicht",
        "Treppenhaus", "Flur", "Arbeitszimmer", "Kinderzimmer", "Gäste-WC", "Ausblick", "Eingangsbereich",
        "Straßenansicht", "Grundriss",
    ]

    static let titleAdjectives: [String] = [
        "Helle", "Schöne", "Sanierte", "Ruhige", "Moderne", "Großzügige", "Charmante", "Exklusive", "Gemütliche",
        "Frisch renovierte", "Familienfreundliche", "Lichtdurchflutete", "Stilvolle", "Kernsanierte",
    ]
    static let titleNouns: [String] = [
        "Altbauwohnung", "Dachgeschosswohnung", "Maisonette", "Wohnung", "Erdgeschosswohnung", "Penthouse",
        "Neubauwohnung", "Single-Wohnung", "Familienwohnung", "Loft",
    ]
    static let titleLinks: [String] = [" in ", " nahe ", " im Herzen von ", " mitten in ", " am Rand von "]
    static let titleSuffixes: [String] = [
        "", "", " mit Balkon", " mit Einbauküche", " – provisionsfrei", " / WBS erforderlich", " mit Südterrasse",
        " – Erstbezug nach Sanierung", " mit Blick ins Grüne", " – ab sofort frei!", " (befristet)",
    ]

    static let descriptionSentences: [String] = [
        "Dieses hochwertig sanierte und denkmalgeschützte Gebäudeensemble befindet sich in zentraler, innerstädtischer Lage.",
        "Die Wohnung liegt im %Q und überzeugt durch einen durchdachten Grundriss.",
        "Ausgesprochen großzügige, in ihrem Industriecharme belassene Treppenaufgänge verleihen der Wohnanlage das gewisse Etwas.",
        "Die Wohnungen liegen hell und vor allem ruhig in der sogenannten „zweiten Reihe“.",
        "Der Innenhof erhält eine Gestaltung als Steingarten mit asiatischen Bezügen.",
        "Alle Räume sind über den zentralen Flur begehbar, das Wohnzimmer öffnet sich zum Südbalkon.",
        "Das Gebäude wurde um 1905 errichtet und zuletzt umfassend modernisiert.",
        "Große Fenster sorgen für eine angenehme Belichtung, die Deckenhöhe beträgt ca. 3,20 m.",
        "Das Schlafzimmer ist ruhig zum begrünten Hof gelegen.",
        "Die Küche ist mit hochwertigen Geräten ausgestattet und bietet ausreichend Stauraum.",
        "Ein Kellerabteil gehört zur Wohnung, Fahrradstellplätze befinden sich im Hof.",
        "Die Wohnung eignet sich hervorragend für Paare oder kleine Familien.",
        "Eine Besichtigung ist nach Terminvereinbarung möglich – wir freuen uns auf Ihre Anfrage!",
        "Bitte haben Sie Verständnis dafür, dass wir nur vollständige Anfragen mit Telefonnummer beantworten können.",
        "Das Mehrfamilienhaus verfügt über einen gepflegten Gemeinschaftsgarten mit Spielplatz.",
        "Die Bäder wurden 2018 komplett erneuert und sind bodengleich gefliest.",
        "Zur Wohnung gehört außerdem ein Abstellraum im Dachgeschoss.",
        "Hochwertige Materialien und eine durchdachte Raumaufteilung schaffen ein behagliches Wohngefühl.",
        "Die Miete erhöht sich gemäß Staffelmietvereinbarung jährlich um 2 %.",
        "Ein Wohnberechtigungsschein (WBS) ist für diese Wohnung nicht erforderlich.",
        "Haustiere sind nach Rücksprache mit der Hausverwaltung gestattet.",
        "Die Wohnung wird zum Ende des Monats frei; ein Nachmieter für die Einbauküche wird gesucht.",
        "Schöne Altbauwohnung mit Stuck, Dielenböden und Doppelkastenfenstern.",
        "Im Erdgeschoss des Hauses befindet sich eine kleine Bäckerei mit Café.",
    ]
    static let furnishingItems: [String] = [
        "drei helle Zimmer", "Südterrasse", "Parkettboden", "gespachtelte Wände", "Fußbodenheizung",
        "Einbauschrank im Flur", "hochwertiges, modern gefliestes Wannen-/Duschbad mit Oberlicht",
        "Waschtisch aus Naturstein", "Handtuch-Heizkörper", "Wirtschaftsraum mit Waschmaschinenanschluss",
        "Einbauküche mit Ceranfeld, Geschirrspüler und Kühl-/Gefrierkombination", "Aufzug", "Fahrradraum",
        "Dielenboden, abgeschliffen und geölt", "Doppelkastenfenster", "Stuckdecken im Wohnzimmer",
        "Gäste-WC", "Balkon zum ruhigen Innenhof", "Abstellkammer", "Gegensprechanlage mit Video",
        "elektrische Außenjalousien", "Kellerraum", "Fliesen in Küche und Bad", "Rauchwarnmelder in allen Räumen",
        "Glasfaseranschluss", "Tiefgaragenstellplatz gegen Aufpreis", "großzügige Loggia", "barrierearmer Zugang",
    ]
    static let locationSentences: [String] = [
        "Das Objekt befindet sich im Herzen Berlins.",
        "In unmittelbarer Nähe befinden sich Einkaufsmöglichkeiten wie Supermärkte, Bäcker, Cafés sowie verschiedene Restaurants.",
        "Die öffentlichen Verkehrsmittel (S-Bahn, U-Bahn, Tram und Bus) sind fußläufig in wenigen Minuten erreichbar.",
        "Der %Q ist einer der beliebtesten Kieze der Stadt.",
        "Grünflächen und Spielplätze laden zum Verweilen ein, der nächste Park ist nur fünf Gehminuten entfernt.",
        "Schulen, Kitas und Ärzte befinden sich in der näheren Umgebung.",
        "Der Hauptbahnhof und der Flughafen sind mit dem Pkw in ca. 20 Minuten erreichbar.",
        "Hier finden Sie auch Bars, Theater und das Nachtleben von Berlin.",
        "Die Wohnlage ist ruhig, dennoch ist man schnell in der City West oder in Mitte.",
        "Wochenmärkte und kleine Läden prägen das Straßenbild rund um den Kiez.",
        "Über die nahe Stadtautobahn ist man schnell im Berliner Umland.",
        "Der Müggelsee und zahlreiche Badestellen sind mit dem Fahrrad gut erreichbar.",
        "Fußläufig erreichbar sind die S-Bahn-Station und diverse Buslinien.",
    ]
    static let otherSentences: [String] = [
        "Staffelmietvereinbarung ab dem 3. und 5. Mietjahr.",
        "Zur Vereinbarung eines Besichtigungstermins stehen wir Ihnen per E-Mail oder telefonisch zur Verfügung.",
        "Wir freuen uns auf Ihren Anruf!",
        "ZUR BEACHTUNG:",
        "Wir vermieten in diesem Objekt diverse andere Wohnungen mit identischer Sanierungsqualität.",
        "Bitte senden Sie uns mit Ihrer Anfrage eine Mietschuldenfreiheitsbescheinigung und Einkommensnachweise.",
        "Die Kaution ist in drei Raten zahlbar.",
        "Provisionsfrei für den Mieter.",
        "Alle Angaben ohne Gewähr; Irrtümer und Zwischenvermietung vorbehalten.",
        "Energieausweis liegt zur Besichtigung vor.",
        "Die Übergabe erfolgt besenrein; Schönheitsreparaturen übernimmt der Vermieter.",
    ]

    static let freeFromTexts: [String] = [
        "sofort", "nach Vereinbarung", "ab sofort", "ab 01.03.2019", "Mitte Februar", "ab 1. April", "flexibel",
        "nach Absprache", "01.02.2019 oder später", "ab Mai 2019", "SOFORT!",
    ]
    static let deposits: [String] = [
        "3 Kaltmieten", "2 Nettokaltmieten", "drei Monatsmieten", "1.500 €", "3 NKM", "keine", "2.400,00 EUR",
        "2 Monatskaltmieten", "nach Vereinbarung",
    ]
}
