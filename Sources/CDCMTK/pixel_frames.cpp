// Where a frame's bytes are: a byte range of native pixel data, or the fragments of an encapsulated one.

#include "shim.h"
#include "cdcmtk_retrieve.h"

#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace cdcmtk {

// DCMTK stops a parse at Pixel Data either before its element header or just after it, depending
// on the path the parse took; both places are looked at.
bool pixel_data_header(cdcmtk_file &file, PixelDataHeader &header) {
    const E_TransferSyntax xfer = file.format->getDataset()->getOriginalXfer();
    const bool big_endian = xfer != EXS_Unknown && DcmXfer(xfer).isBigEndian();
    const bool explicit_vr = xfer == EXS_Unknown || DcmXfer(xfer).isExplicitVR();
    const uint64_t header_length = explicit_vr ? 12 : 8;
    auto u16 = [&](const unsigned char *p) -> uint32_t { return big_endian ? (p[0] << 8 | p[1]) : (p[1] << 8 | p[0]); };
    auto u32 = [&](const unsigned char *p) -> uint32_t {
        return big_endian ? (uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3])
                          : (uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0]);
    };
    const uint64_t stop = file.parsed_until;
    for (const uint64_t at : {stop, stop >= header_length ? stop - header_length : UINT64_MAX}) {
        if (at == UINT64_MAX || !file.prefix->has(at, header_length)) continue;
        const unsigned char *bytes = file.prefix->data() + at;
        if (u16(bytes) != 0x7FE0 || u16(bytes + 2) != 0x0010) continue;
        header.value_offset = at + header_length;
        header.value_length = u32(bytes + (explicit_vr ? 8 : 4));
        header.vr = explicit_vr && std::memcmp(bytes + 4, "OB", 2) == 0 ? "OB" : "OW";
        return true;
    }
    return false;
}

}  // namespace cdcmtk

namespace {

using cdcmtk::PixelDataHeader;
using cdcmtk::pixel_data_header;

long number(DcmItem *dataset, const DcmTagKey &tag, long fallback) {
    Uint16 value16 = 0;
    if (dataset->findAndGetUint16(tag, value16).good()) return value16;
    long value = 0;
    if (dataset->findAndGetLongInt(tag, value).good()) return value;
    OFString text;
    if (dataset->findAndGetOFString(tag, text).good()) {
        char *end = nullptr;
        const long parsed = std::strtol(text.c_str(), &end, 10);
        if (end != text.c_str()) return parsed;
    }
    return fallback;
}

}  // namespace

extern "C" {

bool cdcmtk_file_pixel_data_is_encapsulated(cdcmtk_file *file) {
    PixelDataHeader header{};
    return pixel_data_header(*file, header) && header.value_length == 0xFFFFFFFF;
}

bool cdcmtk_file_native_frame_range(cdcmtk_file *file, uint32_t index, uint64_t *offset_out, uint64_t *length_out,
                                    cdcmtk_error **error_out) {
    try {
        PixelDataHeader header{};
        if (!pixel_data_header(*file, header) || header.value_length == 0xFFFFFFFF) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_NOT_FOUND, "no native pixel data");
            return false;
        }
        DcmItem *dataset = file->format->getDataset();
        const long rows = number(dataset, DCM_Rows, 0);
        const long columns = number(dataset, DCM_Columns, 0);
        const long samples = number(dataset, DCM_SamplesPerPixel, 1);
        const long bits = number(dataset, DCM_BitsAllocated, 0);
        const long frames = number(dataset, DCM_NumberOfFrames, 1);
        if (rows <= 0 || columns <= 0 || samples <= 0 || bits <= 0 || frames <= 0) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_MALFORMED, "the image pixel attributes do not give a frame size");
            return false;
        }
        if (index >= static_cast<unsigned long>(frames)) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_NOT_FOUND, "no such frame");
            return false;
        }
        const uint64_t frame_bits = uint64_t(rows) * uint64_t(columns) * uint64_t(samples) * uint64_t(bits);
        // Frames of 1-bit data are packed one after another, not byte-aligned; only whole bytes are served.
        if (frame_bits % 8 != 0 && frames > 1) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_UNSUPPORTED, "frames of packed bits do not start on a byte");
            return false;
        }
        const uint64_t frame_length = (frame_bits + 7) / 8;
        const uint64_t start = uint64_t(index) * frame_length;
        if (start + frame_length > header.value_length) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_TRUNCATED, "the pixel data ends before the frame");
            return false;
        }
        *offset_out = header.value_offset + start;
        *length_out = frame_length;
        return true;
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "locating a frame");
        return false;
    }
}

bool cdcmtk_file_encapsulated_frame(cdcmtk_file *file, uint32_t index, unsigned char **bytes_out, size_t *length_out,
                                    cdcmtk_error **error_out) {
    try {
        DcmDataset *dataset = file->format->getDataset();
        DcmElement *element = nullptr;
        if (dataset->findAndGetElement(DCM_PixelData, element).bad() || element == nullptr) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_NOT_FOUND, "no pixel data");
            return false;
        }
        DcmPixelData *pixel_data = OFstatic_cast(DcmPixelData *, element);
        E_TransferSyntax xfer = EXS_Unknown;
        const DcmRepresentationParameter *parameter = nullptr;
        pixel_data->getOriginalRepresentationKey(xfer, parameter);
        DcmPixelSequence *sequence = nullptr;
        if (pixel_data->getEncapsulatedRepresentation(xfer, parameter, sequence).bad() || sequence == nullptr) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_NOT_FOUND, "the pixel data is not encapsulated");
            return false;
        }
        const long frames = number(dataset, DCM_NumberOfFrames, 1);
        const Uint32 items = static_cast<Uint32>(sequence->card());  // item 0 is the offset table
        if (frames <= 0 || index >= static_cast<unsigned long>(frames) || items < 2) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_NOT_FOUND, "no such frame");
            return false;
        }
        Uint32 first = 1;
        Uint32 end = items;
        if (frames > 1) {
            if (DcmCodec::determineStartFragment(index, frames, sequence, first).bad()) {
                cdcmtk::set_error(error_out, CDCMTK_ERROR_UNSUPPORTED,
                                  "the fragments of the frames cannot be told apart (no offset table)");
                return false;
            }
            if (index + 1 < static_cast<unsigned long>(frames) &&
                DcmCodec::determineStartFragment(index + 1, frames, sequence, end).bad()) {
                cdcmtk::set_error(error_out, CDCMTK_ERROR_UNSUPPORTED,
                                  "the fragments of the frames cannot be told apart (no offset table)");
                return false;
            }
        }
        std::vector<unsigned char> bytes;
        for (Uint32 position = first; position < end && position < items; ++position) {
            DcmPixelItem *item = nullptr;
            if (sequence->getItem(item, position).bad() || item == nullptr) break;
            Uint8 *data = nullptr;
            const Uint32 length = item->getLength();
            if (length == 0) continue;
            if (item->getUint8Array(data).bad() || data == nullptr) {
                cdcmtk::set_error(error_out, CDCMTK_ERROR_TRUNCATED, "a fragment of the frame could not be read");
                return false;
            }
            bytes.insert(bytes.end(), data, data + length);
        }
        *bytes_out = cdcmtk::copy_out(bytes.data(), bytes.size());
        *length_out = bytes.size();
        return true;
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "reading a frame");
        return false;
    }
}

}  // extern "C"
