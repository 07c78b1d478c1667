// The reference reader of Scripts/bench: DCMTK used directly, as a careful C++ programmer would,
// one thread, no catalog. For each path on stdin it loads the header (loadFileUntilTag, stopping
// at Pixel Data) and copies out the same ~25 attributes the intake reads. Prints the file count,
// the seconds spent and the files per second.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/oflog/oflog.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

int main() {
    // Quiet, as a batch reader would run: DCMTK warns once per file that it stopped at Pixel Data.
    OFLog::configure(OFLogger::ERROR_LOG_LEVEL);
    const DcmTagKey keys[] = {
        DCM_PatientName, DCM_PatientID, DCM_IssuerOfPatientID, DCM_PatientBirthDate, DCM_PatientSex,
        DCM_StudyInstanceUID, DCM_StudyDate, DCM_StudyTime, DCM_AccessionNumber, DCM_StudyDescription,
        DCM_SeriesInstanceUID, DCM_SeriesNumber, DCM_Modality, DCM_SeriesDescription, DCM_ProtocolName,
        DCM_BodyPartExamined, DCM_Manufacturer, DCM_SliceThickness, DCM_RepetitionTime, DCM_EchoTime,
        DCM_ImageOrientationPatient, DCM_SOPClassUID, DCM_SOPInstanceUID, DCM_InstanceNumber,
        DCM_ImagePositionPatient, DCM_ImageType, DCM_Rows, DCM_Columns,
    };
    std::vector<std::string> paths;
    for (std::string line; std::getline(std::cin, line);) {
        if (!line.empty()) paths.push_back(line);
    }
    const auto start = std::chrono::steady_clock::now();
    size_t read = 0;
    size_t values = 0;
    for (const std::string &path : paths) {
        DcmFileFormat file;
        if (file.loadFileUntilTag(path.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect,
                                  DCM_PixelData).bad()) {
            continue;
        }
        DcmDataset *dataset = file.getDataset();
        for (const DcmTagKey &key : keys) {
            OFString value;
            if (dataset->findAndGetOFStringArray(key, value).good()) values += value.size() > 0;
        }
        ++read;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%zu %.3f %.0f %zu\n", read, seconds, read / seconds, values);
    return 0;
}
