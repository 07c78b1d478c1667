// Element headers read straight from a file's bytes, without building DCMTK objects: where the
// dataset starts and how it is encoded, and what stands at a given offset. The shim uses it to
// look at the element where DCMTK's parser is (a guard, the cause of a stop, a stray item to step
// over); every value is still decoded by DCMTK.

#ifndef CDCMTK_ELEMENT_WALK_H
#define CDCMTK_ELEMENT_WALK_H

#include "file_prefix.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace cdcmtk {

/// How a dataset's bytes encode element headers.
struct Encoding {
    bool explicitVR = true;
    bool littleEndian = true;
};

/// One element's header as it stands in the bytes.
struct ElementHeader {
    static constexpr uint32_t kUndefinedLength = 0xFFFFFFFF;

    uint16_t group = 0;
    uint16_t element = 0;
    /// The VR as written (explicit VR), or two NULs.
    char vr[2] = {0, 0};
    /// Offset of the tag from the start of the file.
    uint64_t offset = 0;
    /// 8 or 12 bytes.
    uint32_t headerLength = 0;
    uint32_t valueLength = 0;

    uint32_t key() const { return uint32_t(group) << 16 | element; }
    uint64_t valueOffset() const { return offset + headerLength; }
    bool hasUndefinedLength() const { return valueLength == kUndefinedLength; }
    bool isItem() const { return key() == 0xFFFEE000; }
    bool isDelimiter() const { return key() == 0xFFFEE00D || key() == 0xFFFEE0DD; }
    bool hasVR(const char *wanted) const { return vr[0] == wanted[0] && vr[1] == wanted[1]; }
};

/// Reads element headers of one encoding from a FilePrefix.
class ElementWalker {
public:
    ElementWalker(FilePrefix &prefix, Encoding encoding) : prefix_(prefix), encoding_(encoding) {}

    Encoding encoding() const { return encoding_; }

    /// The header at `offset`; false when the bytes end first or hold no plausible header.
    bool header(uint64_t offset, ElementHeader &out) const;

    /// The header found at `offset` in `bytes`, which hold `available` bytes from there (8 are
    /// needed, 12 for a long VR's length): bytes read elsewhere than the prefix.
    bool header(const unsigned char *bytes, uint64_t available, uint64_t offset, ElementHeader &out) const;

    /// The offset right after `element`, stepping over an undefined-length value item by item (an
    /// undefined-length item element by element) to its delimiter; false when that cannot be told
    /// from the bytes.
    bool end(const ElementHeader &element, uint64_t &out) const;

    /// Calls `visit` for every element of the items of the sequence `element` (at any depth below
    /// it, and for the items' own headers). False when the
    /// bytes could not be followed to the end of the sequence.
    bool visitNested(const ElementHeader &element, const std::function<void(const ElementHeader &)> &visit) const;

    uint16_t read16(const unsigned char *bytes) const;
    uint32_t read32(const unsigned char *bytes) const;

private:
    bool endOfItems(uint64_t offset, uint64_t limit, int depth, uint64_t &out,
                    const std::function<void(const ElementHeader &)> *visit) const;
    bool endOfElements(uint64_t offset, uint64_t limit, int depth, uint64_t &out,
                       const std::function<void(const ElementHeader &)> *visit) const;
    bool endOf(const ElementHeader &element, int depth, uint64_t &out,
               const std::function<void(const ElementHeader &)> *visit) const;

    FilePrefix &prefix_;
    Encoding encoding_;
};

/// Where a file's dataset starts and how its first element is encoded, as the bytes show (not as
/// the meta group declares). `found` is false when the bytes after the meta group hold no
/// plausible element header, or the meta group's length runs past the file, or its elements do
/// not end where that length says, or another group's stand among them.
struct DatasetLayout {
    uint64_t start = 0;
    Encoding encoding;
    bool found = false;
    /// (0002,0010) as the meta group holds it, padding removed; empty when there is none.
    std::string declaredTransferSyntax;
};

DatasetLayout locate_dataset(FilePrefix &prefix, bool has_preamble);

/// A top-level element of a dataset: its tag and the bytes it spans, header included.
struct TopLevelElement {
    uint32_t key = 0;
    uint64_t from = 0;
    uint64_t to = 0;

    bool isPrivate() const { return (key >> 16) & 1; }
};

/// What one walk of a dataset's top-level element headers found, from its start to the first
/// element at or after a stop tag: the one walk of a header, which the (0004,1430) guard checks
/// and a parse that hands DCMTK only some elements takes them from.
struct HeaderWalk {
    /// Every element header was followed, sequences included, to the stop tag or the file's end,
    /// every value within the file.
    bool followed = false;
    /// Where the walk could not follow the bytes, when it did not.
    uint64_t stoppedAt = 0;
    /// The top-level elements before the stop, in file order.
    std::vector<TopLevelElement> elements;
    /// Where DCMTK's stream stands when it stops there: after the stop element's tag and length, or
    /// at the end of the file.
    uint64_t end = 0;
    /// The header of the element at or after the stop tag, when the walk reached one.
    bool reachedStop = false;
    ElementHeader stop;
};

/// Walks the dataset of `layout` to the first top-level element at or after `stop_key` (values
/// skipped by their lengths, sequences followed item by item), calling `visit` for every element
/// header met, top-level and nested.
HeaderWalk walk_header(FilePrefix &prefix, const DatasetLayout &layout, uint32_t stop_key,
                       const std::function<void(const ElementHeader &)> &visit);

}  // namespace cdcmtk

#endif
