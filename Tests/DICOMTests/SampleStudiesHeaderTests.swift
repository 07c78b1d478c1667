import DICOM
import Testing

@Suite("Headers of every sample file")
struct SampleStudiesHeaderTests {
    @Test("The manifest lists the sample discs")
    func manifestIsPresent() {
        #expect(SampleStudies.manifest.files.count >= 100)
        #expect(SampleStudies.manifest.errors.count >= 6)
        #expect(SampleStudies.manifest.damaged.count >= 1)
    }

    @Test("Values equal what the generator wrote", arguments: SampleStudies.manifest.files)
    func valuesMatchGenerator(expected: SampleStudies.ExpectedFile) throws {
        let header = try DICOMReader().readHeader(at: SampleStudies.path(expected.path))
        #expect(header.fileMeta.transferSyntaxUID == expected.TransferSyntaxUID)
        #expect(header.fileMeta.hasPreamble == expected.hasPreamble)
        #expect(header.fileMeta.hasMetaGroup == expected.hasMetaGroup)
        #expect(header.instance.sopClassUID == expected.SOPClassUID)
        #expect(header.instance.sopInstanceUID == expected.SOPInstanceUID)
        #expect(header.study.studyInstanceUID == expected.StudyInstanceUID)
        #expect(header.series.seriesInstanceUID == expected.SeriesInstanceUID)
        #expect(header.series.modality == expected.Modality)
        #expect(header.series.seriesNumber == expected.SeriesNumber)
        #expect(header.instance.instanceNumber == expected.InstanceNumber)
        #expect(header.patient.patientID == expected.PatientID)
        #expect(header.patient.patientName?.dicomString == expected.PatientName)
        #expect(header.series.seriesDescription == expected.SeriesDescription)
        #expect(header.instance.rows == expected.Rows)
        if let description = expected.StudyDescription {
            #expect(header.study.studyDescription == description)
        }
        #expect(header.series.sliceThickness == expected.SliceThickness)
        #expect(header.series.repetitionTime == expected.RepetitionTime)
        #expect(header.series.plane?.rawValue == expected.plane)
        #expect(header.charsetSuspects.map(\.keyword).sorted() == expected.charsetSuspects)
    }

    @Test("Files that are not readable DICOM give the right typed error", arguments: SampleStudies.manifest.errors)
    func errorsMatchGenerator(expected: SampleStudies.ExpectedError) {
        let path = SampleStudies.path(expected.path)
        #expect {
            try DICOMReader().readHeader(at: path)
        } throws: { error in
            guard let error = error as? DICOMReadError else { return false }
            return error.code.rawValue == expected.errorCode && error.path == path
        }
    }

    @Test("Damaged files are read up to the damage, which they name", arguments: SampleStudies.manifest.damaged)
    func damagedMatchGenerator(expected: SampleStudies.ExpectedDamage) throws {
        let header = try DICOMReader().readHeader(at: SampleStudies.path(expected.path))
        #expect(header.readIssues.map(\.kind.rawValue) == [expected.readIssue])
        #expect(header.patient.patientID == expected.PatientID)
    }

    @Test("Absent or empty attributes are nil, never empty strings")
    func absentIsNil() throws {
        let header = try DICOMReader().readHeader(at: SampleStudies.path("CHARSETS/UTF8.dcm"))
        #expect(header.study.referringPhysicianName == nil)  // written with an empty value
        #expect(header.series.laterality == nil)  // not written at all
        #expect(header.patient.issuerOfPatientID == nil)
        #expect(header.instance.imageComments == nil)
    }

    @Test("Raw bytes of a suspect value are kept")
    func suspectKeepsRawBytes() throws {
        let header = try DICOMReader().readHeader(at: SampleStudies.path("CHARSETS/CP1252.dcm"))
        let suspect = try #require(header.charsetSuspects.first { $0.keyword == "PatientName" })
        #expect(suspect.reason == .c1ControlCharacters)
        #expect(suspect.rawBytes == Array("O".utf8) + [0x92] + Array("BRIEN^SE".utf8) + [0xC1] + Array("N".utf8))
    }

    @Test("Enhanced multi-frame geometry and timing come from the functional groups")
    func enhancedMultiFrame() throws {
        let header = try DICOMReader().readHeader(at: SampleStudies.path("ENCODINGS/ENHANCED_MR.dcm"))
        #expect(header.instance.numberOfFrames == 3)
        #expect(header.series.plane == .sagittal)
        #expect(header.series.echoTime == 98)
        #expect(header.instance.imagePositionPatient == [0, -100, 100])
    }
}
