/// The anatomical plane of an image, from (0020,0037) Image Orientation (Patient).
public enum ImagePlane: String, Sendable, Hashable, Codable {
    case sagittal
    case coronal
    case axial
    case oblique

    /// How closely the slice normal must follow a patient axis to name the plane: cos 35°. Cervical
    /// axials are routinely angled 10–25° along the disc spaces and are still read as axial.
    static let axisAlignment = 0.82

    /// The plane whose axis the slice normal (row × column direction cosines) follows; nil when the
    /// orientation is not six finite numbers forming two unit-length, orthogonal directions.
    public init?(imageOrientationPatient values: [Double]) {
        guard values.count == 6, values.allSatisfy(\.isFinite) else { return nil }
        let row = (values[0], values[1], values[2])
        let column = (values[3], values[4], values[5])
        let normal = (
            row.1 * column.2 - row.2 * column.1,
            row.2 * column.0 - row.0 * column.2,
            row.0 * column.1 - row.1 * column.0
        )
        let length = (normal.0 * normal.0 + normal.1 * normal.1 + normal.2 * normal.2).squareRoot()
        guard length > 0.5 else { return nil }
        let (x, y, z) = (abs(normal.0) / length, abs(normal.1) / length, abs(normal.2) / length)
        if x >= Self.axisAlignment {
            self = .sagittal
        } else if y >= Self.axisAlignment {
            self = .coronal
        } else if z >= Self.axisAlignment {
            self = .axial
        } else {
            self = .oblique
        }
    }
}
