import Foundation
import StudyCatalog
import Testing

@Suite("The catalog, on a real SQLite file and a real PostgreSQL database")
struct CatalogTests {
    static let doe = CatalogPatient(
        patientID: "MR40511", issuerOfPatientID: "ST ELSEWHERE", patientName: "DOE^JANE", patientBirthDate: "19640312",
        patientSex: "F")

    /// A small MR study: one study, `series` series of three instances each.
    static func submission(
        id: String, patient: CatalogPatient = doe, study: String = "1.2.3", series: Int = 2, date: String = "20240415",
        hashSalt: String = "", note: String? = nil
    ) -> SubmissionRecord {
        let seriesList = (1...series).map { number in
            SubmissionRecord.Series(
                seriesInstanceUID: "\(study).\(number)", studyInstanceUID: study, modality: number == 1 ? "MR" : "CT",
                seriesNumber: number, seriesDescription: number == 1 ? "SAG T2 C-SPINE" : "AX BONE C5-6",
                protocolName: nil, bodyPartExamined: "CSPINE", plane: number == 1 ? .sagittal : .axial,
                sliceThickness: 3, magneticFieldStrength: 1.5, repetitionTime: 3000, echoTime: 100,
                convolutionKernel: nil,
                manufacturer: "SIEMENS", manufacturerModelName: "Avanto", spinalLevels: number == 1 ? [] : ["C5-C6"])
        }
        let instances = seriesList.flatMap { series in
            (1...3).map { (number: Int) in
                SubmissionRecord.Instance(
                    sopInstanceUID: "\(series.seriesInstanceUID).\(number)",
                    headerDigest: "digest-\(series.seriesInstanceUID).\(number)\(hashSalt)",
                    seriesInstanceUID: series.seriesInstanceUID, sopClassUID: "1.2.840.10008.5.1.4.1.1.4",
                    instanceNumber: number, transferSyntaxUID: "1.2.840.10008.1.2.1",
                    path: "DICOM/\(series.seriesNumber!)/IM\(number)")
            }
        }
        let files =
            instances.map {
                SubmissionRecord.File(path: $0.path, size: 1000, contentHash: "hash-" + $0.headerDigest, role: .dicom)
            }
            + [SubmissionRecord.File(path: "REPORT.PDF", size: 20, contentHash: "pdf", role: .document)]
        return SubmissionRecord(
            id: id, receivedAt: Date(timeIntervalSince1970: 1_700_000_000), source: "/inbox/\(id)", status: .accepted,
            note: note, priority: .routine, levelsOfConcern: ["C3-C4"],
            studies: [
                .init(
                    studyInstanceUID: study, patient: patient, studyDate: date, studyTime: "093012",
                    accessionNumber: "ACC-\(study)", studyDescription: "MRI CERVICAL SPINE",
                    referringPhysicianName: nil,
                    institutionName: nil, spinalLevels: ["C3-C4"])
            ], series: seriesList, instances: instances, files: files, findings: [])
    }

    @Test("The SQLite catalog file is created owner-only, whatever the umask")
    func ownerOnly() async throws {
        let previous = umask(0o000)
        defer { umask(previous) }
        let temporary = try await CatalogBackend.sqlite.temporaryCatalog()
        defer { temporary.remove() }
        let attributes = try FileManager.default.attributesOfItem(atPath: temporary.location)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("Opening twice migrates once and keeps the data", arguments: CatalogBackend.allCases)
    func reopen(backend: CatalogBackend) async throws {
        let temporary = try await backend.temporaryCatalog()
        defer { temporary.remove() }
        try await temporary.catalog.record(Self.submission(id: "S1"))
        let again = try await backend.open(temporary.location)
        #expect(try await again.studies(matching: CatalogQuery()).count == 1)
    }

    @Test(
        "A recorded submission reads back with its counts, levels and submission ids",
        arguments: CatalogBackend.allCases)
    func recordAndRead(backend: CatalogBackend) async throws {
        let temporary = try await backend.temporaryCatalog()
        defer { temporary.remove() }
        try await temporary.catalog.record(Self.submission(id: "S1"))
        let study = try #require(try await temporary.catalog.studies(matching: CatalogQuery()).first)
        #expect(study.patientName == "DOE^JANE")
        #expect(study.modalitiesInStudy == ["CT", "MR"])
        #expect(study.numberOfStudyRelatedSeries == 2)
        #expect(study.numberOfStudyRelatedInstances == 6)
        #expect(study.spinalLevels == ["C3-C4", "C5-C6"])
        #expect(study.submissionIds == ["S1"])
        let instances = try await temporary.catalog.instances(matching: CatalogQuery(studyInstanceUIDs: ["1.2.3"]))
        #expect(instances.count == 6)
        #expect(instances.first?.path == "DICOM/1/IM1")
    }

    @Test(
        "The same disc twice links, adds no study, series or instance, and notes the duplicates",
        arguments: CatalogBackend.allCases)
    func sameDiscTwice(backend: CatalogBackend) async throws {
        let temporary = try await backend.temporaryCatalog()
        defer { temporary.remove() }
        try await temporary.catalog.record(Self.submission(id: "S1"))
        let findings = try await temporary.catalog.record(Self.submission(id: "S2"))
        #expect(findings.count == 6)
        #expect(findings.allSatisfy { $0.code == "duplicate-identical" && $0.message.contains("S1") })
        let study = try #require(try await temporary.catalog.studies(matching: CatalogQuery()).first)
        #expect(study.numberOfStudyRelatedInstances == 6)
        #expect(study.numberOfStudyRelatedSeries == 2)
        #expect(study.submissionIds == ["S1", "S2"])
        #expect(try await temporary.catalog.series(matching: CatalogQuery()).count == 2)
    }

    @Test(
        "The same SOPInstanceUID with other content is kept apart and flagged as an error",
        arguments: CatalogBackend.allCases)
    func conflict(backend: CatalogBackend) async throws {
        let temporary = try await backend.temporaryCatalog()
        defer { temporary.remove() }
        try await temporary.catalog.record(Self.submission(id: "S1"))
        let findings = try await temporary.catalog.record(Self.submission(id: "S2", hashSalt: "-corrected"))
        #expect(findings.count == 6)
        #expect(
            findings.allSatisfy {
                $0.code == "duplicate-conflict" && $0.severity == .error && $0.message.contains("S1")
            })
        #expect(try await temporary.catalog.instances(matching: CatalogQuery()).count == 12)
    }

