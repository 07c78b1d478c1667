import DICOM
import Foundation
import Hummingbird
import StudyCatalog

#if canImport(Glibc)
    import Glibc
#endif

/// WADO-RS frames (PS3.18 8.7.3.5.2): one part per frame asked for, each labelled with its media
/// type and transfer syntax. Native frames are a byte range of the file; encapsulated ones their
/// fragments; a client that wants uncompressed frames of a compressed image gets them decoded by DCMTK.
extension DICOMwebService {
    func retrieveFrames(request: Request, context: DICOMwebRequestContext) async throws -> Response {
        let study = try context.parameters.require("study")
        let series = try context.parameters.require("series")
        let instance = try context.parameters.require("instance")
        let numbers = try Self.frameNumbers(QueryParameters.decode(Substring(try context.parameters.require("frames"))))
        guard
            let wanted = TransferSyntaxNegotiation.frames(accept: MediaRange.ranges(ofAccept: request.headers[.accept]))
        else {
            throw DICOMwebError.notAcceptable(
                "frames are served as multipart/related; type=\"application/octet-stream\" or the image's own media type"
            )
        }
        guard let stored = try await instances(study: study, series: series, instance: instance).first else {
            throw DICOMwebError.notFound("no such instance")
        }
        let storedSyntax = stored.transferSyntaxUID ?? TransferSyntax.implicitVRLittleEndian
        let nativeStorage = TransferSyntax.uncompressed.contains(storedSyntax)
        switch wanted {
        case .asStored: break
        case .syntax(let syntax) where syntax == storedSyntax: break
        case .syntax(TransferSyntax.explicitVRLittleEndian)
        where nativeStorage || TransferSyntaxNegotiation.decodable.contains(storedSyntax):
            break
        case .syntax(let syntax):
            throw DICOMwebError.notAcceptable("frames stored as \(storedSyntax) cannot be sent as \(syntax)")
        }
        try await audit("retrieve-frames", study: study, context: context)
        let files = self.files
        let decode = wanted == .syntax(TransferSyntax.explicitVRLittleEndian) && !nativeStorage
        let frames = try await Self.blocking { () throws -> [StoredInstanceFile.Frame] in
            do {
                guard decode else { return try files.file(stored).frames(numbers) }
                let path = files.temporaryCopyPath(stored)
                defer { unlink(path) }
                try files.file(stored).writeUncompressedCopy(
                    transferSyntaxUID: TransferSyntax.explicitVRLittleEndian, to: path)
                let copy = StoredInstanceFile(
                    folder: try Folder(path: files.conversionFolder), path: (path as NSString).lastPathComponent)
                return try copy.frames(numbers)
            } catch let error as DICOMReadError {
                throw DICOMwebError.file(error)
            }
        }
        let multipart = MultipartRelated(type: TransferSyntaxNegotiation.frameMediaType(frames[0].transferSyntaxUID))
        return multipart.response(
            frames.map { frame in
                let type = TransferSyntaxNegotiation.frameMediaType(frame.transferSyntaxUID)
                return ("\(type); transfer-syntax=\(frame.transferSyntaxUID)", frame.bytes)
            })
    }

    /// `1`, `1,3,5`: frame numbers from 1.
    static func frameNumbers(_ text: String) throws -> [Int] {
        let numbers = text.split(separator: ",").map { Int($0.trimmingSpaces) }
        guard !numbers.isEmpty, numbers.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw DICOMwebError.badRequest("frames are numbers from 1, separated by commas, not \(text)")
        }
        return numbers.map { $0! }
    }
}
