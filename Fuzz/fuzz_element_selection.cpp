// libFuzzer target: one input read twice through the CDCMTK shim, with DCMTK handed only the
// attributes the reader wants (the element walk stepping over private groups and the rest: the
// default) and with DCMTK decoding every element; any difference in what the Swift reader would
// see (an error's code, an attribute's bytes or numbers, a sequence's items, the bytes the header
// digest covers, the read issues) aborts.
#include "fuzz_tags.h"

#include <cstring>

namespace {

struct Reading {
    cdcmtk_file *file = nullptr;
    cdcmtk_error_code error = static_cast<cdcmtk_error_code>(0);

    Reading(const std::string &path, bool decode_every_element) {
        cdcmtk_read_limits limits = fuzz::kLimits;
        limits.decode_every_element = decode_every_element;
        cdcmtk_error *failure = nullptr;
        // As DICOMReader.readHeader: up to (0028,0012), then (for any class) up to Pixel Data.
        file = cdcmtk_file_open(-1, path.c_str(), fuzz::kAfterSingleFrameAttributes, limits, &failure);
        if (file != nullptr && !cdcmtk_file_reparse(file, fuzz::kPixelData, limits, &failure)) {
            cdcmtk_file_close(file);
            file = nullptr;
        }
        if (failure != nullptr) {
            error = cdcmtk_error_get_code(failure);
            cdcmtk_error_free(failure);
        }
    }
    ~Reading() { cdcmtk_file_close(file); }
};

// Aborts (a finding for libFuzzer) when the two readings differ, saying where.
void require(bool same, const char *what, cdcmtk_tag tag = {0, 0}) {
    if (same) return;
    std::fprintf(stderr, "fuzz_element_selection: %s differs at (%04X,%04X)\n", what, tag.group, tag.element);
    std::abort();
}

// Compares what the reader fetches from two items: the meta group's attributes from a meta group,
// the others from a dataset or item (the reader never looks for group 0002 in a dataset, where a
// damaged file may hold some, which the selection leaves out).
void compare(cdcmtk_item *one, cdcmtk_item *other, bool meta, int depth) {
    for (const cdcmtk_tag tag : fuzz::kAttributes) {
        if ((tag.group == 0x0002) != meta) continue;
        const char *oneBytes = nullptr, *otherBytes = nullptr;
        size_t oneLength = 0, otherLength = 0;
        const bool oneString = cdcmtk_item_get_string_bytes(one, tag, &oneBytes, &oneLength);
        const bool otherString = cdcmtk_item_get_string_bytes(other, tag, &otherBytes, &otherLength);
        require(oneString == otherString && oneLength == otherLength, "a string's presence or length", tag);
        if (oneLength != 0 && std::memcmp(oneBytes, otherBytes, oneLength) != 0) {
            for (size_t index = 0; index < oneLength; ++index) {
                if (oneBytes[index] != otherBytes[index]) {
                    std::fprintf(stderr, "fuzz_element_selection: byte %zu of %zu: selected %02X, decoded %02X\n", index,
                                 oneLength, static_cast<unsigned char>(oneBytes[index]),
                                 static_cast<unsigned char>(otherBytes[index]));
                    break;
                }
            }
            require(false, "a string's bytes", tag);
        }
        const unsigned long count = cdcmtk_item_value_count(one, tag);
        require(count == cdcmtk_item_value_count(other, tag), "a value count", tag);
        for (unsigned long index = 0; index < count && index < 16; ++index) {
            double oneValue = 0, otherValue = 0;
            const bool oneNumber = cdcmtk_item_get_number(one, tag, index, &oneValue);
            require(oneNumber == cdcmtk_item_get_number(other, tag, index, &otherValue), "a number's presence", tag);
            require(!oneNumber || oneValue == otherValue || (oneValue != oneValue && otherValue != otherValue), "a number", tag);
        }
    }
    if (depth == 0) return;
    for (const cdcmtk_tag tag : fuzz::kSequences) {
        const unsigned long count = cdcmtk_item_sequence_count(one, tag);
        require(count == cdcmtk_item_sequence_count(other, tag), "a sequence's item count", tag);
        for (unsigned long index = 0; index < count && index < 16; ++index) {
            cdcmtk_item *oneItem = cdcmtk_item_sequence_item(one, tag, index);
            cdcmtk_item *otherItem = cdcmtk_item_sequence_item(other, tag, index);
            require((oneItem == nullptr) == (otherItem == nullptr), "a sequence item", tag);
            if (oneItem != nullptr) compare(oneItem, otherItem, false, depth - 1);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz::initialize();
    const std::string path = fuzz::write_input(data, size);
    const Reading selected(path, false);
    const Reading decoded(path, true);
    require((selected.file == nullptr) == (decoded.file == nullptr), "whether the file was read");
    if (selected.file == nullptr) {
        require(selected.error == decoded.error, "the error code");
        return 0;
    }
    compare(cdcmtk_file_meta(selected.file), cdcmtk_file_meta(decoded.file), true, 0);
    compare(cdcmtk_file_dataset(selected.file), cdcmtk_file_dataset(decoded.file), false, 3);
    const unsigned char *oneBytes = nullptr, *otherBytes = nullptr;
    size_t oneLength = 0, otherLength = 0;
    cdcmtk_file_parsed_bytes(selected.file, &oneBytes, &oneLength);
    cdcmtk_file_parsed_bytes(decoded.file, &otherBytes, &otherLength);
    require(oneLength == otherLength, "the bytes the digest covers");
    require(cdcmtk_file_issue_count(selected.file) == cdcmtk_file_issue_count(decoded.file), "the read issues");
    return 0;
}
