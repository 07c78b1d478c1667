/// The anatomical plane of a series' slices, from ImageOrientationPatient.
public enum SeriesPlane: String, Sendable, Hashable, CaseIterable {
    case sagittal, coronal, axial, oblique
}
