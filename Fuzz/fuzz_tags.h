// Shared by the fuzz targets: write the input where the shim can open it by path, and fetch
// attributes the way the Swift reader does (strings, every numeric value, sequence items).
#ifndef FUZZ_TAGS_H
#define FUZZ_TAGS_H

#include "cdcmtk.h"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace fuzz {

// The reader's defaults (DICOMReader.Limits) and stop tags (DICOMReader.swift).
constexpr cdcmtk_read_limits kLimits = {32u << 20, 32};
constexpr cdcmtk_tag kAfterSingleFrameAttributes = {0x0028, 0x0012};
constexpr cdcmtk_tag kPixelData = {0x7FE0, 0x0010};
constexpr cdcmtk_tag kEndOfDataset = {0xFFFF, 0xFFFF};

// The input as a regular file: the shim reads files by path (O_NOFOLLOW, fstat, pread).
inline std::string write_input(const uint8_t *data, size_t size) {
    static const std::string path = [] {
        const char *directory = std::getenv("TMPDIR");
        return std::string(directory ? directory : "/tmp") + "/studyintake-fuzz-" +
               std::to_string(::getpid()) + ".dcm";
    }();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) std::abort();
    size_t written = 0;
    while (written < size) {
        const ssize_t result = ::write(fd, data + written, size - written);
        if (result <= 0) std::abort();
        written += static_cast<size_t>(result);
    }
    ::close(fd);
    return path;
}

inline void initialize() {
    static const bool ready = [] {
        cdcmtk_error *error = nullptr;
        if (!cdcmtk_initialize(nullptr, &error)) {
            std::fprintf(stderr, "DCMTK: %s\n", cdcmtk_error_get_message(error));
            std::abort();
        }
        return true;
    }();
    (void)ready;
}

// Every value of one attribute, as DatasetItem reads it; the sum keeps the reads observable.
inline size_t touch(cdcmtk_item *item, cdcmtk_tag tag) {
    size_t observed = 0;
    const char *bytes = nullptr;
    size_t length = 0;
    if (cdcmtk_item_get_string_bytes(item, tag, &bytes, &length) && bytes != nullptr && length > 0) {
        observed += static_cast<unsigned char>(bytes[0]) + static_cast<unsigned char>(bytes[length - 1]);
    }
    const unsigned long count = cdcmtk_item_value_count(item, tag);
    for (unsigned long index = 0; index < count && index < 16; ++index) {
        double value = 0;
        if (cdcmtk_item_get_number(item, tag, index, &value)) observed += value > 0;
    }
    return observed;
}

}  // namespace fuzz

#endif
