/// Series-level attributes of one file. For enhanced multi-frame images, geometry and timing come
/// from the shared (else the first per-frame) functional groups when absent at the top level.
public struct SeriesAttributes: Sendable, Hashable {
    public var seriesInstanceUID: String?
    public var seriesNumber: Int?
    public var modality: String?
    public var seriesDescription: String?
    public var protocolName: String?
    public var bodyPartExamined: String?
    public var laterality: String?
    public var manufacturer: String?
    public var manufacturerModelName: String?
    /// Tesla.
    public var magneticFieldStrength: Double?
    /// Millimetres.
    public var sliceThickness: Double?
    /// Millimetres.
    public var spacingBetweenSlices: Double?
    public var convolutionKernel: [String]?
    public var scanningSequence: [String]?
    /// Milliseconds.
    public var repetitionTime: Double?
    /// Milliseconds.
    public var echoTime: Double?
    /// Row and column direction cosines, six numbers.
    public var imageOrientationPatient: [Double]?

    /// The plane the orientation describes.
    public var plane: ImagePlane? { imageOrientationPatient.flatMap(ImagePlane.init(imageOrientationPatient:)) }
}
