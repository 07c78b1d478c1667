// The bytes of one attribute's value, for WADO-RS bulk data.

#include "shim.h"
#include "cdcmtk_retrieve.h"

#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstdlib>
#include <vector>

namespace {

bool parse_tag(const std::string &text, DcmTagKey &tag) {
    if (text.size() != 8 || text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return false;
    const unsigned long value = std::strtoul(text.c_str(), nullptr, 16);
    tag = DcmTagKey(static_cast<Uint16>(value >> 16), static_cast<Uint16>(value & 0xFFFF));
    return true;
}

// The element a bulk data path names, or null.
DcmElement *element_at(DcmItem *item, const std::string &path) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        const size_t slash = path.find('/', start);
        parts.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    if (parts.size() % 2 == 0) return nullptr;
    DcmElement *element = nullptr;
    for (size_t index = 0; index < parts.size(); index += 2) {
        DcmTagKey tag;
        if (item == nullptr || !parse_tag(parts[index], tag)) return nullptr;
        if (item->findAndGetElement(tag, element, OFFalse).bad() || element == nullptr) return nullptr;
        if (index + 1 < parts.size()) {
            if (element->ident() != EVR_SQ || parts[index + 1].empty() ||
                parts[index + 1].find_first_not_of("0123456789") != std::string::npos || parts[index + 1].size() > 9)
                return nullptr;
            DcmSequenceOfItems *sequence = OFstatic_cast(DcmSequenceOfItems *, element);
            const unsigned long number = std::strtoul(parts[index + 1].c_str(), nullptr, 10);
            item = number < sequence->card() ? sequence->getItem(number) : nullptr;
        }
    }
    return element;
}

// The fragments of encapsulated pixel data one after another, or false when it is not encapsulated.
bool encapsulated_fragments(DcmPixelData *pixel_data, std::vector<unsigned char> &bytes) {
    E_TransferSyntax xfer = EXS_Unknown;
    const DcmRepresentationParameter *parameter = nullptr;
    pixel_data->getOriginalRepresentationKey(xfer, parameter);
    DcmPixelSequence *sequence = nullptr;
    if (xfer == EXS_Unknown || !DcmXfer(xfer).isEncapsulated() ||
        pixel_data->getEncapsulatedRepresentation(xfer, parameter, sequence).bad() || sequence == nullptr)
        return false;
    for (unsigned long position = 1; position < sequence->card(); ++position) {
        DcmPixelItem *fragment = nullptr;
        Uint8 *data = nullptr;
        if (sequence->getItem(fragment, position).bad() || fragment == nullptr || fragment->getLength() == 0) continue;
        if (fragment->getUint8Array(data).good() && data != nullptr)
            bytes.insert(bytes.end(), data, data + fragment->getLength());
    }
    return true;
}

}  // namespace

extern "C" {

bool cdcmtk_file_element_value(cdcmtk_file *file, const char *path, unsigned char **bytes_out, size_t *length_out,
                               cdcmtk_error **error_out) {
    try {
        const std::string text(path);
        DcmElement *element = element_at(file->format->getDataset(), text);
        if (element == nullptr) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_NOT_FOUND, "no such attribute");
            return false;
        }
        if (element->ident() == EVR_SQ) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_UNSUPPORTED, "a sequence has no bulk data of its own");
            return false;
        }
        std::vector<unsigned char> bytes;
        if (element->ident() == EVR_PixelData &&
            encapsulated_fragments(OFstatic_cast(DcmPixelData *, element), bytes)) {
            if (text.find('/') == std::string::npos) {
                cdcmtk::set_error(error_out, CDCMTK_ERROR_UNSUPPORTED, "encapsulated pixel data is served as frames");
                return false;
            }
        } else {
            bytes.resize(element->getLength());
            if (!bytes.empty()) {
                const OFCondition status =
                    element->getPartialValue(bytes.data(), 0, static_cast<Uint32>(bytes.size()), nullptr, EBO_LittleEndian);
                if (status.bad()) {
                    cdcmtk::set_error(error_out, CDCMTK_ERROR_TRUNCATED, std::string("reading the value: ") + status.text());
                    return false;
                }
            }
        }
        *bytes_out = cdcmtk::copy_out(bytes.data(), bytes.size());
        *length_out = bytes.size();
        return true;
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "reading a value");
        return false;
    }
}

}  // extern "C"
