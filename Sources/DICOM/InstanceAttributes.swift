/// Instance-level attributes of one file.
public struct InstanceAttributes: Sendable, Hashable {
    public var sopClassUID: String?
    public var sopInstanceUID: String?
    public var instanceNumber: Int?
    /// Millimetres, three numbers.
    public var imagePositionPatient: [Double]?
    public var imageType: [String]?
    public var rows: Int?
    public var columns: Int?
    public var numberOfFrames: Int?
    public var acquisitionDate: String?
    public var acquisitionTime: String?
    public var imageComments: String?
}
