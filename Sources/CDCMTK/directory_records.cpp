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

// The conservative screen for bytes the element walk could not follow (a length past its item, a
// VR DCMTK tolerates and the walk does not): DCMTK may still parse them into directory records, so
// every (0004,1430) header among the bytes from `from` on, little or big endian, is checked as if
// it were one. Only damaged files come here; a valid file's private value that merely holds the
// tag's bytes is walked past and never looked at.
std::string screen_unwalkable_bytes(FilePrefix &prefix, uint64_t from) {
    const uint64_t end = prefix.size() < prefix.limit() ? prefix.size() : prefix.limit();
    if (from >= end) return "";
    prefix.has(0, end);
    const unsigned char *data = prefix.data();
    const uint64_t length = prefix.loaded();
    for (uint64_t at = from; at + 8 <= length; ++at) {
        const bool little = data[at] == 0x04 && data[at + 1] == 0x00 && data[at + 2] == 0x30 && data[at + 3] == 0x14;
        const bool big = data[at] == 0x00 && data[at + 1] == 0x04 && data[at + 2] == 0x14 && data[at + 3] == 0x30;
        if (!little && !big) continue;
        ElementHeader element;
        element.offset = at;
        element.headerLength = 8;
        if (data[at + 4] == 'C' && data[at + 5] == 'S') {
            element.valueLength = little ? (data[at + 6] | data[at + 7] << 8) : (data[at + 6] << 8 | data[at + 7]);
        } else if (little) {
            element.valueLength = uint32_t(data[at + 4]) | uint32_t(data[at + 5]) << 8 | uint32_t(data[at + 6]) << 16 |
                                  uint32_t(data[at + 7]) << 24;
        } else {
            continue;
        }
        std::string reason = unsafe_record_type(prefix, element);
        if (!reason.empty()) return reason;
    }
    return "";
}

}  // namespace

HeaderWalk screen_directory_records(FilePrefix &prefix, const DatasetLayout &layout, uint32_t stop_key) {
    std::string refusal;
    // No known dataset start is a walk that followed nothing: the whole file is screened.
    const HeaderWalk walk =
        layout.found ? walk_header(prefix, layout, stop_key,
                                   [&](const ElementHeader &element) {
                                       if (refusal.empty() && element.key() == kDirectoryRecordType) {
                                           refusal = unsafe_record_type(prefix, element);
                                       }
                                   })
                     : HeaderWalk();
    // Bytes the walk could not follow may still be parsed by DCMTK: screened conservatively.
    if (refusal.empty() && !walk.followed) refusal = screen_unwalkable_bytes(prefix, walk.stoppedAt);
    if (!refusal.empty()) prefix.refuse(refusal);
    return walk;
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
