// A stored file's header in the DICOM JSON model, for WADO-RS metadata.

#include "shim.h"
#include "cdcmtk_retrieve.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcjson.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace {

// DCMTK asks this, for each binary value it writes, whether to write a BulkDataURI instead. It is
// told only the tag, not where the value stands, so the writer says whether the element being
// written is a top-level one.
class BulkDataFormat final : public DcmJsonFormatCompact {
public:
    explicit BulkDataFormat(std::string prefix) : DcmJsonFormatCompact(OFFalse), prefix_(std::move(prefix)) {}

    /// Whether the element being written is a top-level binary one.
    bool topLevelBinary = false;

    OFBool asBulkDataURI(const DcmTagKey &tag, OFString &uri) override {
        if (!topLevelBinary) return OFFalse;
        uri = OFString(uriFor(tag).c_str());
        return OFTrue;
    }

    std::string uriFor(const DcmTagKey &tag) const {
        char hex[9];
        std::snprintf(hex, sizeof hex, "%04X%04X", tag.getGroup(), tag.getElement());
        return prefix_ + hex;
    }

private:
    std::string prefix_;
};

// Value representations whose values are bytes, not text or numbers.
bool is_binary(DcmEVR vr) {
    switch (vr) {
        case EVR_OB: case EVR_OW: case EVR_OF: case EVR_OD: case EVR_OL: case EVR_OV: case EVR_UN:
        case EVR_ox: case EVR_px: case EVR_pixelItem: case EVR_pixelSQ:
            return true;
        default:
            return false;
    }
}

}  // namespace

extern "C" {

void cdcmtk_bytes_free(void *bytes) { std::free(bytes); }

bool cdcmtk_file_json(cdcmtk_file *file, const char *bulk_data_prefix, char **json_out, size_t *length_out,
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
        out << '{';
        bool first = true;
        for (DcmObject *object = dataset->nextInContainer(nullptr); object != nullptr;
             object = dataset->nextInContainer(object)) {
            if (object->getGTag() == 0x0002 || object->getETag() == 0x0000) continue;
            if (!first) out << ',';
            first = false;
            format.topLevelBinary = is_binary(object->ident());
            const OFCondition status = object->writeJson(out, format);
            if (status.bad()) {
                cdcmtk::set_error(error_out, CDCMTK_ERROR_MALFORMED, std::string("writing JSON: ") + status.text());
                return false;
            }
        }
        cdcmtk::PixelDataHeader pixel_data{};
        if (cdcmtk::pixel_data_header(*file, pixel_data)) {
            if (!first) out << ',';
            out << "\"7FE00010\":{\"vr\":\"" << pixel_data.vr << "\",\"BulkDataURI\":\""
                << format.uriFor(DCM_PixelData) << "\"}";
        }
        out << '}';
        const std::string json = out.str();
        char *copy = static_cast<char *>(std::malloc(json.size() == 0 ? 1 : json.size()));
        if (copy == nullptr) throw std::bad_alloc();
        std::memcpy(copy, json.data(), json.size());
        *json_out = copy;
        *length_out = json.size();
        return true;
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "writing JSON");
        return false;
    }
}

}  // extern "C"
