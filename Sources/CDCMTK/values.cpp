// Values of a parsed dataset and its items (cdcmtk_item_*): strings as their bytes, numbers of
// any VR, sequence items.

#include "shim.h"

#include <dcmtk/dcmdata/dcsequen.h>

#include <algorithm>
#include <cstdlib>

namespace {

// One typed getter of DcmElement (getUint16, getFloat64, ...), its value widened to a double.
template <typename Value>
bool read_number(DcmElement *element, OFCondition (DcmElement::*getter)(Value &, const unsigned long),
                 unsigned long index, double *value_out) {
    Value value{};
    if ((element->*getter)(value, index).bad()) return false;
    *value_out = static_cast<double>(value);
    return true;
}

// Whether value `index` of a DS or IS element is a number as a whole: DCMTK's conversion reads
// what it can ("1A" becomes 1), and a value that is not a number must not become one.
bool is_whole_number_text(DcmElement *element, unsigned long index) {
    OFString text;
    if (element->getOFString(text, index).bad()) return false;
    const char *start = text.c_str();
    while (*start == ' ') ++start;
    if (*start == '\0') return false;
    char *end = nullptr;
    std::strtod(start, &end);
    while (end != nullptr && *end == ' ') ++end;
    return end != nullptr && end != start && *end == '\0';
}

}  // namespace

DcmElement *cdcmtk_item::find(cdcmtk_tag tag) {
    if (!listed) {
        for (DcmObject *object = item->nextInContainer(nullptr); object != nullptr;
             object = item->nextInContainer(object)) {
            const DcmTag &objectTag = object->getTag();
            elements.emplace_back(Uint32(objectTag.getGroup()) << 16 | objectTag.getElement(),
                                  static_cast<DcmElement *>(object));
        }
        // DCMTK inserts in tag order, one element per tag; sorted anyway, whatever a damaged file held.
        std::sort(elements.begin(), elements.end(),
                  [](const auto &one, const auto &other) { return one.first < other.first; });
        listed = true;
    }
    const Uint32 wanted = Uint32(tag.group) << 16 | tag.element;
    const auto found = std::lower_bound(elements.begin(), elements.end(), wanted,
                                        [](const auto &entry, Uint32 value) { return entry.first < value; });
    return found != elements.end() && found->first == wanted ? found->second : nullptr;
}

cdcmtk_item *cdcmtk_file::wrap(DcmItem *native) {
    if (native == nullptr) return nullptr;
    auto found = itemByNative.find(native);
    if (found != itemByNative.end()) return found->second;
    items.push_back(cdcmtk_item{native, this, {}, false});
    itemByNative.emplace(native, &items.back());
    return &items.back();
}

extern "C" {

bool cdcmtk_item_get_string_bytes(cdcmtk_item *item, cdcmtk_tag tag, const char **bytes_out, size_t *length_out) {
    *bytes_out = nullptr;
    *length_out = 0;
    try {
        DcmElement *element = item->find(tag);
        if (element == nullptr) return false;
        if (!element->isaString() || !element->valueLoaded()) return false;
        char *value = nullptr;
        Uint32 length = 0;
        if (element->getString(value, length).bad()) return false;
        // DCMTK's input correction is off (it changes values), so trailing padding is removed here:
        // spaces, and the NUL that pads a UI value.
        while (value != nullptr && length > 0 && (value[length - 1] == ' ' || value[length - 1] == '\0')) --length;
        *bytes_out = value;
        *length_out = value == nullptr ? 0 : length;
        return true;
    } catch (...) {
        return false;
    }
}

unsigned long cdcmtk_item_value_count(cdcmtk_item *item, cdcmtk_tag tag) {
    try {
        DcmElement *element = item->find(tag);
        // A value left in the file (over 64 KiB) is no attribute read here; loading it would make
        // DCMTK allocate whatever length a damaged file claims (found by fuzzing: 2.5 GB).
        if (element == nullptr || (!element->valueLoaded() && element->ident() != EVR_SQ)) return 0;
        return element->getVM();
    } catch (...) {
        return 0;
    }
}

bool cdcmtk_item_get_number(cdcmtk_item *item, cdcmtk_tag tag, unsigned long index, double *value_out) {
    try {
        DcmElement *element = item->find(tag);
        if (element == nullptr || !element->valueLoaded()) return false;
        switch (element->ident()) {
        case EVR_US: return read_number<Uint16>(element, &DcmElement::getUint16, index, value_out);
        case EVR_SS: return read_number<Sint16>(element, &DcmElement::getSint16, index, value_out);
        case EVR_UL:
        case EVR_up:  // "up": a UL that DCMTK marks as a DICOMDIR offset
            return read_number<Uint32>(element, &DcmElement::getUint32, index, value_out);
        case EVR_SL: return read_number<Sint32>(element, &DcmElement::getSint32, index, value_out);
        case EVR_IS:
            return is_whole_number_text(element, index) &&
                   read_number<Sint32>(element, &DcmElement::getSint32, index, value_out);
        case EVR_FL: return read_number<Float32>(element, &DcmElement::getFloat32, index, value_out);
        case EVR_FD: return read_number<Float64>(element, &DcmElement::getFloat64, index, value_out);
        case EVR_DS:
            return is_whole_number_text(element, index) &&
                   read_number<Float64>(element, &DcmElement::getFloat64, index, value_out);
        default: return false;
        }
    } catch (...) {
        return false;
    }
}

unsigned long cdcmtk_item_sequence_count(cdcmtk_item *item, cdcmtk_tag tag) {
    try {
        DcmElement *element = item->find(tag);
        if (element == nullptr || element->ident() != EVR_SQ) return 0;
        return static_cast<DcmSequenceOfItems *>(element)->card();
    } catch (...) {
        return 0;
    }
}

cdcmtk_item *cdcmtk_item_sequence_item(cdcmtk_item *item, cdcmtk_tag tag, unsigned long index) {
    try {
        DcmElement *element = item->find(tag);
        if (element == nullptr || element->ident() != EVR_SQ) return nullptr;
        auto *sequence = static_cast<DcmSequenceOfItems *>(element);
        if (index >= sequence->card()) return nullptr;
        return item->file->wrap(sequence->getItem(index));
    } catch (...) {
        return nullptr;
    }
}

}  // extern "C"
