// DICOMDIR directory records (directory_records.h, and cdcmtk_item_get_record_offset).

#include "directory_records.h"
#include "shim.h"

#include <dcmtk/dcmdata/dcdirrec.h>

#include <string>

namespace cdcmtk {

namespace {

constexpr uint32_t kDirectoryRecordType = 0x00041430;

// DCMTK 3.6.7's DcmByteString::verify(autocorrect) miscomputes its position after shortening a
// value component longer than the VR allows, then loops (OFString) or throws out_of_range
// (std::string), leaking the directory record being read. DcmDirectoryRecord::read calls it on
// (0004,1430). Such a value (a CS component over 16 bytes, or a length no record type has) is
// refused before DCMTK reads it. The reason, or empty when the value is safe.
std::string unsafe_record_type(FilePrefix &prefix, const ElementHeader &element) {
    if (element.hasUndefinedLength() || element.valueLength > 1024) {
        return "a Directory Record Type (0004,1430) of " +
               (element.hasUndefinedLength() ? std::string("undefined length")
                                             : std::to_string(element.valueLength) + " bytes");
    }
    // The file ends first: DCMTK reports it truncated without verifying the value.
    if (!prefix.has(element.valueOffset(), element.valueLength)) return "";
    const unsigned char *value = prefix.data() + element.valueOffset();
    size_t component = 0;
    for (uint32_t index = 0; index < element.valueLength; ++index) {
        component = value[index] == '\\' ? 0 : component + 1;
        if (component > 16) return "a Directory Record Type (0004,1430) with a value over 16 characters";
    }
    return "";
}

}  // namespace

void screen_directory_records(FilePrefix &prefix, const DatasetLayout &layout, uint32_t stop_key) {
    const ElementWalker walker(prefix, layout.encoding);
    std::string refusal;
    const auto check = [&](const ElementHeader &element) {
        if (refusal.empty() && element.key() == kDirectoryRecordType) refusal = unsafe_record_type(prefix, element);
    };
    uint64_t offset = layout.start;
    ElementHeader element;
    // Where the walk cannot follow the bytes, DCMTK cannot either: it stops there with its own error.
    while (refusal.empty() && walker.header(offset, element) && element.key() < stop_key) {
        if (element.group == 0xFFFE) break;
        check(element);
        if (!walker.visitNested(element, check)) break;
        if (!walker.end(element, offset)) break;
    }
    if (!refusal.empty()) prefix.refuse(refusal);
}

}  // namespace cdcmtk

extern "C" bool cdcmtk_item_get_record_offset(cdcmtk_item *item, uint32_t *offset_out) {
    try {
        auto *record = dynamic_cast<DcmDirectoryRecord *>(item->item);
        if (record == nullptr) return false;
        *offset_out = record->getFileOffset();
        return true;
    } catch (...) {
        return false;
    }
}
