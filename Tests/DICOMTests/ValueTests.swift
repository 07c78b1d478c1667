import DICOM
import Testing

@Suite("Person names and image planes")
struct ValueTests {
    @Test("A person name keeps its three component groups")
    func personNameGroups() throws {
        let name = try #require(PersonName(dicomString: "Yamada^Tarou=山田^太郎=やまだ^たろう"))
        #expect(name.alphabetic.familyName == "Yamada")
        #expect(name.alphabetic.givenName == "Tarou")
        #expect(name.ideographic?.familyName == "山田")
        #expect(name.phonetic?.givenName == "たろう")
        #expect(name.dicomString == "Yamada^Tarou=山田^太郎=やまだ^たろう")
    }

    @Test("Trailing empty components and groups are dropped; an empty name is nil")
    func personNameNormalisation() throws {
        #expect(PersonName(dicomString: "DOE^JOHN^^^=")?.dicomString == "DOE^JOHN")
        #expect(PersonName(dicomString: "HOUSE^GREGORY^^DR")?.alphabetic.namePrefix == "DR")
        #expect(PersonName(dicomString: "^^=") == nil)
        #expect(PersonName(dicomString: "=山田^太郎")?.dicomString == "=山田^太郎")
    }

    @Test(
        "Planes from ImageOrientationPatient",
        arguments: [
            ([0.0, 1, 0, 0, 0, -1], ImagePlane.sagittal),
            ([1.0, 0, 0, 0, 1, 0], .axial),
            ([1.0, 0, 0, 0, 0, -1], .coronal),
            ([1.0, 0, 0, 0, 0.966, -0.259], .axial),  // 15° angled along a disc space
            ([1.0, 0, 0, 0, 0.5, -0.866], .coronal),  // 60° from axial, 30° from coronal
            ([1.0, 0, 0, 0, 0.707, -0.707], .oblique),  // halfway between axial and coronal
            ([0.0, 0.966, 0.259, 0, 0, -1], .sagittal),
        ])
    func plane(orientation: [Double], plane: ImagePlane) {
        #expect(ImagePlane(imageOrientationPatient: orientation) == plane)
    }

    @Test(
        "Orientations that are not two directions give no plane",
        arguments: [
            [Double](), [1, 0, 0, 0, 1], [1, 0, 0, 1, 0, 0], [.nan, 0, 0, 0, 1, 0],
        ])
    func noPlane(orientation: [Double]) {
        #expect(ImagePlane(imageOrientationPatient: orientation) == nil)
    }
}
