import DICOM
import Foundation
import StudyCatalog

/// `intake preview`: a contact sheet of a series, or of every series of a study or a submission, one
/// tile a series: its middle image, rendered as the DICOMweb server renders it, with the series
/// number, description, plane, spinal levels and image count under it.
public struct SeriesPreview {
    public enum Failure: Error, CustomStringConvertible {
        case notFound(String)

        public var description: String {
            switch self {
            case .notFound(let id): "no accepted series, study or submission \(id) in the catalog"
            }
        }
    }

    let catalog: any Catalog
    let home: IntakeHome

    public init(catalog: any Catalog, home: IntakeHome) {
        self.catalog = catalog
        self.home = home
    }

    /// The sheet for `id` (a SeriesInstanceUID, a StudyInstanceUID or a submission id), shown to
    /// `requester`: an access to each study it shows, in the audit trail before it is returned.
    public func sheet(for id: String, requester: String) async throws -> ContactSheet {
        var series = try await catalog.series(matching: CatalogQuery(seriesInstanceUIDs: [id], acceptedOnly: true))
        if series.isEmpty {
            series = try await catalog.series(matching: CatalogQuery(studyInstanceUIDs: [id], acceptedOnly: true))
        }
        if series.isEmpty {
            series = try await catalog.series(matching: CatalogQuery(submissionId: id, acceptedOnly: true))
        }
        guard !series.isEmpty else { throw Failure.notFound(id) }
        let studyUIDs = Array(Set(series.map(\.studyInstanceUID))).sorted()
        let studies = try await catalog.studies(matching: CatalogQuery(studyInstanceUIDs: studyUIDs))
        let kept = Dictionary(
            grouping: try await catalog.storedInstances(
                matching: CatalogQuery(seriesInstanceUIDs: series.map(\.seriesInstanceUID))),
            by: \.seriesInstanceUID)
        let tiles = series.map { one in
            let instances = kept[one.seriesInstanceUID] ?? []
            return tile(one, middle: instances.isEmpty ? nil : instances[instances.count / 2], count: instances.count)
        }
        let title = studies.map { study in
            [
                study.studyDate, study.accessionNumber, study.modalitiesInStudy.joined(separator: "/"),
                study.studyDescription,
            ]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "  ")
        }.joined(separator: " | ")
        try await catalog.recordAccesses(
            studyUIDs.map { AccessEvent(at: Date(), actor: requester, action: "preview", subject: $0) })
        return ContactSheet(title: title, tiles: tiles)
    }

    private func tile(_ series: SeriesSummary, middle: StoredInstance?, count: Int) -> ContactSheet.Tile {
        let heading = ["#" + (series.seriesNumber.map(String.init) ?? "?"), series.seriesDescription ?? ""]
            .joined(separator: " ")
        let facts =
            [series.modality, series.plane?.rawValue, series.spinalLevels.joined(separator: " ")]
            .compactMap { $0 }.filter { !$0.isEmpty } + ["\(count) IM"]
        var lines = [heading, facts.joined(separator: " ")]
        guard let middle else {
            lines.append("NO IMAGE KEPT")
            return ContactSheet.Tile(image: nil, lines: lines)
        }
        do {
            let image = try home.file(middle).grayImage(frame: 1, maxSize: ContactSheet.thumbnailSize)
            return ContactSheet.Tile(image: image, lines: lines)
        } catch {
            lines.append(error.code == .unsupported ? "CANNOT DECODE" : "UNREADABLE: \(error.code.rawValue)")
            return ContactSheet.Tile(image: nil, lines: lines)
        }
    }
}
