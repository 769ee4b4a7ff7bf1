// swift-tools-version: 6.1
// libFuzzer harnesses for the columnar reader, the JSON record scanner and the input readers (ZIP, gzip, plain).
// A separate package so that the main build never needs -sanitize=fuzzer; the library sources are symlinks into
// the main package (see README.md).
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]
let harness = settings + [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "LakeFormatFuzz",
    dependencies: [
        // LakeStorage hashes inputs with swift-crypto; the same version as the main package.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .target(name: "LakeCore", swiftSettings: settings),
        .target(name: "LakeCompression", dependencies: ["LakeCore", "CZlib"], swiftSettings: settings),
        .target(name: "LakeFormat", dependencies: ["LakeCore", "LakeCompression"], swiftSettings: settings),
        .target(name: "LakeJSON", dependencies: ["LakeCore"], swiftSettings: settings),
        .target(
            name: "LakeStorage",
            dependencies: ["LakeCore", "LakeCompression", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings),
        .executableTarget(name: "FuzzColumnar", dependencies: ["LakeFormat", "LakeCore"], swiftSettings: harness),
        .executableTarget(name: "FuzzJSON", dependencies: ["LakeJSON"], swiftSettings: harness),
        .executableTarget(name: "FuzzInput", dependencies: ["LakeStorage", "LakeCore"], swiftSettings: harness),
    ]
)
