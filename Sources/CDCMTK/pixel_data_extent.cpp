// Whether a header's Pixel Data is all in the file (pixel_data_extent.h).

#include "pixel_data_extent.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace cdcmtk {

namespace {

constexpr uint32_t kPixelData = 0x7FE00010;
constexpr uint32_t kSamplesPerPixel = 0x00280002;
constexpr uint32_t kNumberOfFrames = 0x00280008;
constexpr uint32_t kRows = 0x00280010;
constexpr uint32_t kColumns = 0x00280011;
constexpr uint32_t kBitsAllocated = 0x00280100;
// Fragments followed at most; a stream of more is no verdict, never a long loop.
constexpr uint64_t kMaxFragments = 1u << 20;
// Top-level elements stepped over between the walk's stop and the Pixel Data, at most.
constexpr int kMaxElementsBeforePixels = 100000;

// The top-level elements before the Pixel Data: the walk's, then the ones stepped over after its stop.
struct ElementsBefore {
    const std::vector<TopLevelElement> &walked;
    std::vector<TopLevelElement> stepped;

    const TopLevelElement *find(uint32_t key) const {
        for (const std::vector<TopLevelElement> *list : {&walked, &stepped}) {
            const auto found = std::find_if(list->begin(), list->end(),
                                            [key](const TopLevelElement &element) { return element.key == key; });
            if (found != list->end()) return &*found;
        }
        return nullptr;
    }
};

// The value of the top-level element `key`, when in memory; nullptr otherwise.
const unsigned char *value_of(FilePrefix &prefix, const ElementWalker &walker, const ElementsBefore &elements,
                              uint32_t key, uint32_t &length) {
    const TopLevelElement *found = elements.find(key);
    ElementHeader header;
    if (found == nullptr || !walker.header(found->from, header) || header.hasUndefinedLength() ||
        !prefix.has(header.valueOffset(), header.valueLength)) {
        return nullptr;
    }
    length = header.valueLength;
    return prefix.data() + header.valueOffset();
}

// A US attribute's value; `fallback` when absent or not two bytes long.
uint64_t unsigned_short(FilePrefix &prefix, const ElementWalker &walker, const ElementsBefore &elements, uint32_t key,
                        uint64_t fallback) {
    uint32_t length = 0;
    const unsigned char *value = value_of(prefix, walker, elements, key, length);
    return value != nullptr && length >= 2 ? walker.read16(value) : fallback;
}

// An IS attribute's first value; `fallback` when absent, empty, or not a positive integer.
uint64_t integer_string(FilePrefix &prefix, const ElementWalker &walker, const ElementsBefore &elements, uint32_t key,
                        uint64_t fallback) {
    uint32_t length = 0;
    const unsigned char *value = value_of(prefix, walker, elements, key, length);
    if (value == nullptr) return fallback;
    const std::string text(reinterpret_cast<const char *>(value), std::min<uint32_t>(length, 12));
    char *end = nullptr;
    const long number = std::strtol(text.c_str(), &end, 10);
    return number > 0 && end != text.c_str() ? static_cast<uint64_t>(number) : fallback;
}

// Element headers past the bytes in memory, read a window at a time where they are: the elements
// between the header's stop and the Pixel Data are stepped over without reading what lies between.
class HeaderWindow {
public:
    HeaderWindow(FilePrefix &prefix, const ElementWalker &walker) : prefix_(prefix), walker_(walker) {}

