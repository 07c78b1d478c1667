// libFuzzer target: one file read header-only through the CDCMTK shim, then every attribute the
// Swift reader fetches (DICOMTag.swift), in the dataset, the meta group and nested sequences.
#include "fuzz_tags.h"

namespace {

constexpr cdcmtk_tag kAttributes[] = {
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

constexpr cdcmtk_tag kSequences[] = {
    {0x5200, 0x9229}, {0x5200, 0x9230}, {0x0020, 0x9113}, {0x0020, 0x9116},
    {0x0028, 0x9110}, {0x0018, 0x9112}, {0x0018, 0x9114},
};

size_t walk(cdcmtk_item *item, int depth) {
    size_t observed = 0;
    for (const cdcmtk_tag tag : kAttributes) observed += fuzz::touch(item, tag);
    if (depth == 0) return observed;
    for (const cdcmtk_tag tag : kSequences) {
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
