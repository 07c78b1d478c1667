// A stored file's header in the DICOM JSON model, for WADO-RS metadata.

#include "shim.h"
#include "cdcmtk_retrieve.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcjson.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace {

std::string hex_tag(const DcmTagKey &tag) {
    char hex[9];
    std::snprintf(hex, sizeof hex, "%04X%04X", tag.getGroup(), tag.getElement());
    return hex;
}

// DCMTK asks this, for each value it writes, whether to write a BulkDataURI instead. It is told
// only the tag, not where the value stands, so the writer (which walks the sequences itself) says
// which binary value is being written and where: its path, `TAG` or `TAG/ITEM/TAG…` (items from 0).
class BulkDataFormat final : public DcmJsonFormatCompact {
public:
    explicit BulkDataFormat(std::string prefix) : DcmJsonFormatCompact(OFFalse), prefix_(std::move(prefix)) {}

    /// The path of the binary value being written; empty while a value that is not binary is.
    std::string binaryPath;

    OFBool asBulkDataURI(const DcmTagKey &, OFString &uri) override {
        if (binaryPath.empty()) return OFFalse;
        uri = OFString((prefix_ + binaryPath).c_str());
        return OFTrue;
    }

private:
    std::string prefix_;
};

// Value representations whose values are bytes, not text or numbers.
bool is_binary(DcmEVR vr) {
    switch (vr) {
        case EVR_OB: case EVR_OW: case EVR_OF: case EVR_OD: case EVR_OL: case EVR_OV: case EVR_UN:
        case EVR_ox: case EVR_px: case EVR_pixelItem: case EVR_pixelSQ: case EVR_OverlayData: case EVR_PixelData:
            return true;
        default:
            return false;
    }
}

OFCondition write_item(std::ostream &out, DcmItem &item, BulkDataFormat &format, const std::string &path,
                       bool top_level);

// One attribute: a sequence written here item by item (so that every binary value in it gets a
// path of its own), anything else by DCMTK.
OFCondition write_element(std::ostream &out, DcmObject &object, BulkDataFormat &format, const std::string &path) {
    if (object.ident() == EVR_SQ) {
        DcmSequenceOfItems &sequence = OFstatic_cast(DcmSequenceOfItems &, object);
        out << '"' << hex_tag(object.getTag()) << "\":{\"vr\":\"SQ\"";
        if (sequence.card() > 0) {
            out << ",\"Value\":[";
            // Item after item, not by index: an index walks from the first item every time.
            unsigned long index = 0;
            for (DcmObject *item = sequence.nextInContainer(nullptr); item != nullptr;
                 item = sequence.nextInContainer(item), ++index) {
                if (index > 0) out << ',';
                const OFCondition status = write_item(out, *OFstatic_cast(DcmItem *, item), format,
                                                      path + "/" + std::to_string(index), false);
                if (status.bad()) return status;
            }
            out << ']';
        }
        out << '}';
        return EC_Normal;
    }
    format.binaryPath = is_binary(object.ident()) ? path : std::string();
    const OFCondition status = object.writeJson(out, format);
    format.binaryPath.clear();
    return status;
}

OFCondition write_item(std::ostream &out, DcmItem &item, BulkDataFormat &format, const std::string &path,
                       bool top_level) {
    out << '{';
    bool first = true;
    for (DcmObject *object = item.nextInContainer(nullptr); object != nullptr; object = item.nextInContainer(object)) {
        if (object->getETag() == 0x0000 || (top_level && object->getGTag() == 0x0002)) continue;
        if (!first) out << ',';
        first = false;
        const std::string tag = hex_tag(object->getTag());
        const OFCondition status = write_element(out, *object, format, path.empty() ? tag : path + "/" + tag);
        if (status.bad()) return status;
    }
    out << '}';
    return EC_Normal;
}

}  // namespace

namespace cdcmtk {

unsigned char *copy_out(const void *bytes, size_t length) {
    unsigned char *copy = static_cast<unsigned char *>(std::malloc(length == 0 ? 1 : length));
    if (copy == nullptr) throw std::bad_alloc();
    if (length > 0) std::memcpy(copy, bytes, length);
    return copy;
}

}  // namespace cdcmtk

extern "C" {

void cdcmtk_bytes_free(void *bytes) { std::free(bytes); }

bool cdcmtk_file_json(cdcmtk_file *file, const char *bulk_data_prefix, unsigned char **json_out, size_t *length_out,
                      cdcmtk_error **error_out) {
    try {
        DcmDataset *dataset = file->format->getDataset();
        // Converted per element: a value the converter refuses stays as it was rather than failing
        // the whole answer (DCMTK then writes its bytes as they are).
        dataset->convertToUTF8();
        const E_TransferSyntax xfer = dataset->getOriginalXfer();
        const char *ts_uid = cdcmtk_file_transfer_syntax_uid(file);
        if (ts_uid != nullptr && *ts_uid != '\0') {
            dataset->putAndInsertString(DCM_AvailableTransferSyntaxUID, ts_uid);
        } else if (xfer != EXS_Unknown) {
            dataset->putAndInsertString(DCM_AvailableTransferSyntaxUID, DcmXfer(xfer).getXferID());
        }
        BulkDataFormat format(bulk_data_prefix);
        std::ostringstream out;
        OFCondition status = write_item(out, *dataset, format, "", true);
        if (status.bad()) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_MALFORMED, std::string("writing JSON: ") + status.text());
            return false;
        }
        std::string json = out.str();
        cdcmtk::PixelDataHeader pixel_data{};
        if (cdcmtk::pixel_data_header(*file, pixel_data)) {
            json.pop_back();  // the closing brace
            if (json.size() > 1) json += ',';
            json += "\"7FE00010\":{\"vr\":\"" + std::string(pixel_data.vr) + "\",\"BulkDataURI\":\"" +
                    bulk_data_prefix + "7FE00010\"}}";
        }
        *json_out = cdcmtk::copy_out(json.data(), json.size());
        *length_out = json.size();
        return true;
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "writing JSON");
        return false;
    }
}

}  // extern "C"
