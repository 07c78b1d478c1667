// libFuzzer target: one DICOMDIR read whole through the CDCMTK shim, its directory records walked
// as DICOMDirectory.swift walks them (record offsets, links to the next and lower records, the
// record type, the referenced file's ID and UIDs), each the same item taken in one walk and by index.
#include "fuzz_tags.h"

#include <vector>

namespace {

constexpr cdcmtk_tag kDirectoryRecordSequence = {0x0004, 0x1220};
constexpr cdcmtk_tag kFileSetAttributes[] = {{0x0004, 0x1130}, {0x0004, 0x1200}, {0x0008, 0x0005}};
constexpr cdcmtk_tag kRecordAttributes[] = {
    {0x0004, 0x1400}, {0x0004, 0x1410}, {0x0004, 0x1420}, {0x0004, 0x1430}, {0x0004, 0x1500},
    {0x0004, 0x1510}, {0x0004, 0x1511}, {0x0004, 0x1512}, {0x0010, 0x0010}, {0x0010, 0x0020},
    {0x0020, 0x000D}, {0x0020, 0x000E}, {0x0008, 0x0060}, {0x0020, 0x0011}, {0x0020, 0x0013},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz::initialize();
    const std::string path = fuzz::write_input(data, size);
    cdcmtk_error *error = nullptr;
    cdcmtk_file *file = cdcmtk_file_open(-1, path.c_str(), fuzz::kEndOfDataset, fuzz::kLimits, &error);
    if (file == nullptr) {
        cdcmtk_error_free(error);
        return 0;
    }
    cdcmtk_item *dataset = cdcmtk_file_dataset(file);
    size_t observed = 0;
    for (const cdcmtk_tag tag : kFileSetAttributes) observed += fuzz::touch(dataset, tag);
    // The records in one walk, as the reader takes them, and each the same item as by index.
    const unsigned long count = cdcmtk_item_sequence_count(dataset, kDirectoryRecordSequence);
    std::vector<cdcmtk_item *> records(count);
    if (count > 0 && cdcmtk_item_sequence_items(dataset, kDirectoryRecordSequence, records.data(), count) != count)
        __builtin_trap();
    for (unsigned long index = 0; index < count; ++index) {
        cdcmtk_item *record = records[index];
        cdcmtk_item *byIndex = cdcmtk_item_sequence_item(dataset, kDirectoryRecordSequence, index);
        uint32_t offset = 0, offsetByIndex = 0;
        const bool hasOffset = cdcmtk_item_get_record_offset(record, &offset);
        if (byIndex == nullptr || hasOffset != cdcmtk_item_get_record_offset(byIndex, &offsetByIndex) ||
            offset != offsetByIndex)
            __builtin_trap();
        if (hasOffset) observed += offset & 1;
        for (const cdcmtk_tag tag : kRecordAttributes) observed += fuzz::touch(record, tag);
    }
    volatile size_t sink = observed;
    (void)sink;
    cdcmtk_file_close(file);
    return 0;
}
