import ArgumentParser
import Foundation
import Intake
import StudyCatalog

extension IntakeCommand {
    /// `intake query studies|series|instances [filters]`.
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the catalog.",
            subcommands: [Studies.self, Series.self, Instances.self]
        )
    }
}

/// The filters every `query` subcommand takes.
struct QueryOptions: ParsableArguments {
    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Output format: table, json or csv.")
    var format: DataFormat = .table
    @Option(help: "PatientID, exactly; * and ? are wildcards.") var patientId: String?
    @Option(help: "PatientName; * and ? are wildcards; case and accents are ignored.") var patientName: String?
    @Option(help: "Modality, e.g. MR or CT.") var modality: String?
    @Option(help: "StudyDate as a DICOM range: 20240101-20241231, 20240101-, -20241231 or one date.")
    var studyDate: String?
    @Option(help: "Part of the study or series description, any case; with * or ?, a pattern of all of it.")
    var description: String?
    @Option(help: "BodyPartExamined, e.g. CSPINE.") var bodyPart: String?
    @Option(help: "A spinal level (C5-C6 also finds C5 and C6; C5 also finds C4-C5 and C5-C6).") var level: String?
    @Option(help: "AccessionNumber, exactly; * and ? are wildcards.") var accession: String?
    @Option(help: "StudyInstanceUID.") var studyUid: String?
    @Option(help: "Submission id.") var submission: String?
    @Option(help: "At most this many rows.") var limit: Int?
    @Flag(help: "Print patient names as initials and leave birth dates out.") var redact = false

    func validate() throws {
        if let studyDate, CatalogQuery.dateRange(studyDate) == nil {
            throw ValidationError("--study-date takes a DICOM date range such as 20240101-20241231, not \(studyDate)")
        }
        if let level, SpinalLevelMentions(text: level).levels.isEmpty {
            throw ValidationError("--level takes a spinal level such as C5-C6 or C5, not \(level)")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    var query: CatalogQuery {
        let levels = level.map(SpinalLevelMentions.searchLevels(for:))
        return CatalogQuery(
            patientID: patientId, patientName: patientName, modalities: modality.map { [$0] } ?? [],
            studyDate: studyDate,
            description: description, bodyPart: bodyPart, levels: levels ?? [], accessionNumber: accession,
            studyInstanceUIDs: studyUid.map { [$0] } ?? [], submissionId: submission, limit: limit)
    }

    func openCatalog() async throws -> any Catalog {
        try await homeOptions.openExistingCatalog(logging: logging)
    }
}

extension IntakeCommand.Query {
    struct Studies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Studies matching the filters, newest first.")
        @OptionGroup var options: QueryOptions

        func run() async throws {
            let studies = try await options.openCatalog().studies(matching: options.query)
            let records = studies.map { OutputRecord(study: $0, redacted: options.redact) }
            try options.format.print(
                records,
                tableColumns: [
                    ("StudyDate", "Date"), ("PatientName", "Patient"), ("ModalitiesInStudy", "Mod"),
                    ("StudyDescription", "Description"), ("NumberOfStudyRelatedInstances", "Inst"),
                    ("spinalLevels", "Levels"),
                ])
        }
    }

    struct Series: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Series matching the filters.")
        @OptionGroup var options: QueryOptions

        func run() async throws {
            let series = try await options.openCatalog().series(matching: options.query)
            let records = series.map(OutputRecord.init(series:))
            try options.format.print(
                records,
                tableColumns: [
                    ("Modality", "Mod"), ("SeriesNumber", "No"), ("SeriesDescription", "Description"),
                    ("plane", "Plane"), ("NumberOfSeriesRelatedInstances", "Inst"), ("spinalLevels", "Levels"),
                ])
        }
    }

    struct Instances: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Instances matching the filters.")
        @OptionGroup var options: QueryOptions

        func run() async throws {
            let instances = try await options.openCatalog().instances(matching: options.query)
            let records = instances.map { instance in
                OutputRecord(fields: [
                    ("SOPInstanceUID", .text(instance.sopInstanceUID)),
                    ("SeriesInstanceUID", .text(instance.seriesInstanceUID)),
                    ("SOPClassUID", instance.sopClassUID.map(OutputRecord.Value.text)),
                    ("InstanceNumber", instance.instanceNumber.map(OutputRecord.Value.integer)),
                    ("TransferSyntaxUID", instance.transferSyntaxUID.map(OutputRecord.Value.text)),
                    ("submissionId", .text(instance.submissionId)),
                    ("path", instance.path.map(OutputRecord.Value.text)),
                    ("damage", instance.damage.map(OutputRecord.Value.text)),
                ])
            }
            try options.format.print(
                records,
                tableColumns: [("InstanceNumber", "No"), ("SOPInstanceUID", "SOPInstanceUID"), ("path", "Path")])
        }
    }
}
