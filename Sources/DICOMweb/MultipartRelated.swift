import Foundation
import Hummingbird
import NIOCore

/// The framing of a `multipart/related` answer (RFC 2387 as PS3.18 8.6.1.3 uses it): each part
/// `--BOUNDARY\r\nContent-Type: …\r\n\r\n` + bytes + `\r\n`, then `--BOUNDARY--\r\n`. The boundary
/// is a random UUID, so it does not occur in pixel data by chance.
struct MultipartRelated: Sendable {
    let boundary = "intake-" + UUID().uuidString
    /// The `type` parameter: the media type of the parts.
    let type: String

    var contentType: String { "multipart/related; type=\"\(type)\"; boundary=\(boundary)" }

    func partHeader(contentType: String) -> ByteBuffer {
        ByteBuffer(string: "--\(boundary)\r\nContent-Type: \(contentType)\r\n\r\n")
    }

    var partEnd: ByteBuffer { ByteBuffer(string: "\r\n") }
    var closing: ByteBuffer { ByteBuffer(string: "--\(boundary)--\r\n") }

    /// A whole answer of parts already in memory (frames, rendered images, bulk data): each part's
    /// media type and bytes, framed, with the answer's Content-Type.
    func response(_ parts: [(contentType: String, bytes: [UInt8])]) -> Response {
        var body = ByteBuffer()
        for part in parts {
            body.writeImmutableBuffer(partHeader(contentType: part.contentType))
            body.writeBytes(part.bytes)
            body.writeImmutableBuffer(partEnd)
        }
        body.writeImmutableBuffer(closing)
        return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: body))
    }
}
