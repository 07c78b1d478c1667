import DICOM
import Hummingbird
import StudyCatalog

/// QIDO-RS: studies, series and instances, from the catalog alone.
extension DICOMwebService {
    func search(_ level: QIDORequest.Level, request: Request, context: DICOMwebRequestContext) async throws -> Response
    {
        try checkAcceptsJSON(request)
        let study = context.parameters.get("study")
        let series = context.parameters.get("series")
        for uid in [study, series].compactMap({ $0 }) where !UIDSyntax.isWellFormed(uid) {
            throw DICOMwebError.badRequest("not a UID: \(uid)")
        }
        let search: QIDORequest
        do {
            search = try QIDORequest(
                level: level, parameters: QueryParameters(request.uri.query), study: study, series: series)
        } catch {
            throw DICOMwebError.badRequest(error.message)
        }
        let results = QIDOResults(base: base(of: request))
        // The search is audited while it runs (the event names the request, not its answer): the
        // answer still waits for both, and the commit's flush no longer comes on top of the query.
        async let audited: Void = audit("search-\(level.rawValue)", study: study ?? "*", context: context)
        let objects: [DICOMJSONObject]
        do {
            switch level {
            case .studies: objects = try await catalog.studies(matching: search.query).map(results.study)
            case .series: objects = try await catalog.series(matching: search.query).map(results.series)
            case .instances: objects = try await catalog.storedInstances(matching: search.query).map(results.instance)
            }
        } catch {
            throw DICOMwebError.catalog(error)
        }
        try await audited
        return Self.json(DICOMJSONObject.array(objects), warnings: search.warnings)
    }

    /// QIDO-RS and metadata answer in DICOM JSON: 406 only when the Accept header lists nothing that
    /// takes it (a list holding it anywhere, `*/*`, `application/json` or no header all do).
    func checkAcceptsJSON(_ request: Request) throws {
        let accepted = MediaRange.ranges(ofAccept: request.headers[.accept]).contains { range in
            ["application/dicom+json", "application/json", "*/*", "application/*"].contains(range.type)
        }
        guard accepted else { throw DICOMwebError.notAcceptable("this answer is application/dicom+json only") }
    }
}
