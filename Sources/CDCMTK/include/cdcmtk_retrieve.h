// What the DICOMweb server asks of a stored file opened with cdcmtk_file_open: its header in the
// DICOM JSON model, where a frame's bytes are, and a copy in another transfer syntax.

#ifndef CDCMTK_RETRIEVE_H
#define CDCMTK_RETRIEVE_H

#include "cdcmtk.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Releases bytes the shim allocated for the caller.
void cdcmtk_bytes_free(void *_Nullable bytes);

/// The file's dataset, as far as it was parsed, in the DICOM JSON model (PS3.18 F.2) as DCMTK writes
/// it: text converted to UTF-8 (SpecificCharacterSet becomes ISO_IR 192), numbers as numbers, names
/// as objects, no "Value" for empty attributes; group 0002 and group lengths left out. Every binary
/// value (OB, OD, OF, OL, OV, OW, UN) becomes a BulkDataURI, `bulk_data_prefix` followed by its
/// path: the tag's eight hex digits at the top level, `TAG/ITEM/TAG…` inside sequences (items from
/// 0), which cdcmtk_file_element_value takes back. When the parse
/// stopped before (7FE0,0010) Pixel Data and the file goes on with it, Pixel Data is listed as a
/// BulkDataURI too. (0008,3002) AvailableTransferSyntaxUID is set to the file's transfer syntax.
/// Changes the parsed dataset (its character set). The JSON (one object, not NUL-terminated) goes
/// to `*json_out`, released with cdcmtk_bytes_free.
bool cdcmtk_file_json(cdcmtk_file *_Nonnull file, const char *_Nonnull bulk_data_prefix,
                      unsigned char *_Nullable *_Nonnull json_out, size_t *_Nonnull length_out,
                      cdcmtk_error *_Nullable *_Nullable error_out);

/// Where frame `index` (from 0) of native (uncompressed) pixel data lies in the file: a file parsed
/// up to (7FE0,0010), whose next element is Pixel Data with a defined length. The frame's size
/// comes from Rows, Columns, SamplesPerPixel, BitsAllocated and NumberOfFrames. Fails with
/// CDCMTK_ERROR_NOT_FOUND when the file has no such frame or no native pixel data.
bool cdcmtk_file_native_frame_range(cdcmtk_file *_Nonnull file, uint32_t index, uint64_t *_Nonnull offset_out,
                                    uint64_t *_Nonnull length_out, cdcmtk_error *_Nullable *_Nullable error_out);

/// Whether the file (parsed up to (7FE0,0010)) goes on with encapsulated Pixel Data (undefined length).
bool cdcmtk_file_pixel_data_is_encapsulated(cdcmtk_file *_Nonnull file);

/// Frame `index` (from 0) of encapsulated pixel data, in a file parsed to its end: the frame's
/// fragments concatenated without their item headers (PS3.18 8.7.3.5.2), found through the Basic
/// Offset Table, or one fragment per frame, or every fragment for a single frame. Released with
/// cdcmtk_bytes_free. CDCMTK_ERROR_NOT_FOUND when there is no such frame.
bool cdcmtk_file_encapsulated_frame(cdcmtk_file *_Nonnull file, uint32_t index,
                                    unsigned char *_Nullable *_Nonnull bytes_out, size_t *_Nonnull length_out,
                                    cdcmtk_error *_Nullable *_Nullable error_out);

/// The value of the attribute at `path` (as cdcmtk_file_json names bulk data: `TAG` at the top
/// level, `TAG/ITEM/TAG…` inside sequences, items from 0) of a file parsed to its end, as
/// little-endian bytes; encapsulated pixel data inside a sequence (an icon) as its fragments one
/// after another. CDCMTK_ERROR_NOT_FOUND when there is no such attribute, CDCMTK_ERROR_UNSUPPORTED
/// for a sequence or the top-level encapsulated pixel data (asked for frame by frame). Released with
/// cdcmtk_bytes_free.
bool cdcmtk_file_element_value(cdcmtk_file *_Nonnull file, const char *_Nonnull path,
                               unsigned char *_Nullable *_Nonnull bytes_out, size_t *_Nonnull length_out,
                               cdcmtk_error *_Nullable *_Nullable error_out);

/// Writes the dataset of a file parsed to its end as a Part-10 file at `path` (created owner-only,
/// replacing nothing: it must not exist) in `transfer_syntax`, an uncompressed one; compressed pixel
/// data is decoded with DCMTK's JPEG, JPEG-LS and RLE decoders. CDCMTK_ERROR_UNSUPPORTED when DCMTK
/// cannot decode the file's transfer syntax (JPEG 2000, video) or the target is not uncompressed.
bool cdcmtk_file_write_uncompressed(cdcmtk_file *_Nonnull file, const char *_Nonnull transfer_syntax,
                                    const char *_Nonnull path, cdcmtk_error *_Nullable *_Nullable error_out);

/// How a rendered image is encoded.
typedef enum cdcmtk_image_format {
    CDCMTK_IMAGE_JPEG = 1,
    CDCMTK_IMAGE_PNG = 2,
} cdcmtk_image_format;

/// Renders frame `index` (from 0) of a file parsed to its end as DCMTK's image library displays it:
/// compressed pixel data decoded (JPEG, JPEG-LS, RLE); monochrome through the file's first VOI
/// window, else its first VOI LUT, else the frame's minimum and maximum; color as stored; scaled,
/// aspect kept, to fit `max_size` by `max_size` pixels (0: as it is). Encoded as JPEG (quality 90)
/// or PNG. CDCMTK_ERROR_UNSUPPORTED when DCMTK cannot decode or display the pixel data (JPEG 2000,
/// say), CDCMTK_ERROR_NOT_FOUND when there is no such frame or no image. Released with cdcmtk_bytes_free.
bool cdcmtk_file_render(cdcmtk_file *_Nonnull file, uint32_t index, uint32_t max_size, cdcmtk_image_format format,
                        unsigned char *_Nullable *_Nonnull bytes_out, size_t *_Nonnull length_out,
                        cdcmtk_error *_Nullable *_Nullable error_out);

/// As cdcmtk_file_render, but the rendered frame's 8-bit gray pixels (color made gray), row by
/// row, `*width_out` by `*height_out`, and a smaller image scaled up to fit `max_size` too.
/// Released with cdcmtk_bytes_free.
bool cdcmtk_file_render_gray(cdcmtk_file *_Nonnull file, uint32_t index, uint32_t max_size,
                             unsigned char *_Nullable *_Nonnull pixels_out, uint32_t *_Nonnull width_out,
                             uint32_t *_Nonnull height_out, cdcmtk_error *_Nullable *_Nullable error_out);

/// Encodes 8-bit gray pixels (`width` by `height`, row by row) as PNG through DCMTK's image library.
/// Released with cdcmtk_bytes_free.
bool cdcmtk_gray_png(const unsigned char *_Nonnull pixels, uint32_t width, uint32_t height,
                     unsigned char *_Nullable *_Nonnull bytes_out, size_t *_Nonnull length_out,
                     cdcmtk_error *_Nullable *_Nullable error_out);

#ifdef __cplusplus
}
#endif

#endif
