import DICOM

/// What a WADO-RS client's Accept header asks for (PS3.18 8.7.3), read leniently: the first media
/// range the server can serve wins. The stored bytes go out unchanged when the client takes the
/// stored transfer syntax or `*`; otherwise an uncompressed copy made with DCMTK, never a lossy one.
enum TransferSyntaxNegotiation {
    /// How instances or frames are to be sent.
    enum Wanted: Equatable, Sendable {
        /// As stored, whatever the transfer syntax.
        case asStored
        /// In this transfer syntax: stored bytes when they are in it, else a converted copy.
        case syntax(String)
    }

    /// Stored transfer syntaxes whose pixel data DCMTK decodes here (not JPEG 2000, not video).
    static let decodable: Set<String> = TransferSyntax.uncompressed.union([
        TransferSyntax.deflatedExplicitVRLittleEndian,
        "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70",
        "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.5",
    ])

    /// For whole instances (`multipart/related; type="application/dicom"`). No transfer syntax
    /// named means Explicit VR Little Endian, the standard's default. Nil: nothing acceptable.
    static func instances(accept: [MediaRange]) -> Wanted? {
        for range in accept {
            switch range.type {
            case "multipart/related":
                let type = range.parameter("type")?.lowercased() ?? "application/dicom"
                guard type == "application/dicom" || type == "*/*" else { continue }
                if let wanted = wanted(range.parameter("transfer-syntax")) { return wanted }
            case "*/*", "multipart/*":
                return .syntax(TransferSyntax.explicitVRLittleEndian)
            default:
                continue
            }
        }
        return nil
    }

    /// For frames: `transfer-syntax=*` or `type="*/*"` take the stored bytes; a media type alone
    /// (`application/octet-stream`) means uncompressed Explicit VR Little Endian.
    static func frames(accept: [MediaRange]) -> Wanted? {
        for range in accept {
            switch range.type {
            case "multipart/related":
                let type = range.parameter("type")?.lowercased() ?? "application/octet-stream"
                if type == "*/*" { return .asStored }
                guard frameTypes.contains(type) else { continue }
                let syntax = range.parameter("transfer-syntax")
                if syntax == nil, type != "application/octet-stream" { return .asStored }
                if let wanted = wanted(syntax) { return wanted }
            case "*/*", "multipart/*":
                return .asStored
            default:
                continue
            }
        }
        return nil
    }

    /// Whether an instance stored in `stored` can be sent as `wanted`.
    static func canDeliver(stored: String?, as wanted: Wanted) -> Bool {
        switch wanted {
        case .asStored: return true
        case .syntax(let syntax):
            let stored = stored ?? TransferSyntax.implicitVRLittleEndian
            return syntax == stored || (TransferSyntax.uncompressed.contains(syntax) && decodable.contains(stored))
        }
    }

    /// The media type of a frame part in transfer syntax `syntax` (PS3.18 Table 8.7.3-2).
    static func frameMediaType(_ syntax: String) -> String {
        switch syntax {
        case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70":
            "image/jpeg"
        case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81": "image/jls"
        case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91": "image/jp2"
        case "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93": "image/jpx"
        case "1.2.840.10008.1.2.5": "image/dicom-rle"
        default: "application/octet-stream"
        }
    }

    private static let frameTypes: Set<String> = [
        "application/octet-stream", "image/jpeg", "image/jls", "image/jp2", "image/jpx", "image/dicom-rle",
    ]

    private static func wanted(_ syntax: String?) -> Wanted? {
        guard let syntax, !syntax.isEmpty else { return .syntax(TransferSyntax.explicitVRLittleEndian) }
        if syntax == "*" { return .asStored }
        return UIDSyntax.isWellFormed(syntax) ? .syntax(syntax) : nil
    }
}
