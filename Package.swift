// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "StudyIntake",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "intake", targets: ["IntakeCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .target(
            name: "CDCMTK",
            // Explicit libraries rather than pkgConfig: Debian's dcmtk.pc requires sndfile.pc, which
            // is absent, and SwiftPM then silently links nothing.
            linkerSettings: [
                .linkedLibrary("dcmimage"),
                .linkedLibrary("dcmimgle"),
                .linkedLibrary("dcmjpeg"),
                .linkedLibrary("dcmjpls"),
                .linkedLibrary("dcmdata"),
                .linkedLibrary("oflog"),
                .linkedLibrary("ofstd"),
            ]
        ),
        // libarchive (Debian's libarchive-dev): archive drops, read by content.
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CSQLiteSettings", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "DICOM",
            dependencies: [
                "CDCMTK",
                "CArchive",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The catalog's API and value types; its backends below.
        .target(name: "StudyCatalog"),
        .target(
            name: "SQLiteCatalog",
            dependencies: [
                "StudyCatalog", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"), "CSQLiteSettings",
            ]
        ),
        .target(
            name: "PostgresCatalog",
            dependencies: [
                "StudyCatalog",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Intake",
            dependencies: [
                "DICOM",
                "StudyCatalog",
                "SQLiteCatalog",
                "PostgresCatalog",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The DICOMweb server (QIDO-RS, WADO-RS) over the catalog's API and the store.
        .target(
            name: "DICOMweb",
            dependencies: [
                "DICOM",
                "Intake",
                "StudyCatalog",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "IntakeCLI",
            dependencies: [
                "DICOM",
                "DICOMweb",
                "Intake",
                "StudyCatalog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What the tests share: the private PostgreSQL cluster's databases.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "DICOMTests",
            dependencies: ["DICOM", "TestSupport"]
        ),
        .testTarget(
            name: "StudyCatalogTests",
            dependencies: [
                "StudyCatalog", "SQLiteCatalog", "PostgresCatalog", "Intake", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "IntakeTests",
            dependencies: ["DICOM", "Intake", "StudyCatalog", "TestSupport"]
        ),
        .testTarget(
            name: "IntakeCLITests",
            dependencies: ["IntakeCLI", "Intake", "StudyCatalog", "TestSupport", "PostgresCatalog"]
        ),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
