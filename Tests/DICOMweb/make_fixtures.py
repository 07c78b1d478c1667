"""Writes a disc whose series hold one small CT image each in a different transfer syntax, for the
DICOMweb tests: the same pixels native (Explicit and Implicit VR Little Endian, Big Endian),
compressed by DCMTK's own tools (JPEG lossless, JPEG baseline, JPEG-LS, RLE), a multi-frame image
native and RLE-compressed, and an image labelled JPEG 2000, which DCMTK cannot decode here (its
fragment is not a real code stream: only its label matters).

Usage: make_fixtures.py OUTPUT_FOLDER
"""
import os
import subprocess
import sys

import numpy
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import ExplicitVRLittleEndian, JPEG2000Lossless, generate_uid

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
STUDY = "1.2.826.0.1.3680043.10.1470.1"


def image(series_number, description, frames=1, seed=0):
    """A 64x48 16-bit CT image (or `frames` of them) with a gradient and noise, Explicit VR LE: the
    same pixels in every series of as many frames."""
    rows, columns = 48, 64
    generator = numpy.random.default_rng(seed)
    base = numpy.add.outer(numpy.arange(rows) * 20, numpy.arange(columns) * 7).astype(numpy.int32)
    pixels = numpy.stack([base + generator.integers(0, 50, (rows, columns)) + 100 * f for f in range(frames)])
    pixels = pixels.astype(numpy.uint16)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CT_IMAGE
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = CT_IMAGE
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyDate = "20230611"
    ds.StudyTime = "101500"
    ds.AccessionNumber = "TS-FIXTURES"
    ds.Modality = "CT"
    ds.ReferringPhysicianName = ""
    ds.StudyDescription = "CT CERVICAL SPINE TRANSFER SYNTAXES"
    ds.SeriesDescription = description
    ds.PatientName = "MÜLLER^RENÉ"
    ds.PatientID = "TS-4711"
    ds.PatientBirthDate = "19580203"
    ds.PatientSex = "M"
    ds.BodyPartExamined = "CSPINE"
    ds.StudyInstanceUID = STUDY
    ds.SeriesInstanceUID = f"{STUDY}.{series_number}"
    ds.StudyID = "1"
    ds.SeriesNumber = series_number
    ds.InstanceNumber = 1
    ds.ImagePositionPatient = [0, 0, -series_number]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [0.5, 0.5]
    ds.SliceThickness = 1
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = rows
    ds.Columns = columns
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.WindowCenter = 700
    ds.WindowWidth = 1400
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    # Binary values besides the pixels, which metadata lists as BulkDataURIs: a private OB, and an
    # overlay plane (OW); and one inside a sequence, which stays inline.
    ds.add_new(0x00090010, "LO", "STUDYINTAKE TEST")
    ds.add_new(0x00091010, "OB", bytes(range(1, 17)))
    ds.add_new(0x60000010, "US", rows)
    ds.add_new(0x60000011, "US", columns)
    ds.add_new(0x60000040, "CS", "G")
    ds.add_new(0x60000050, "SS", [1, 1])
    ds.add_new(0x60000100, "US", 1)
    ds.add_new(0x60000102, "US", 0)
    # The overlay draws a line across the third row.
    overlay = bytearray(rows * columns // 8)
    overlay[2 * columns // 8:3 * columns // 8] = b"\xff" * (columns // 8)
    ds.add_new(0x60003000, "OW", bytes(overlay))
    icon = Dataset()
    icon.Rows = icon.Columns = 2
    icon.SamplesPerPixel = 1
    icon.PhotometricInterpretation = "MONOCHROME2"
    icon.BitsAllocated = icon.BitsStored = 8
    icon.HighBit = 7
    icon.PixelRepresentation = 0
    icon.PixelData = bytes([0, 64, 128, 255])
    ds.IconImageSequence = [icon]
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.PixelData = pixels.tobytes()
    return ds


def main():
    output = sys.argv[1]
    folder = os.path.join(output, "DICOM")
    os.makedirs(folder, exist_ok=True)
    # (series number, description, frames, DCMTK command that makes it from the Explicit VR LE copy)
    series = [
        (1, "EXPLICIT LITTLE", 1, None),
        (2, "IMPLICIT LITTLE", 1, ["dcmconv", "+ti"]),
        (3, "EXPLICIT BIG", 1, ["dcmconv", "+tb"]),
        (4, "JPEG LOSSLESS", 1, ["dcmcjpeg", "+e1"]),
        (5, "JPEG BASELINE", 1, ["dcmcjpeg", "+eb"]),
        (6, "JPEG-LS LOSSLESS", 1, ["dcmcjpls", "+el"]),
        (7, "RLE", 1, ["dcmcrle"]),
        (8, "MULTIFRAME NATIVE", 3, None),
        (9, "MULTIFRAME RLE", 3, ["dcmcrle"]),
        (10, "JPEG 2000", 1, "j2k"),
    ]
    for number, description, frames, command in series:
        ds = image(number, description, frames=frames)
        path = os.path.join(folder, f"IM{number:04d}")
        if command == "j2k":
            ds.file_meta.TransferSyntaxUID = JPEG2000Lossless
            ds.PixelData = encapsulate([b"\xff\x4f\xff\x51" + bytes(60)])
            ds["PixelData"].VR = "OB"
            ds.save_as(path, enforce_file_format=True)
            continue
        if command is None:
            ds.save_as(path, enforce_file_format=True)
            continue
        source = path + ".source"
        ds.save_as(source, enforce_file_format=True)
        subprocess.run(command + [source, path], check=True)
        os.remove(source)


if __name__ == "__main__":
    main()
