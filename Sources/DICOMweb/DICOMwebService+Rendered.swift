import DICOM
import Foundation
import Hummingbird
import StudyCatalog

/// WADO-RS rendered resources (PS3.18 8.7.4, 9.4): an instance or a frame as a JPEG or PNG image
/// windowed as its header says, rendered by DCMTK's image library (the code `intake preview` uses);
/// a series as every instance rendered; thumbnails of an instance, a series or a study (its middle
/// image). 406 when DCMTK cannot decode the pixel data, never a broken image.
extension DICOMwebService {
    /// The side thumbnails are scaled to fit.
    static let thumbnailSize = 128

    func retrieveRendered(request: Request, context: DICOMwebRequestContext, thumbnail: Bool) async throws -> Response {
        let study = try context.parameters.require("study")
        let series = context.parameters.get("series")
        let instance = context.parameters.get("instance")
        let format = try Self.imageFormat(accept: request.headers[.accept])
        let parameters = QueryParameters(request.uri.query)
        let maxSize = try Self.viewportSize(parameters.all("viewport").first) ?? (thumbnail ? Self.thumbnailSize : nil)
        let frame = try context.parameters.get("frames").map { try Self.frameNumbers($0)[0] } ?? 1
        let found = try await instances(study: study, series: series, instance: instance)
        try await audit(thumbnail ? "retrieve-thumbnail" : "retrieve-rendered", study: study, context: context)
        // A thumbnail of a series or a study shows its middle image; a rendered series, every image.
        let chosen = thumbnail || instance != nil ? [found[instance != nil ? 0 : found.count / 2]] : found
        let files = self.files
        let images = try await Self.blocking { () throws -> [[UInt8]] in
            do {
                return try chosen.map { try files.file($0).rendered(frame: frame, maxSize: maxSize, format: format) }
            } catch let error as DICOMReadError {
                throw DICOMwebError.file(error)
            }
        }
        let mediaType = format == .png ? "image/png" : "image/jpeg"
        if chosen.count == 1 {
            return Response(
                status: .ok, headers: [.contentType: mediaType], body: .init(byteBuffer: ByteBuffer(bytes: images[0])))
        }
        return MultipartRelated(type: mediaType).response(images.map { (mediaType, $0) })
    }

    /// JPEG unless the client takes PNG and not JPEG; 406 when it takes neither.
    static func imageFormat(accept: String?) throws -> StoredInstanceFile.ImageFormat {
        for range in MediaRange.ranges(ofAccept: accept) {
            switch range.type {
            case "image/jpeg", "image/*", "*/*", "multipart/related": return .jpeg
            case "image/png": return .png
            default: continue
            }
        }
        throw DICOMwebError.notAcceptable("rendered images are image/jpeg or image/png")
    }

    /// `viewport=WIDTH,HEIGHT` (the larger side bounds the image), or nil without one.
    static func viewportSize(_ text: String?) throws -> Int? {
        guard let text else { return nil }
        let sides = text.split(separator: ",").prefix(2).compactMap { Int($0.trimmingSpaces) }
        guard sides.count == 2, sides.allSatisfy({ $0 > 0 && $0 <= 4096 }) else {
            throw DICOMwebError.badRequest("viewport takes WIDTH,HEIGHT in pixels, not \(text)")
        }
        return sides.max()
    }
}
