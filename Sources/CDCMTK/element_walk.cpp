// Element headers read straight from a file's bytes (element_walk.h).

#include "element_walk.h"

#include <cstring>

namespace cdcmtk {

namespace {

// Nesting the walk follows at most; deeper bytes are "cannot tell", never a stack overflow.
constexpr int kMaxDepth = 64;

constexpr const char *kVRs[] = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO",
                                "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ",
                                "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV"};
// PS3.5 7.1.2: these have two reserved bytes and a 32-bit length in explicit VR.
constexpr const char *kLongVRs[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"};

bool is_one_of(const unsigned char *vr, const char *const *list, size_t count) {
    for (size_t index = 0; index < count; ++index) {
        if (vr[0] == static_cast<unsigned char>(list[index][0]) && vr[1] == static_cast<unsigned char>(list[index][1])) {
            return true;
        }
    }
    return false;
}

bool is_vr(const unsigned char *bytes) { return is_one_of(bytes, kVRs, sizeof kVRs / sizeof *kVRs); }

}  // namespace

uint16_t ElementWalker::read16(const unsigned char *bytes) const {
    return encoding_.littleEndian ? static_cast<uint16_t>(bytes[0] | bytes[1] << 8)
                                  : static_cast<uint16_t>(bytes[0] << 8 | bytes[1]);
}

uint32_t ElementWalker::read32(const unsigned char *bytes) const {
    return encoding_.littleEndian
               ? uint32_t(bytes[0]) | uint32_t(bytes[1]) << 8 | uint32_t(bytes[2]) << 16 | uint32_t(bytes[3]) << 24
               : uint32_t(bytes[0]) << 24 | uint32_t(bytes[1]) << 16 | uint32_t(bytes[2]) << 8 | uint32_t(bytes[3]);
}

bool ElementWalker::header(uint64_t offset, ElementHeader &out) const {
    if (!prefix_.has(offset, 8)) return false;
    if (header(prefix_.data() + offset, 8, offset, out)) return true;
    // A long VR: its 32-bit length follows (reading further may move the bytes in memory).
    return out.headerLength == 12 && prefix_.has(offset, 12) && header(prefix_.data() + offset, 12, offset, out);
}

bool ElementWalker::header(const unsigned char *bytes, uint64_t available, uint64_t offset, ElementHeader &out) const {
    out = ElementHeader();
    out.offset = offset;
    out.group = read16(bytes);
    out.element = read16(bytes + 2);
    out.headerLength = 8;
    if (out.group == 0xFFFE || !encoding_.explicitVR) {
        out.valueLength = read32(bytes + 4);
        return true;
    }
    if (!is_vr(bytes + 4)) return false;
    out.vr[0] = static_cast<char>(bytes[4]);
    out.vr[1] = static_cast<char>(bytes[5]);
    if (!is_one_of(bytes + 4, kLongVRs, sizeof kLongVRs / sizeof *kLongVRs)) {
        out.valueLength = read16(bytes + 6);
        return true;
    }
    // A long VR: 12 bytes of header, the last four its length.
    out.headerLength = 12;
    if (available < 12) return false;
    out.valueLength = read32(bytes + 8);
    return true;
}

bool ElementWalker::end(const ElementHeader &element, uint64_t &out) const {
    return endOf(element, 0, out, nullptr);
}

bool ElementWalker::visitNested(const ElementHeader &element,
                                const std::function<void(const ElementHeader &)> &visit) const {
    uint64_t ignored = 0;
    return endOf(element, 0, ignored, &visit);
}

bool ElementWalker::endOf(const ElementHeader &element, int depth, uint64_t &out,
                          const std::function<void(const ElementHeader &)> *visit) const {
    if (depth > kMaxDepth) return false;
    // An item holds elements, not items: of defined length it ends where its length says; of
    // undefined length (as Philips and dcm4che write directory records) at its delimiter.
    if (element.isItem()) {
        if (!element.hasUndefinedLength()) {
            out = element.valueOffset() + element.valueLength;
            if (visit == nullptr) return true;
            uint64_t ignored = 0;
            return endOfElements(element.valueOffset(), out, depth + 1, ignored, visit);
        }
        return endOfElements(element.valueOffset(), UINT64_MAX, depth + 1, out, visit);
    }
    const bool isPixelData = element.key() == 0x7FE00010;
    // A value of items: a sequence, an undefined-length UN (CP-246: implicit VR little endian
    // inside), or encapsulated pixel data (fragments, never visited as elements).
    const bool isUN = element.hasVR("UN");
    const bool holdsItems = element.hasVR("SQ") || (element.hasUndefinedLength() && !isPixelData) ||
                            (visit != nullptr && element.key() == 0x00041220);
    const ElementWalker inner(prefix_, isUN ? Encoding{false, true} : encoding_);
    if (!element.hasUndefinedLength()) {
        out = element.valueOffset() + element.valueLength;
        if (visit == nullptr || !holdsItems) return true;
        uint64_t ignored = 0;
        return inner.endOfItems(element.valueOffset(), out, depth + 1, ignored, visit);
    }
    return inner.endOfItems(element.valueOffset(), UINT64_MAX, depth + 1, out,
                            holdsItems && !isPixelData ? visit : nullptr);
}

bool ElementWalker::endOfItems(uint64_t offset, uint64_t limit, int depth, uint64_t &out,
                               const std::function<void(const ElementHeader &)> *visit) const {
    while (true) {
        if (limit != UINT64_MAX && offset >= limit) {
            out = limit;
            return offset == limit;
        }
        ElementHeader item;
        if (!header(offset, item)) return false;
        if (item.key() == 0xFFFEE0DD && limit == UINT64_MAX) {
            out = offset + 8;
            return true;
        }
        if (!item.isItem()) return false;
        if (visit != nullptr) (*visit)(item);
        if (item.hasUndefinedLength()) {
            if (!endOfElements(item.valueOffset(), UINT64_MAX, depth + 1, offset, visit)) return false;
            continue;
        }
        const uint64_t itemEnd = item.valueOffset() + item.valueLength;
        if (visit != nullptr) {
            uint64_t ignored = 0;
            if (!endOfElements(item.valueOffset(), itemEnd, depth + 1, ignored, visit)) return false;
        }
        offset = itemEnd;
    }
}

bool ElementWalker::endOfElements(uint64_t offset, uint64_t limit, int depth, uint64_t &out,
                                  const std::function<void(const ElementHeader &)> *visit) const {
    if (depth > kMaxDepth) return false;
    while (true) {
        if (limit != UINT64_MAX && offset >= limit) {
            out = limit;
            return offset == limit;
        }
        ElementHeader element;
        if (!header(offset, element)) return false;
        if (element.key() == 0xFFFEE00D && limit == UINT64_MAX) {
            out = offset + 8;
            return true;
        }
        if (element.group == 0xFFFE) return false;
        if (visit != nullptr) (*visit)(element);
        if (!endOf(element, depth + 1, offset, visit)) return false;
    }
}

HeaderWalk walk_header(FilePrefix &prefix, const DatasetLayout &layout, uint32_t stop_key,
                       const std::function<void(const ElementHeader &)> &visit) {
    HeaderWalk walk;
    const ElementWalker walker(prefix, layout.encoding);
    uint64_t offset = layout.start;
    ElementHeader element;
    while (true) {
        if (!walker.header(offset, element)) {
            walk.followed = offset == prefix.size();
            walk.stoppedAt = offset;
            walk.end = offset;
            return walk;
        }
        // An item or delimiter outside any sequence: DCMTK takes it for the stop, and the shim then
        // steps over it and parses on, past what this walk can vouch for.
        if (element.group == 0xFFFE) {
            walk.stoppedAt = offset;
            return walk;
        }
        if (element.key() >= stop_key) {
            walk.followed = true;
            walk.end = offset + element.headerLength;
            walk.reachedStop = true;
            walk.stop = element;
            return walk;
        }
        visit(element);
        uint64_t next = 0;
        if (!walker.visitNested(element, visit) || !walker.end(element, next)) {
            walk.stoppedAt = offset;
            return walk;
        }
        // A value running past the file's end: DCMTK stops inside it, and where its parse goes
        // from there (a meta group of another length than this walk took, say) cannot be told.
        if (next > prefix.size()) {
            walk.stoppedAt = offset;
            return walk;
        }
        walk.elements.push_back(TopLevelElement{element.key(), offset, next});
        offset = next;
    }
}

DatasetLayout locate_dataset(FilePrefix &prefix, bool has_preamble) {
    DatasetLayout layout;
    uint64_t offset = has_preamble ? 132 : 0;
    if (!prefix.has(offset, 8)) return layout;
    const unsigned char *bytes = prefix.data() + offset;
    if ((bytes[0] | bytes[1] << 8) == 0x0002) {
        // The meta group is explicit VR little endian (PS3.10 7.1); some writers used implicit VR.
        // It ends where its group length (0002,0000) says, as DCMTK reads it, else at the first
        // element of another group.
        const ElementWalker meta(prefix, Encoding{is_vr(bytes + 4), true});
        ElementHeader element;
        uint64_t groupEnd = UINT64_MAX;
        if (meta.header(offset, element) && element.key() == 0x00020000 && element.valueLength == 4 &&
            prefix.has(element.valueOffset(), 4)) {
            groupEnd = element.valueOffset() + 4 + meta.read32(prefix.data() + element.valueOffset());
            // A length past the file's end: DCMTK reads all that follows into the meta group.
            if (groupEnd > prefix.size()) return layout;
        }
        while (offset < groupEnd && meta.header(offset, element) && (groupEnd != UINT64_MAX || element.group == 0x0002)) {
            // Another group inside the group length: DCMTK reads it into the meta group, where no
            // walk of the dataset looks (a directory record sequence there, say).
            if (element.group != 0x0002) return layout;
            if (element.key() == 0x00020010 && element.valueLength <= 64 &&
                prefix.has(element.valueOffset(), element.valueLength)) {
                const char *value = reinterpret_cast<const char *>(prefix.data() + element.valueOffset());
                std::string uid(value, element.valueLength);
                while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) uid.pop_back();
                layout.declaredTransferSyntax = uid;
            }
            if (element.hasUndefinedLength() || !meta.end(element, offset)) return layout;
        }
        // Elements that do not end where the group length says (one running past it, which DCMTK
        // reads whole, or bytes no header can be read from): where DCMTK's dataset starts cannot be
        // told from here.
        if (groupEnd != UINT64_MAX && offset != groupEnd) return layout;
    }
    if (!prefix.has(offset, 8)) return layout;
    bytes = prefix.data() + offset;
    const uint16_t littleGroup = static_cast<uint16_t>(bytes[0] | bytes[1] << 8);
    const uint16_t bigGroup = static_cast<uint16_t>(bytes[0] << 8 | bytes[1]);
    layout.start = offset;
    // Standard groups are small numbers: a big-endian (0008,xxxx) reads as group 0800 little endian.
    // Private groups are large either way, and most datasets are little endian.
    layout.encoding.littleEndian = !(bigGroup <= 0x00FF && littleGroup > 0x00FF);
    layout.encoding.explicitVR = is_vr(bytes + 4);
    layout.found = true;
    return layout;
}

}  // namespace cdcmtk
