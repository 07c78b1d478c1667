internal import CDCMTK

#if canImport(Glibc)
    import Glibc
#endif

/// A stored file as the DICOMweb server reads it: its whole header in the DICOM JSON model, the
/// bytes of one frame, a copy in an uncompressed transfer syntax. Opened below the folder that holds
/// it (the store, or a drop cataloged in place), through no symbolic link.
public struct StoredInstanceFile: Sendable {
    public let folder: Folder
    /// Relative to `folder`.
    public let path: String

    public init(folder: Folder, path: String) {
        self.folder = folder
        self.path = path
    }

    /// One frame's bytes as stored, and the transfer syntax they are in.
    public struct Frame: Sendable {
        public var bytes: [UInt8]
        public var transferSyntaxUID: String
    }

    private static let wholeFile = DICOMReader.Limits(maxHeaderBytes: Int64.max, maxSequenceDepth: 64)

    /// For frames: the header as for `json`, and then the pixel data, whatever its size.
    private static var frameLimits: DICOMReader.Limits {
        var limits = headerLimits
        limits.maxHeaderBytes = Int64.max
        return limits
    }

    private static var headerLimits: DICOMReader.Limits {
        var limits = DICOMReader.Limits(maxSequenceDepth: 64)
        limits.decodesEveryElement = true
        return limits
    }

    /// Every attribute of the header (private ones too) as one DICOM JSON object, every binary value
    /// (the pixel data too) as a BulkDataURI: `bulkDataPrefix` + its path, `TAG` at the top level,
    /// `TAG/ITEM/TAG…` inside sequences (eight hex digits a tag, items from 0).
    public func json(bulkDataPrefix: String) throws(DICOMReadError) -> [UInt8] {
        let file = try DICOMFile(path: path, in: folder, stopBefore: .pixelData, limits: Self.headerLimits)
        return try Self.takeBytes(of: file) { cdcmtk_file_json(file.handle, bulkDataPrefix, &$0, &$1, &$2) }
    }

    /// Frames `numbers` (from 1, in the order asked) as stored, from one parse of the file: byte
    /// ranges of native pixel data (labelled Explicit VR Little Endian when stored Implicit, the
    /// bytes being the same), or the fragments of encapsulated frames. Big Endian pixel data is
    /// refused (`unsupported`): its bytes differ.
    public func frames(_ numbers: [Int]) throws(DICOMReadError) -> [Frame] {
        for number in numbers where number < 1 || number > Int(UInt32.max) {
            throw DICOMReadError(code: .notFound, path: path, detail: "no frame \(number)")
        }
        let file = try DICOMFile(path: path, in: folder, stopBefore: .pixelData, limits: Self.frameLimits)
        let storedSyntax = file.transferSyntaxUID ?? TransferSyntax.implicitVRLittleEndian
        if cdcmtk_file_pixel_data_is_encapsulated(file.handle) {
            // On from the header already read: only the pixel data is read now.
            try file.reparse(stopBefore: .endOfDataset, limits: Self.frameLimits)
            return try numbers.map { (number: Int) throws(DICOMReadError) -> Frame in
                let bytes = try Self.takeBytes(of: file) {
                    cdcmtk_file_encapsulated_frame(file.handle, UInt32(number - 1), &$0, &$1, &$2)
                }
                return Frame(bytes: bytes, transferSyntaxUID: storedSyntax)
            }
        }
        guard storedSyntax != TransferSyntax.explicitVRBigEndian else {
            throw DICOMReadError(code: .unsupported, path: file.path, detail: "frames of Big Endian pixel data")
        }
        let ranges = try numbers.map { (number: Int) throws(DICOMReadError) -> (offset: UInt64, length: UInt64) in
            var offset: UInt64 = 0
            var length: UInt64 = 0
            var error: OpaquePointer?
            guard cdcmtk_file_native_frame_range(file.handle, UInt32(number - 1), &offset, &length, &error) else {
                throw DICOMReadError(consuming: error, path: file.path)
            }
            return (offset, length)
        }
        return try readBytes(ranges).map { Frame(bytes: $0, transferSyntaxUID: TransferSyntax.explicitVRLittleEndian) }
    }

    /// The value of the attribute at `attributePath` (`TAG`, or `TAG/ITEM/TAG…` inside sequences, items from
    /// 0: what the BulkDataURIs of `json` name) as little-endian bytes; `unsupported` for a sequence
    /// or the top-level encapsulated pixel data, `notFound` when there is none.
    public func value(at attributePath: String) throws(DICOMReadError) -> [UInt8] {
        let file = try DICOMFile(path: path, in: folder, stopBefore: .endOfDataset, limits: Self.wholeFile)
        return try Self.takeBytes(of: file) { cdcmtk_file_element_value(file.handle, attributePath, &$0, &$1, &$2) }
    }

    /// Every frame of encapsulated pixel data, as stored, read from one parse; nil when the pixel
    /// data is not encapsulated.
    public func encapsulatedFrames() throws(DICOMReadError) -> [Frame]? {
        let file = try DICOMFile(path: path, in: folder, stopBefore: .pixelData, limits: Self.frameLimits)
        guard cdcmtk_file_pixel_data_is_encapsulated(file.handle) else { return nil }
        let storedSyntax = file.transferSyntaxUID ?? TransferSyntax.implicitVRLittleEndian
        try file.reparse(stopBefore: .endOfDataset, limits: Self.frameLimits)
        var frames: [Frame] = []
        while true {
            let index = UInt32(frames.count)
            do {
                let bytes = try Self.takeBytes(of: file) {
                    cdcmtk_file_encapsulated_frame(file.handle, index, &$0, &$1, &$2)
                }
                frames.append(Frame(bytes: bytes, transferSyntaxUID: storedSyntax))
            } catch  where error.code == .notFound && !frames.isEmpty {
                return frames
            }
        }
    }