    @Test("One PatientID with another name and birth date is another patient", arguments: CatalogBackend.allCases)
    func patientsNotMergedByID(backend: CatalogBackend) async throws {
        let temporary = try await backend.temporaryCatalog()
        defer { temporary.remove() }
        var other = Self.doe
        other.patientName = "ROE^RICHARD"
        other.patientBirthDate = "19580101"
        try await temporary.catalog.record(Self.submission(id: "S1"))
        try await temporary.catalog.record(Self.submission(id: "S2", patient: other, study: "9.8.7"))
        #expect(try await temporary.catalog.studies(matching: CatalogQuery(patientID: "MR40511")).count == 2)
        #expect(
            try await temporary.catalog.studies(matching: CatalogQuery(patientName: "roe")).map(\.studyInstanceUID) == [
                "9.8.7"
            ])
    }

    @Test("A submission that fails half way leaves nothing behind", arguments: CatalogBackend.allCases)
    func atomic(backend: CatalogBackend) async throws {
        let temporary = try await backend.temporaryCatalog()
        defer { temporary.remove() }
        try await temporary.catalog.record(Self.submission(id: "S1"))
        // The same submission id again: the submission row fails, after nothing else was written.
        var repeated = Self.submission(id: "S1", study: "5.5.5")
        repeated.studies[0].patient.patientID = "NEW"
        await #expect(throws: CatalogError.self) { try await temporary.catalog.record(repeated) }
        // A submission whose file list names one path twice fails at the end, after its studies.
        var broken = Self.submission(id: "S3", study: "6.6.6")
        broken.files.append(broken.files[0])
        await #expect(throws: CatalogError.self) { try await temporary.catalog.record(broken) }
        #expect(try await temporary.catalog.studies(matching: CatalogQuery()).map(\.studyInstanceUID) == ["1.2.3"])
        #expect(try await temporary.catalog.studies(matching: CatalogQuery(patientID: "NEW")).isEmpty)
    }

    @Test(
        "Every query filter",
        arguments: [
            (CatalogQuery(patientID: "MR40511"), ["1.2.3"]),
            (CatalogQuery(patientName: "doe^j*"), ["1.2.3"]),
            (CatalogQuery(patientName: "müller"), ["2.2.2"]),
            (CatalogQuery(patientName: "MULLER^JURGEN"), ["2.2.2"]),
            (CatalogQuery(patientName: "M?LLER*"), ["2.2.2"]),
            (CatalogQuery(patientName: "smith"), []),
            (CatalogQuery(modalities: ["ct"]), ["1.2.3", "2.2.2"]),
            (CatalogQuery(studyDate: "20240101-20241231"), ["1.2.3"]),
            (CatalogQuery(studyDate: "20200101-"), ["1.2.3"]),
            (CatalogQuery(studyDate: "-20200101"), ["2.2.2"]),
            (CatalogQuery(studyDate: "20190203"), ["2.2.2"]),
            (CatalogQuery(description: "sag t2"), ["1.2.3", "2.2.2"]),
            (CatalogQuery(description: "cervical"), ["1.2.3", "2.2.2"]),
            (CatalogQuery(bodyPart: "cspine"), ["1.2.3", "2.2.2"]),
            (CatalogQuery(levels: ["C5-C6"]), ["1.2.3", "2.2.2"]),
            (CatalogQuery(levels: ["C3-C4"]), ["1.2.3", "2.2.2"]),
            (CatalogQuery(levels: ["L4-L5"]), []),
            (CatalogQuery(accessionNumber: "ACC-2.2.2"), ["2.2.2"]),
            (CatalogQuery(studyInstanceUIDs: ["1.2.3"]), ["1.2.3"]),
            (CatalogQuery(submissionId: "S2"), ["2.2.2"]),
            (CatalogQuery(limit: 1), ["1.2.3"]),
            (CatalogQuery(modalities: ["MR"], studyDate: "20240101-"), ["1.2.3"]),
            (CatalogQuery(patientID: "*405*"), ["1.2.3"]),
            (CatalogQuery(patientID: "MR4051"), []),
            (CatalogQuery(accessionNumber: "acc-2.?.2"), ["2.2.2"]),
            (CatalogQuery(description: "*T2*"), ["1.2.3", "2.2.2"]),
            (CatalogQuery(description: "T2"), ["1.2.3", "2.2.2"]),
            (CatalogQuery(description: "T2*"), []),
            (CatalogQuery(description: "100%"), []),
            (CatalogQuery(studyDescription: "*cervical*"), ["1.2.3", "2.2.2"]),
            (CatalogQuery(studyDescription: "sag t2"), []),
            (CatalogQuery(modalities: ["XA", "CT"]), ["1.2.3", "2.2.2"]),
            (CatalogQuery(studyInstanceUIDs: ["2.2.2", "1.2.3"]), ["1.2.3", "2.2.2"]),
            (CatalogQuery(seriesInstanceUIDs: ["2.2.2.2"]), ["2.2.2"]),
            (CatalogQuery(limit: 1, offset: 1), ["2.2.2"]),
            (CatalogQuery(offset: 1), ["2.2.2"]),
            (CatalogQuery(offset: 2), []),
            (CatalogQuery(acceptedOnly: true), ["1.2.3", "2.2.2"]),
        ])
    func studyFilters(query: CatalogQuery, expected: [String]) async throws {
        for backend in CatalogBackend.allCases {
            try await studyFilters(query: query, expected: expected, backend: backend)
        }
    }

    private func studyFilters(query: CatalogQuery, expected: [String], backend: CatalogBackend) async throws {
        let temporary = try await backend.temporaryCatalog()
        defer { temporary.remove() }
        let mueller = CatalogPatient(
            patientID: "445566", issuerOfPatientID: nil, patientName: "MÜLLER^JÜRGEN", patientBirthDate: "19510707",
            patientSex: "M")
        try await temporary.catalog.record(Self.submission(id: "S1"))
        try await temporary.catalog.record(
            Self.submission(id: "S2", patient: mueller, study: "2.2.2", date: "20190203"))
        #expect(try await temporary.catalog.studies(matching: query).map(\.studyInstanceUID) == expected, "\(backend)")
    }

    @Test("Series filters apply to the series themselves", arguments: CatalogBackend.allCases)
    func seriesFilters(backend: CatalogBackend) async throws {
        let temporary = try await backend.temporaryCatalog()
        defer { temporary.remove() }
        try await temporary.catalog.record(Self.submission(id: "S1"))
        let mr = try await temporary.catalog.series(matching: CatalogQuery(modalities: ["MR"]))
        #expect(mr.map(\.seriesInstanceUID) == ["1.2.3.1"])
        #expect(mr.first?.plane == .sagittal)
        #expect(mr.first?.numberOfSeriesRelatedInstances == 3)
        let atLevel = try await temporary.catalog.series(matching: CatalogQuery(levels: ["C5-C6", "C5", "C6"]))
        #expect(atLevel.map(\.seriesInstanceUID) == ["1.2.3.2"])
        #expect(atLevel.first?.spinalLevels == ["C5-C6"])
    }

    @Test(
        "DICOM date ranges",
        arguments: [
            ("20240101-20241231", "20240101", "20241231"), ("20240101-", "20240101", nil),
            ("-20241231", nil, "20241231"),
            ("20240101", "20240101", "20240101"),
        ] as [(String, String?, String?)])
    func dateRanges(text: String, from: String?, to: String?) throws {
        let range = try #require(CatalogQuery.dateRange(text))
        #expect(range.from == from)
        #expect(range.to == to)
    }

    @Test("Malformed date ranges are refused", arguments: ["", "-", "2024", "2024-01-01", "20240101-2024", "abcdefgh"])
    func badDateRanges(text: String) {
        #expect(CatalogQuery.dateRange(text) == nil)
    }
}
