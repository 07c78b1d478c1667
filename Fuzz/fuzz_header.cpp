// libFuzzer target: one file read header-only through the CDCMTK shim, then every attribute the
// Swift reader fetches (DICOMTag.swift), in the dataset, the meta group and nested sequences.
#include "fuzz_tags.h"

namespace {

size_t walk(cdcmtk_item *item, int depth) {
    size_t observed = 0;
    for (const cdcmtk_tag tag : fuzz::kAttributes) observed += fuzz::touch(item, tag);
    if (depth == 0) return observed;
    for (const cdcmtk_tag tag : fuzz::kSequences) {
        const unsigned long count = cdcmtk_item_sequence_count(item, tag);
        for (unsigned long index = 0; index < count && index < 64; ++index) {
            if (cdcmtk_item *child = cdcmtk_item_sequence_item(item, tag, index)) {
                observed += walk(child, depth - 1);
            }
        }
    }
    return observed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz::initialize();
    const std::string path = fuzz::write_input(data, size);
    cdcmtk_error *error = nullptr;
    // As DICOMReader.readHeader: first up to (0028,0012), then again up to Pixel Data.
    cdcmtk_file *file = cdcmtk_file_open(-1, path.c_str(), fuzz::kAfterSingleFrameAttributes, fuzz::kLimits, &error);
    if (file == nullptr) {
        (void)cdcmtk_error_get_code(error);
        cdcmtk_error_free(error);
        return 0;
    }
    volatile size_t observed = walk(cdcmtk_file_meta(file), 0) + walk(cdcmtk_file_dataset(file), 3);
    if (cdcmtk_file_reparse(file, fuzz::kPixelData, fuzz::kLimits, &error)) {
        observed = observed + walk(cdcmtk_file_dataset(file), 3);
    } else {
        cdcmtk_error_free(error);
    }
    const unsigned char *bytes = nullptr;
    size_t length = 0;
    cdcmtk_file_parsed_bytes(file, &bytes, &length);
    if (length > 0) observed = observed + bytes[length - 1] + cdcmtk_file_size(file);
    (void)cdcmtk_file_transfer_syntax_uid(file);
    (void)cdcmtk_file_has_preamble(file);
    (void)cdcmtk_file_has_meta_group(file);
    cdcmtk_file_close(file);
    return 0;
}