    /// How a rendered frame is encoded.
    public enum ImageFormat: Sendable {
        case jpeg, png
    }

    /// Frame `number` (from 1) as DCMTK's image library displays it: windowed as the header says
    /// (its first window, else its first VOI LUT, else the frame's range), scaled to fit `maxSize`
    /// pixels square (nil: as it is), encoded as JPEG or PNG. `unsupported` when DCMTK cannot decode
    /// the pixel data (JPEG 2000, say), `notFound` when there is no such frame.
    public func rendered(frame number: Int, maxSize: Int?, format: ImageFormat) throws(DICOMReadError) -> [UInt8] {
        let file = try DICOMFile(path: path, in: folder, stopBefore: .endOfDataset, limits: Self.wholeFile)
        let encoding = format == .png ? CDCMTK_IMAGE_PNG : CDCMTK_IMAGE_JPEG
        return try Self.takeBytes(of: file) {
            cdcmtk_file_render(
                file.handle, UInt32(max(0, number - 1)), UInt32(max(0, maxSize ?? 0)), encoding, &$0, &$1, &$2)
        }
    }

    /// Frame `number` rendered as `rendered` does, as gray pixels (color made gray), a smaller image
    /// scaled up to fit `maxSize` too.
    public func grayImage(frame number: Int, maxSize: Int?) throws(DICOMReadError) -> GrayImage {
        let file = try DICOMFile(path: path, in: folder, stopBefore: .endOfDataset, limits: Self.wholeFile)
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: UInt32 = 0
        var height: UInt32 = 0
        var error: OpaquePointer?
        guard
            cdcmtk_file_render_gray(
                file.handle, UInt32(max(0, number - 1)), UInt32(max(0, maxSize ?? 0)), &pixels, &width, &height, &error),
            let pixels
        else {
            throw DICOMReadError(consuming: error, path: file.path)
        }
        defer { cdcmtk_bytes_free(pixels) }
        return GrayImage(
            width: Int(width), height: Int(height),
            pixels: Array(UnsafeBufferPointer(start: pixels, count: Int(width) * Int(height))))
    }

    /// Writes a copy in `transferSyntaxUID` (an uncompressed one) to `outputPath`, a new file
    /// created owner-only. `unsupported` when DCMTK cannot decode the stored transfer syntax.
    public func writeUncompressedCopy(transferSyntaxUID: String, to outputPath: String) throws(DICOMReadError) {
        let file = try DICOMFile(path: path, in: folder, stopBefore: .endOfDataset, limits: Self.wholeFile)
        var error: OpaquePointer?
        guard cdcmtk_file_write_uncompressed(file.handle, transferSyntaxUID, outputPath, &error) else {
            throw DICOMReadError(consuming: error, path: file.path)
        }
    }

    /// The bytes a shim call hands out (released here), or its error.
    private static func takeBytes(
        of file: DICOMFile,
        _ call: (inout UnsafeMutablePointer<UInt8>?, inout Int, inout OpaquePointer?) -> Bool
    ) throws(DICOMReadError) -> [UInt8] {
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error: OpaquePointer?
        guard call(&bytes, &length, &error), let bytes else { throw DICOMReadError(consuming: error, path: file.path) }
        defer { cdcmtk_bytes_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }

    /// The bytes of each range, through one descriptor.
    private func readBytes(_ ranges: [(offset: UInt64, length: UInt64)]) throws(DICOMReadError) -> [[UInt8]] {
        let descriptor = folder.openForReading(path)
        guard descriptor >= 0 else {
            throw DICOMReadError(code: .unreadable, path: path, detail: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        return try ranges.map { (range) throws(DICOMReadError) -> [UInt8] in
            var bytes = [UInt8](repeating: 0, count: Int(range.length))
            var done = 0
            while done < bytes.count {
                let count = bytes.withUnsafeMutableBytes { buffer in
                    pread(
                        descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(range.offset) + off_t(done))
                }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    throw DICOMReadError(
                        code: count == 0 ? .truncated : .unreadable, path: path,
                        detail: count == 0 ? "the file ends inside the frame" : String(cString: strerror(errno)))
                }
                done += count
            }
            return bytes
        }
    }
}

/// Transfer syntax UIDs the server names.
public enum TransferSyntax {
    public static let implicitVRLittleEndian = "1.2.840.10008.1.2"
    public static let explicitVRLittleEndian = "1.2.840.10008.1.2.1"
    public static let deflatedExplicitVRLittleEndian = "1.2.840.10008.1.2.1.99"
    public static let explicitVRBigEndian = "1.2.840.10008.1.2.2"

    /// Uncompressed syntaxes, whose pixel data DCMTK can write from any syntax it decodes.
    public static let uncompressed: Set<String> = [implicitVRLittleEndian, explicitVRLittleEndian, explicitVRBigEndian]
}
