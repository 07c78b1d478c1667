import DICOM
import Foundation
import Hummingbird
import StudyCatalog

/// WADO-RS bulk data: what the BulkDataURIs of the metadata name (`…/instances/{sop}/bulk/{TAG}`,
/// or `…/bulk/{TAG}/{ITEM}/{TAG}…` inside sequences), one attribute's value as
/// `application/octet-stream` (little endian); the encapsulated pixel data as its frames, each in
/// its own media type.
extension DICOMwebService {
    func retrieveBulkData(request: Request, context: DICOMwebRequestContext) async throws -> Response {
        let study = try context.parameters.require("study")
        let series = try context.parameters.require("series")
        let instance = try context.parameters.require("instance")
        let path = context.parameters.getCatchAll().joined(separator: "/")
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        let wellFormed =
            components.count % 2 == 1
            && components.enumerated().allSatisfy { index, component in
                index % 2 == 0
                    ? component.count == 8 && UInt32(component, radix: 16) != nil
                    : !component.isEmpty && component.count <= 9 && component.allSatisfy { $0.isASCII && $0.isNumber }
            }
        guard wellFormed else {
            throw DICOMwebError.badRequest(
                "bulk data is named TAG or TAG/ITEM/TAG…, eight hex digits a tag, not \(path)")
        }
        let accepted = MediaRange.ranges(ofAccept: request.headers[.accept]).contains { range in
            ["*/*", "multipart/related", "multipart/*", "application/octet-stream"].contains(range.type)
        }
        guard accepted else { throw DICOMwebError.notAcceptable("bulk data is served as multipart/related") }
        guard let stored = try await instances(study: study, series: series, instance: instance).first else {
            throw DICOMwebError.notFound("no such instance")
        }
        try await audit("retrieve-bulkdata", study: study, context: context)
        let files = self.files
        let parts = try await Self.blocking { () throws -> [(type: String, bytes: [UInt8])] in
            do {
                let file = try files.file(stored)
                if path.uppercased() == "7FE00010", let frames = try file.encapsulatedFrames() {
                    return frames.map { frame in
                        let type = TransferSyntaxNegotiation.frameMediaType(frame.transferSyntaxUID)
                        return ("\(type); transfer-syntax=\(frame.transferSyntaxUID)", frame.bytes)
                    }
                }
                return [("application/octet-stream", try file.value(at: path))]
            } catch let error as DICOMReadError {
                throw DICOMwebError.file(error)
            }
        }
        let multipart = MultipartRelated(
            type: parts.count == 1 ? parts[0].type.split(separator: ";")[0].description : "application/octet-stream")
        return multipart.response(parts.map { ($0.type, $0.bytes) })
    }
}
