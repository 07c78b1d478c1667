import DICOM
import Foundation
import Hummingbird
import StudyCatalog

#if canImport(Glibc)
    import Glibc
#endif

/// WADO-RS whole instances of a study, a series or one instance, as `multipart/related;
/// type="application/dicom"`: the stored bytes, streamed from the file, or an uncompressed copy
/// made by DCMTK when the client does not take the stored transfer syntax.
extension DICOMwebService {
    func retrieveInstances(request: Request, context: DICOMwebRequestContext) async throws -> Response {
        let study = try context.parameters.require("study")
        let series = context.parameters.get("series")
        let instance = context.parameters.get("instance")
        guard
            let wanted = TransferSyntaxNegotiation.instances(
                accept: MediaRange.ranges(ofAccept: request.headers[.accept]))
        else {
            throw DICOMwebError.notAcceptable("instances are served as multipart/related; type=\"application/dicom\"")
        }
        let found = try await instances(study: study, series: series, instance: instance)
        let refused = found.filter { !TransferSyntaxNegotiation.canDeliver(stored: $0.transferSyntaxUID, as: wanted) }
        if let first = refused.first {
            throw DICOMwebError.notAcceptable(
                "\(refused.count) instance(s) cannot be sent in the transfer syntax asked for without a lossy or unavailable conversion (stored as \(first.transferSyntaxUID ?? "unknown")); ask for transfer-syntax=*"
            )
        }
        try await audit(
            instance != nil ? "retrieve-instance" : series != nil ? "retrieve-series" : "retrieve-study", study: study,
            context: context)
        let multipart = MultipartRelated(type: "application/dicom")
        let files = self.files
        let body = ResponseBody { writer in
            for stored in found {
                let syntax: String
                let source: StoredInstanceFile
                var copyPath: String?
                switch wanted {
                case .syntax(let wantedSyntax)
                where wantedSyntax != (stored.transferSyntaxUID ?? TransferSyntax.implicitVRLittleEndian):
                    let path = files.temporaryCopyPath(stored)
                    try await Self.blocking {
                        try files.file(stored).writeUncompressedCopy(transferSyntaxUID: wantedSyntax, to: path)
                    }
                    copyPath = path
                    source = StoredInstanceFile(
                        folder: try Folder(path: files.conversionFolder), path: (path as NSString).lastPathComponent)
                    syntax = wantedSyntax
                default:
                    source = try files.file(stored)
                    syntax = stored.transferSyntaxUID ?? TransferSyntax.implicitVRLittleEndian
                }
                defer { if let copyPath { unlink(copyPath) } }
                try await writer.write(
                    multipart.partHeader(contentType: "application/dicom; transfer-syntax=\(syntax)"))
                try await Self.stream(source, to: &writer)
                try await writer.write(multipart.partEnd)
            }
            try await writer.write(multipart.closing)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: multipart.contentType], body: body)
    }

    /// Streams a file's bytes in 1 MiB chunks read on the thread pool straight into the buffers
    /// written, the next chunk read while the last is being written. A client that goes away ends it
    /// (the write throws); the descriptor is closed once no read is left in flight.
    static func stream(_ file: StoredInstanceFile, to writer: inout any ResponseBodyWriter) async throws {
        let descriptor = file.folder.openForReading(file.path)
        guard descriptor >= 0 else {
            throw DICOMwebError.file(
                DICOMReadError(
                    code: errno == ENOENT ? .notFound : .unreadable, path: file.path,
                    detail: String(cString: strerror(errno))))
        }
        let path = file.path
        var pending: Task<ByteBuffer, any Error>? = Task { try await readChunk(descriptor, at: 0, path: path) }
        var offset: off_t = 0
        do {
            while let reading = pending {
                let chunk = try await reading.value
                pending = nil
                if chunk.readableBytes == 0 { break }
                offset += off_t(chunk.readableBytes)
                let next = offset
                pending = Task { try await readChunk(descriptor, at: next, path: path) }
                try await writer.write(chunk)
            }
        } catch {
            _ = try? await pending?.value
            close(descriptor)
            throw error
        }
        close(descriptor)
    }

    /// Up to 1 MiB of the file at `offset`, read on the thread pool; empty at its end.
    private static func readChunk(_ descriptor: Int32, at offset: off_t, path: String) async throws -> ByteBuffer {
        let chunkSize = 1 << 20
        return try await blocking { () throws -> ByteBuffer in
            var buffer = ByteBufferAllocator().buffer(capacity: chunkSize)
            var failure: Int32 = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: chunkSize) { bytes in
                var count: Int
                repeat {
                    count = pread(descriptor, bytes.baseAddress, chunkSize, offset)
                } while count < 0 && errno == EINTR
                if count < 0 { failure = errno }
                return max(0, count)
            }
            guard failure == 0 else {
                throw DICOMwebError.file(
                    DICOMReadError(code: .unreadable, path: path, detail: String(cString: strerror(failure))))
            }
            return buffer
        }
    }
}
