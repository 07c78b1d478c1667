// Shared by the fuzz targets: write the input where the shim can open it by path, and fetch
// attributes the way the Swift reader does (strings, every numeric value, sequence items).
#ifndef FUZZ_TAGS_H
#define FUZZ_TAGS_H

#include "cdcmtk.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace fuzz {

constexpr cdcmtk_tag kAfterSingleFrameAttributes = {0x0028, 0x0012};
constexpr cdcmtk_tag kPixelData = {0x7FE0, 0x0010};
constexpr cdcmtk_tag kEndOfDataset = {0xFFFF, 0xFFFF};

// Every attribute the Swift reader fetches (DICOMTag.swift), and the sequences it descends into.
inline constexpr cdcmtk_tag kAttributes[] = {
    {0x0002, 0x0002}, {0x0002, 0x0003}, {0x0002, 0x0010}, {0x0008, 0x0005}, {0x0008, 0x0008},
    {0x0008, 0x0016}, {0x0008, 0x0018}, {0x0008, 0x0020}, {0x0008, 0x0022}, {0x0008, 0x0030},
    {0x0008, 0x0032}, {0x0008, 0x0050}, {0x0008, 0x0060}, {0x0008, 0x0070}, {0x0008, 0x0080},
    {0x0008, 0x0090}, {0x0008, 0x1030}, {0x0008, 0x103E}, {0x0008, 0x1090}, {0x0010, 0x0010},
    {0x0010, 0x0020}, {0x0010, 0x0021}, {0x0010, 0x0030}, {0x0010, 0x0040}, {0x0018, 0x0015},
    {0x0018, 0x0020}, {0x0018, 0x0050}, {0x0018, 0x0080}, {0x0018, 0x0081}, {0x0018, 0x0087},
    {0x0018, 0x0088}, {0x0018, 0x1030}, {0x0018, 0x1210}, {0x0018, 0x9082}, {0x0020, 0x000D},
    {0x0020, 0x000E}, {0x0020, 0x0010}, {0x0020, 0x0011}, {0x0020, 0x0013}, {0x0020, 0x0032},
    {0x0020, 0x0037}, {0x0020, 0x0060}, {0x0020, 0x4000}, {0x0028, 0x0008}, {0x0028, 0x0010},
    {0x0028, 0x0011}, {0x0028, 0x0030},
};

inline constexpr cdcmtk_tag kSequences[] = {
    {0x5200, 0x9229}, {0x5200, 0x9230}, {0x0020, 0x9113}, {0x0020, 0x9116},
    {0x0028, 0x9110}, {0x0018, 0x9112}, {0x0018, 0x9114},
};

constexpr uint32_t key(const cdcmtk_tag &tag) { return uint32_t(tag.group) << 16 | tag.element; }

// Both, in ascending order: the top-level attributes the reader hands DCMTK (DICOMTag.headerAttributes
// without group 0004's, which fuzz_dicomdir asks for).
template <size_t A, size_t B>
constexpr std::array<cdcmtk_tag, A + B> ascending_union(const cdcmtk_tag (&one)[A], const cdcmtk_tag (&other)[B]) {
    std::array<cdcmtk_tag, A + B> all{};
    for (size_t index = 0; index < A + B; ++index) {
        cdcmtk_tag tag = index < A ? one[index] : other[index - A];
        size_t at = index;
        for (; at > 0 && key(all[at - 1]) > key(tag); --at) all[at] = all[at - 1];
        all[at] = tag;
    }
    return all;
}
inline constexpr auto kWanted = ascending_union(kAttributes, kSequences);

// The reader's defaults (DICOMReader.Limits): only the wanted attributes handed to DCMTK.
constexpr cdcmtk_read_limits kLimits = {32u << 20, 32, false, kWanted.data(), kWanted.size()};

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
