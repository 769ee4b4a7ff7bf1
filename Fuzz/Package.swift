// swift-tools-version: 6.1
// libFuzzer harness for the columnar reader. A separate package so that the main build never needs
// -sanitize=fuzzer; the library sources are symlinks into the main package (see README.md).
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "LakeFormatFuzz",
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .target(name: "LakeCore", swiftSettings: settings),
        .target(name: "LakeCompression", dependencies: ["LakeCore", "CZlib"], swiftSettings: settings),
        .target(name: "LakeFormat", dependencies: ["LakeCore", "LakeCompression"], swiftSettings: settings),
        .executableTarget(
            name: "FuzzColumnar", dependencies: ["LakeFormat", "LakeCore"],
            swiftSettings: settings + [.unsafeFlags(["-parse-as-library"])]),
    ]
)
