// libFuzzer target: one DICOMDIR read twice through the CDCMTK shim as DICOMReader.readDirectory
// reads it (up to group 0005): with its directory records parsed one at a time from the file's
// bytes (the default) and from the tree DCMTK builds when it decodes every element. Any
// difference in what DICOMDirectory.swift takes from the records (their number and order, their
// offsets, the links to the next and lower records, the record type, the referenced file's ID and
// UIDs) or in the file-set attributes aborts. A record the one-at-a-time read refuses for its
// nesting (more item starts than a parse may take on the caller's stack) is the one accepted
// difference: the whole parse takes such a file on a deeper stack.
#include "fuzz_tags.h"

#include <cstring>

namespace {

constexpr cdcmtk_tag kAfterDirectoryRecords = {0x0005, 0x0000};
constexpr cdcmtk_tag kFileSetAttributes[] = {{0x0004, 0x1130}, {0x0004, 0x1200}, {0x0008, 0x0005}};
constexpr cdcmtk_tag kRecordAttributes[] = {
    {0x0004, 0x1400}, {0x0004, 0x1410}, {0x0004, 0x1420}, {0x0004, 0x1430}, {0x0004, 0x1500},
    {0x0004, 0x1510}, {0x0004, 0x1511}, {0x0004, 0x1512}, {0x0008, 0x0060}, {0x0010, 0x0020},
    {0x0020, 0x000D}, {0x0020, 0x000E},
};
// DICOMTag.headerAttributes' group 0004 among the attributes a header reads: what DCMTK is handed.
constexpr cdcmtk_tag kWanted[] = {{0x0004, 0x1130}, {0x0004, 0x1200}, {0x0004, 0x1220}, {0x0008, 0x0005}};

void require(bool same, const char *what, cdcmtk_tag tag = {0, 0}) {
    if (same) return;
    std::fprintf(stderr, "fuzz_dicomdir: %s differs at (%04X,%04X)\n", what, tag.group, tag.element);
    std::abort();
}

void compare(cdcmtk_item *one, cdcmtk_item *other, const cdcmtk_tag *tags, size_t count) {
    for (size_t index = 0; index < count; ++index) {
        const cdcmtk_tag tag = tags[index];
        const char *oneBytes = nullptr, *otherBytes = nullptr;
        size_t oneLength = 0, otherLength = 0;
        const bool oneString = cdcmtk_item_get_string_bytes(one, tag, &oneBytes, &oneLength);
        require(oneString == cdcmtk_item_get_string_bytes(other, tag, &otherBytes, &otherLength) &&
                    oneLength == otherLength && (oneLength == 0 || std::memcmp(oneBytes, otherBytes, oneLength) == 0),
                "a string", tag);
        double oneValue = 0, otherValue = 0;
        const bool oneNumber = cdcmtk_item_get_number(one, tag, 0, &oneValue);
        require(oneNumber == cdcmtk_item_get_number(other, tag, 0, &otherValue) &&
                    (!oneNumber || oneValue == otherValue || (oneValue != oneValue && otherValue != otherValue)),
                "a number", tag);
    }
}

cdcmtk_file *open(const std::string &path, bool decode_every_element, cdcmtk_error_code &code) {
    cdcmtk_read_limits limits = fuzz::kLimits;
    limits.decode_every_element = decode_every_element;
    limits.wanted_tags = kWanted;
    limits.wanted_tag_count = sizeof kWanted / sizeof *kWanted;
    cdcmtk_error *error = nullptr;
    cdcmtk_file *file = cdcmtk_file_open(-1, path.c_str(), kAfterDirectoryRecords, limits, &error);
    code = error == nullptr ? static_cast<cdcmtk_error_code>(0) : cdcmtk_error_get_code(error);
    cdcmtk_error_free(error);
    return file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz::initialize();
    const std::string path = fuzz::write_input(data, size);
    cdcmtk_error_code oneCode{}, otherCode{};
    cdcmtk_file *one = open(path, false, oneCode);
    cdcmtk_file *other = open(path, true, otherCode);
    if (one != nullptr && other == nullptr && otherCode == CDCMTK_ERROR_LIMIT_EXCEEDED) {
        // Nesting past the limit: the whole parse refuses the file, the one-at-a-time read the
        // record that nests too deep.
        uint32_t offset = 0;
        cdcmtk_error *error = nullptr;
        while (cdcmtk_file_next_directory_record(one, &offset, &error) != nullptr) {}
        require(error != nullptr && cdcmtk_error_get_code(error) == CDCMTK_ERROR_LIMIT_EXCEEDED, "a limit");
        cdcmtk_error_free(error);
        cdcmtk_file_close(one);
        return 0;
    }
    require((one == nullptr) == (other == nullptr) && oneCode == otherCode, "whether the file was read");
    if (one == nullptr) return 0;
    compare(cdcmtk_file_dataset(one), cdcmtk_file_dataset(other), kFileSetAttributes,
            sizeof kFileSetAttributes / sizeof *kFileSetAttributes);
    while (true) {
        uint32_t oneOffset = 0, otherOffset = 0;
        cdcmtk_error *oneError = nullptr, *otherError = nullptr;
        cdcmtk_item *oneRecord = cdcmtk_file_next_directory_record(one, &oneOffset, &oneError);
        cdcmtk_item *otherRecord = cdcmtk_file_next_directory_record(other, &otherOffset, &otherError);
        const bool refusedNesting = oneError != nullptr && cdcmtk_error_get_code(oneError) == CDCMTK_ERROR_LIMIT_EXCEEDED;
        cdcmtk_error_free(oneError);
        cdcmtk_error_free(otherError);
        if (refusedNesting) break;
        require((oneRecord == nullptr) == (otherRecord == nullptr), "the number of records");
        if (oneRecord == nullptr) break;
        require(oneOffset == otherOffset, "a record's offset");
        compare(oneRecord, otherRecord, kRecordAttributes, sizeof kRecordAttributes / sizeof *kRecordAttributes);
    }
    cdcmtk_file_close(one);
    cdcmtk_file_close(other);
    return 0;
}
