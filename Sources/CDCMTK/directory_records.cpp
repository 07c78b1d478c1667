// DICOMDIR directory records (directory_records.h, and cdcmtk_file_next_directory_record).

#include "directory_records.h"
#include "shim.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdirrec.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <cstring>
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

bool read_directory_records_from_bytes(cdcmtk_file &file, const TopLevelElement &sequence, Encoding encoding,
                                       E_TransferSyntax xfer, unsigned max_sequence_depth) {
    const ElementWalker walker(*file.prefix, encoding);
    ElementHeader header;
    if (!walker.header(sequence.from, header) || (encoding.explicitVR && !header.hasVR("SQ"))) return false;
    DirectoryRecordCursor &cursor = file.records;
    cursor.inBytes = true;
    cursor.encoding = encoding;
    cursor.xfer = xfer;
    cursor.next = header.valueOffset();
    cursor.end = sequence.to;
    cursor.maxSequenceDepth = max_sequence_depth;
    return true;
}

namespace {

// Takes `item` and every item below it out of `file`'s handles by native object, before the record
// they belong to is deleted (a later record may be allocated at the same address).
void forget_handles(cdcmtk_file &file, DcmItem *item) {
    for (DcmObject *object = item->nextInContainer(nullptr); object != nullptr; object = item->nextInContainer(object)) {
        if (static_cast<DcmElement *>(object)->ident() != EVR_SQ) continue;
        auto *sequence = static_cast<DcmSequenceOfItems *>(object);
        for (DcmObject *entry = sequence->nextInContainer(nullptr); entry != nullptr;
             entry = sequence->nextInContainer(entry)) {
            file.itemByNative.erase(static_cast<DcmItem *>(entry));
            forget_handles(file, static_cast<DcmItem *>(entry));
        }
    }
}

// The next record from the bytes: its item's header read by the walk, its elements by DCMTK.
cdcmtk_item *next_record_in_bytes(cdcmtk_file &file, uint32_t &offset, cdcmtk_error **error_out) {
    DirectoryRecordCursor &cursor = file.records;
    if (cursor.record != nullptr) {
        forget_handles(file, cursor.record.get());
        cursor.handedOut = cdcmtk_item{};
        cursor.record.reset();
    }
    // Until a record is read: the end, or an error that ends the records.
    cursor.finished = true;
    FilePrefix &prefix = *file.prefix;
    const ElementWalker walker(prefix, cursor.encoding);
    ElementHeader item;
    if (cursor.next >= cursor.end || !walker.header(cursor.next, item) || item.key() == 0xFFFEE0DD) return nullptr;
    uint64_t itemEnd = 0;
    const std::string where = " at byte " + std::to_string(item.offset);
    if (!item.isItem() || !walker.end(item, itemEnd) || itemEnd > cursor.end || !prefix.has(item.offset, itemEnd - item.offset)) {
        set_error(error_out, CDCMTK_ERROR_MALFORMED, "holds a directory record that cannot be followed" + where);
        return nullptr;
    }
    uint64_t itemStarts = 0;
    count_item_starts(prefix.data() + item.valueOffset(), 0, itemEnd - item.valueOffset(), false, itemStarts);
    if (itemStarts > kInlineItemStarts) {
        set_error(error_out, CDCMTK_ERROR_LIMIT_EXCEEDED,
                  "holds a directory record with more than " + std::to_string(kInlineItemStarts) +
                      " sequence items" + where);
        return nullptr;
    }
    auto record = std::make_unique<DcmItem>(DcmTag(DCM_Item), item.valueLength);
    PrefixInputStream stream(file.prefix, item.valueOffset());
    record->transferInit();
    const OFCondition condition = record->read(stream, cursor.xfer, EGL_noChange, kMaxLoadedValueLength);
    record->transferEnd();
    if (condition.bad()) {
        set_error(error_out, CDCMTK_ERROR_MALFORMED,
                  std::string("holds a directory record DCMTK cannot read") + where + " (" + condition.text() + ")");
        return nullptr;
    }
    if (cursor.maxSequenceDepth == 0 || sequence_depth(record.get(), cursor.maxSequenceDepth) >= cursor.maxSequenceDepth) {
        set_error(error_out, CDCMTK_ERROR_LIMIT_EXCEEDED,
                  "has sequences nested more than " + std::to_string(cursor.maxSequenceDepth) + " deep");
        return nullptr;
    }
    cursor.finished = false;
    cursor.next = itemEnd;
    cursor.record = std::move(record);
    cursor.handedOut = cdcmtk_item{cursor.record.get(), &file, {}, false};
    offset = static_cast<uint32_t>(item.offset);
    return &cursor.handedOut;
}

// The next record of the sequence the parse built.
cdcmtk_item *next_record_in_dataset(cdcmtk_file &file, uint32_t &offset) {
    DirectoryRecordCursor &cursor = file.records;
    DcmElement *element = file.dataset == nullptr ? nullptr : file.dataset->find(cdcmtk_tag{0x0004, 0x1220});
    if (element == nullptr || element->ident() != EVR_SQ) {
        cursor.finished = true;
        return nullptr;
    }
    auto *sequence = static_cast<DcmSequenceOfItems *>(element);
    DcmObject *object = sequence->nextInContainer(cursor.previous);
    if (object == nullptr) {
        cursor.finished = true;
        return nullptr;
    }
    cursor.previous = object;
    auto *record = dynamic_cast<DcmDirectoryRecord *>(object);
    offset = record == nullptr ? 0 : record->getFileOffset();
    return file.wrap(static_cast<DcmItem *>(object));
}

}  // namespace

}  // namespace cdcmtk

extern "C" cdcmtk_item *cdcmtk_file_next_directory_record(cdcmtk_file *file, uint32_t *offset_out,
                                                           cdcmtk_error **error_out) {
    try {
        *offset_out = 0;
        if (file->records.finished) return nullptr;
        return file->records.inBytes ? cdcmtk::next_record_in_bytes(*file, *offset_out, error_out)
                                     : cdcmtk::next_record_in_dataset(*file, *offset_out);
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "reading a directory record");
    }
    return nullptr;
}

