import DICOM
import Foundation
import StudyCatalog

/// The completeness rules: gaps in a series, counts against the DICOMDIR.
extension SubmissionAssembly {
    /// `series-gap` (missing InstanceNumbers, or slices spaced irregularly along the slice normal)
    /// and `series-count-mismatch` (the DICOMDIR lists another number of images than arrived).
    func completenessFindings() -> [Finding] {
        var result: [Finding] = []
        for series in seriesOrder {
            let slices = seriesSlices[series] ?? []
            let numbers = Set(slices.compactMap(\.instanceNumber)).sorted()
            if let first = numbers.first, let last = numbers.last, last - first + 1 > numbers.count,
                last - first < 100_000
            {
                let missing = Set(first...last).subtracting(numbers).sorted()
                let shown =
                    missing.prefix(5).map(String.init).joined(separator: ", ") + (missing.count > 5 ? ", …" : "")
                result.append(
                    Finding(
                        severity: .warning, code: "series-gap",
                        message: "InstanceNumber \(shown) missing (\(missing.count) of \(last - first + 1))",
                        uid: series))
            }
            let orientation = seriesHeaders[series]?.series.imageOrientationPatient
            if let spacing = Self.irregularSpacing(slices, orientation: orientation) {
                result.append(Finding(severity: .warning, code: "series-gap", message: spacing, uid: series))
            }
            if let listed = listedPerSeries[series], listed != slices.count {
                result.append(
                    Finding(
                        severity: .warning, code: "series-count-mismatch",
                        message: "the DICOMDIR lists \(listed) images, \(slices.count) files arrived", uid: series))
            }
        }
        return result
    }

    /// A description of the largest jump between neighbouring slices when it is over 1.5 times the
    /// usual spacing, along the normal of the series' (first image's) `orientation`; nil for regular
    /// stacks, multi-frame images and series of fewer than 3 slices.
    static func irregularSpacing(_ slices: [Slice], orientation: [Double]?) -> String? {
        guard slices.count >= 3, slices.allSatisfy({ $0.frames == 1 }), let orientation, orientation.count == 6
        else { return nil }
        let normal = SIMD3(
            orientation[1] * orientation[5] - orientation[2] * orientation[4],
            orientation[2] * orientation[3] - orientation[0] * orientation[5],
            orientation[0] * orientation[4] - orientation[1] * orientation[3])
        let distances = slices.compactMap { slice in
            slice.position.map { ($0 * normal).sum() }
        }.sorted()
        guard distances.count == slices.count else { return nil }
        let gaps = zip(distances.dropFirst(), distances).map { $0 - $1 }.filter { $0 > 0.01 }
        guard gaps.count >= 2 else { return nil }
        let usual = gaps.sorted()[gaps.count / 2]
        guard let widest = gaps.max(), widest > 1.5 * usual else { return nil }
        return String(format: "slices are %.1f mm apart where the series is spaced %.1f mm", widest, usual)
    }
}
