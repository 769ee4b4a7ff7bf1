// swift-tools-version: 6.1
import PackageDescription

// Every target uses Swift 6 language mode with the upcoming features that keep imports and
// existentials explicit (the settings block of swiftlang/swift-subprocess).
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "batchlake",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "batchlake", targets: ["batchlake"]),
        .executable(name: "batchlake-bench", targets: ["batchlake-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries, each imported by exactly one Swift module.
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CSQLite3", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        // Intel ISA-L: igzip inflate and deflate and CRC-32, several times zlib's speed (`Igzip.swift`).
        .systemLibrary(
            name: "CIsal", pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]),
        // glibc's malloc_trim, mallopt and syncfs, which Swift's Glibc module leaves out (part of the C library:
        // nothing to install).
        .systemLibrary(name: "CGlibc"),

        // Shared values and errors; depends on nothing.
        .target(name: "LakeCore", swiftSettings: settings),
        // Inflate and fast gzip (ISA-L), zlib deflate for pages and the generator, CRC-32; one-shot zstd frames.
        .target(
            name: "LakeCompression", dependencies: ["LakeCore", "CZlib", "CZstd", "CIsal"], swiftSettings: settings),
        // Byte-level JSON scanning and value parsing for the ingest hot path.
        .target(name: "LakeJSON", dependencies: ["LakeCore"], swiftSettings: settings),
        // The columnar file format (docs/FORMAT.md).
        .target(name: "LakeFormat", dependencies: ["LakeCore", "LakeCompression"], swiftSettings: settings),
        // The one libpq wrapper: connection, parameters, COPY FROM STDIN, errors with SQLSTATE.
        .target(name: "LakePostgres", dependencies: ["LakeCore", "CLibPQ"], swiftSettings: settings),
        // The catalog on SQLite (a file) or PostgreSQL (a shared server): connection, migrations, queries.
        .target(
            name: "LakeCatalog",
            dependencies: ["LakeCore", "CSQLite3", "LakePostgres", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings),
        // Lake paths, atomic writes, input readers (ZIP, gzip, plain), CSV.gz, manifests.
        .target(
            name: "LakeStorage",
            dependencies: [
                "LakeCore", "LakeCompression", "LakeAWS", "CGlibc", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings),
        // Synthetic immobilienscout24 batches for demos, tests and benchmarks.
        .target(name: "LakeGenerator", dependencies: ["LakeCore", "LakeCompression"], swiftSettings: settings),
        // Warehouse URLs and the SQL dialects of PostgreSQL and Redshift, over LakePostgres.
        .target(name: "LakeWarehouse", dependencies: ["LakeCore", "LakePostgres"], swiftSettings: settings),
        // HTTP over libcurl, SigV4, S3, SQS and S3 event notifications (issue 6).
        .target(
            name: "LakeAWS",
            dependencies: ["LakeCore", "CCurl", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings),
        // Where the parts meet: spec, ingest, commit protocol, recovery, scan.
        .target(
            name: "LakePipeline",
            dependencies: [
                "LakeCore", "LakeCompression", "LakeJSON", "LakeFormat", "LakeCatalog", "LakeStorage",
                "LakeGenerator", "LakeWarehouse", "LakeAWS", "CGlibc",
            ],
            resources: [.copy("Specs")],
            swiftSettings: settings),
        // The benchmark of issues 4 and 8: `swift run -c release batchlake-bench` (README, "Performance").
        .executableTarget(
            name: "batchlake-bench",
            dependencies: [
                "LakePipeline", "LakeCore", "LakeCompression", "LakeFormat", "LakeStorage", "LakeGenerator",
            ],
            swiftSettings: settings),
        .executableTarget(
            name: "batchlake",
            dependencies: [
                "LakePipeline", "LakeCore", "LakeCatalog", "LakeGenerator", "LakeWarehouse",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: settings),
        // `batchlake load` beside `psql \copy` of the same files, on a throwaway PostgreSQL (README).
        .executableTarget(
            name: "batchlake-loadbench",
            dependencies: ["LakePipeline", "LakeCatalog", "LakeCore", "LakeGenerator"],
            swiftSettings: settings),

        .target(name: "TestSupport", dependencies: ["LakeCore"], path: "Tests/TestSupport", swiftSettings: settings),
        .testTarget(name: "LakeCoreTests", dependencies: ["LakeCore"], swiftSettings: settings),
        .testTarget(
            name: "LakeCompressionTests", dependencies: ["LakeCompression", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "LakeJSONTests", dependencies: ["LakeJSON", "TestSupport"], swiftSettings: settings),
        .testTarget(
            name: "LakeFormatTests", dependencies: ["LakeFormat", "LakeCompression", "TestSupport"],
            exclude: ["Golden"],  // read by path from the source tree (GoldenTests), not bundled
            swiftSettings: settings),
        .testTarget(name: "LakeCatalogTests", dependencies: ["LakeCatalog", "TestSupport"], swiftSettings: settings),
        .testTarget(
            name: "LakeStorageTests", dependencies: ["LakeStorage", "LakeCompression", "LakeGenerator", "TestSupport"],
            swiftSettings: settings),
        .testTarget(
            name: "LakeGeneratorTests", dependencies: ["LakeGenerator", "LakeCompression", "TestSupport"],
            swiftSettings: settings),
        .testTarget(
            name: "LakePipelineTests",
            dependencies: [
                "LakePipeline", "LakeCatalog", "LakeStorage", "LakeGenerator", "LakeWarehouse", "TestSupport",
            ],
            swiftSettings: settings),
        .testTarget(
            name: "LakeWarehouseTests", dependencies: ["LakeWarehouse", "LakeCore", "TestSupport"],
            swiftSettings: settings),
        .testTarget(
            name: "LakeAWSTests", dependencies: ["LakeAWS", "LakeCore", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: settings),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "LakeAWS"], swiftSettings: settings),
    ]
)
