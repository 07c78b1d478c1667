internal import CDCMTK

/// 8-bit gray pixels, row by row: a rendered frame, or a contact sheet of them.
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, filledWith value: UInt8 = 0) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: value, count: width * height)
    }

    init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// Copies `image` in with its top left corner at (`x`, `y`), clipped to this image.
    public mutating func draw(_ image: GrayImage, atX x: Int, y: Int) {
        for row in 0..<image.height where y + row >= 0 && y + row < height {
            for column in 0..<image.width where x + column >= 0 && x + column < width {
                self[x + column, y + row] = image[column, row]
            }
        }
    }

    /// Fills a rectangle, clipped to this image.
    public mutating func fill(x: Int, y: Int, width rectWidth: Int, height rectHeight: Int, with value: UInt8) {
        for row in max(0, y)..<min(height, y + rectHeight) {
            for column in max(0, x)..<min(width, x + rectWidth) { self[column, row] = value }
        }
    }

    /// The image as a PNG file's bytes, encoded by DCMTK's image library.
    public func png() throws(DICOMReadError) -> [UInt8] {
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error: OpaquePointer?
        let encoded = pixels.withUnsafeBufferPointer { buffer in
            cdcmtk_gray_png(buffer.baseAddress!, UInt32(width), UInt32(height), &bytes, &length, &error)
        }
        guard encoded, let bytes else { throw DICOMReadError(consuming: error, path: "contact sheet") }
        defer { cdcmtk_bytes_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }
}