    bool header(uint64_t offset, ElementHeader &out) {
        if (offset + 12 <= prefix_.loaded()) return walker_.header(offset, out);
        if (offset < start_ || offset + 12 > start_ + length_) {
            if (offset >= prefix_.size()) return false;
            length_ = static_cast<size_t>(std::min<uint64_t>(sizeof bytes_, prefix_.size() - offset));
            start_ = offset;
            if (!prefix_.peek(offset, length_, bytes_)) {
                length_ = 0;
                return false;
            }
        }
        // Fewer than a header's 8 bytes left in the file: no header there.
        const uint64_t available = std::min<uint64_t>(12, start_ + length_ - offset);
        return available >= 8 && walker_.header(bytes_ + (offset - start_), available, offset, out);
    }

private:
    FilePrefix &prefix_;
    const ElementWalker &walker_;
    unsigned char bytes_[4096];
    uint64_t start_ = 0;
    size_t length_ = 0;
};

// Steps from the walk's stop element over the top-level elements after it, by their lengths, to
// the Pixel Data: found (true, in `pixels`); or the file ends inside an element before it
// (`missing` says so); or there is none, or the bytes cannot be followed (false, no verdict).
bool find_pixel_data(FilePrefix &prefix, const ElementWalker &walker, const HeaderWalk &walk, ElementHeader &pixels,
                     ElementsBefore &elements, std::string &missing) {
    ElementHeader element = walk.stop;
    HeaderWindow window(prefix, walker);
    for (int count = 0; count < kMaxElementsBeforePixels; ++count) {
        if (element.key() == kPixelData) {
            pixels = element;
            return true;
        }
        if (element.key() > kPixelData || element.group == 0xFFFE) return false;
        uint64_t next = 0;
        if (!walker.end(element, next)) return false;
        elements.stepped.push_back(TopLevelElement{element.key(), element.offset, next});
        if (next > prefix.size()) {
            char tag[12];
            std::snprintf(tag, sizeof tag, "(%04X,%04X)", element.group, element.element);
            missing = std::string("the file ends inside ") + tag + ", before its pixel data";
            return false;
        }
        if (!window.header(next, element)) return false;
    }
    return false;
}

std::string native(FilePrefix &prefix, const ElementWalker &walker, const ElementsBefore &elements,
                   const ElementHeader &pixels) {
    const uint64_t start = pixels.valueOffset();
    const uint64_t present = start >= prefix.size() ? 0 : std::min<uint64_t>(pixels.valueLength, prefix.size() - start);
    if (present < pixels.valueLength) {
        return "the file ends " + std::to_string(present) + " bytes into its pixel data of " +
               std::to_string(pixels.valueLength) + " bytes";
    }
    const uint64_t rows = unsigned_short(prefix, walker, elements, kRows, 0);
    const uint64_t columns = unsigned_short(prefix, walker, elements, kColumns, 0);
    const uint64_t bits = unsigned_short(prefix, walker, elements, kBitsAllocated, 0);
    const uint64_t samples = unsigned_short(prefix, walker, elements, kSamplesPerPixel, 1);
    const uint64_t frames = integer_string(prefix, walker, elements, kNumberOfFrames, 1);
    if (rows == 0 || columns == 0 || bits == 0) return "";
    const unsigned __int128 needed = (static_cast<unsigned __int128>(rows) * columns * samples * frames * bits + 7) / 8;
    if (present >= needed) return "";
    return "its pixel data holds " + std::to_string(present) + " bytes where its Rows, Columns, SamplesPerPixel, " +
           "NumberOfFrames and BitsAllocated need " + std::to_string(static_cast<uint64_t>(needed));
}

std::string encapsulated(FilePrefix &prefix, const ElementWalker &walker, const ElementHeader &pixels) {
    if (!prefix.seekable()) return "";
    uint64_t at = pixels.valueOffset();
    unsigned char bytes[8];
    for (uint64_t fragment = 0; fragment <= kMaxFragments; ++fragment) {
        if (!prefix.peek(at, sizeof bytes, bytes)) {
            return "the file ends inside its compressed pixel data, after " + std::to_string(fragment) + " items";
        }
        const uint32_t key = uint32_t(walker.read16(bytes)) << 16 | walker.read16(bytes + 2);
        const uint32_t length = walker.read32(bytes + 4);
        if (key == 0xFFFEE0DD) return "";
        if (key != 0xFFFEE000 || length == ElementHeader::kUndefinedLength) {
            return "its compressed pixel data breaks off at byte " + std::to_string(at) + ", after " +
                   std::to_string(fragment) + " items";
        }
        at += 8 + uint64_t(length);
        if (at > prefix.size()) {
            return "the file ends inside item " + std::to_string(fragment + 1) + " of its compressed pixel data";
        }
    }
    return "";
}

}  // namespace

std::string missing_pixel_data(FilePrefix &prefix, const DatasetLayout &layout, const HeaderWalk &walk) {
    if (!walk.reachedStop) return "";
    const ElementWalker walker(prefix, layout.encoding);
    ElementHeader pixels;
    ElementsBefore elements{walk.elements, {}};
    std::string missing;
    if (!find_pixel_data(prefix, walker, walk, pixels, elements, missing)) return missing;
    return pixels.hasUndefinedLength() ? encapsulated(prefix, walker, pixels)
                                       : native(prefix, walker, elements, pixels);
}

}  // namespace cdcmtk
