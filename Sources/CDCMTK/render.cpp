// A frame rendered for people: /rendered, /thumbnail and the contact sheet of `intake preview`.

#include "shim.h"
#include "cdcmtk_retrieve.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmimage/diregist.h>
#include <dcmtk/dcmimage/dipipng.h>
#include <dcmtk/dcmimgle/dcmimage.h>
#include <dcmtk/dcmjpeg/dipijpeg.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace {

// The frame as DCMTK displays it, windowed and scaled; null with the error set.
// `enlarge`: a smaller image is scaled up to fit too.
std::unique_ptr<DicomImage> displayed_frame(cdcmtk_file &file, uint32_t index, uint32_t max_size, bool enlarge,
                                            cdcmtk_error **error_out) {
    cdcmtk::register_decoders();
    DcmDataset *dataset = file.format->getDataset();
    if (!dataset->tagExists(DCM_PixelData)) {
        cdcmtk::set_error(error_out, CDCMTK_ERROR_NOT_FOUND, "no image");
        return nullptr;
    }
    Sint32 frames = 1;
    if (dataset->findAndGetSint32(DCM_NumberOfFrames, frames).bad() || frames < 1) frames = 1;
    if (index >= static_cast<uint32_t>(frames)) {
        cdcmtk::set_error(error_out, CDCMTK_ERROR_NOT_FOUND, "no such frame");
        return nullptr;
    }
    auto image = std::make_unique<DicomImage>(dataset, dataset->getOriginalXfer(), CIF_MayDetachPixelData, index, 1);
    if (image->getStatus() != EIS_Normal) {
        const EI_Status status = image->getStatus();
        const char *reason = DicomImage::getString(status);
        cdcmtk::set_error(error_out, CDCMTK_ERROR_UNSUPPORTED,
                          std::string("DCMTK cannot display it: ") + (reason ? reason : "unknown"));
        return nullptr;
    }
    if (image->isMonochrome()) {
        if (image->getWindowCount() > 0) {
            image->setWindow(0);
        } else if (image->getVoiLutCount() > 0) {
            image->setVoiLut(0);
        } else {
            image->setMinMaxWindow();
        }
    }
    const unsigned long width = image->getWidth();
    const unsigned long height = image->getHeight();
    const bool larger = width > max_size || height > max_size;
    if (max_size > 0 && (larger || (enlarge && width != max_size && height != max_size))) {
        const bool wide = width >= height;
        DicomImage *scaled = image->createScaledImage(static_cast<unsigned long>(wide ? max_size : 0),
                                                     static_cast<unsigned long>(wide ? 0 : max_size), 1, 1);
        if (scaled == nullptr || scaled->getStatus() != EIS_Normal) {
            delete scaled;
            cdcmtk::set_error(error_out, CDCMTK_ERROR_INTERNAL, "DCMTK could not scale the image");
            return nullptr;
        }
        image.reset(scaled);
    }
    return image;
}

// PNG without interlacing (smaller, and read by every program) and without DCMTK's own text chunks.
const DiPNGPlugin &png_plugin() {
    static const DiPNGPlugin plugin = [] {
        DiPNGPlugin configured;
        configured.setInterlaceType(E_pngInterlaceNone);
        configured.setMetainfoType(E_pngNoMetainfo);
        return configured;
    }();
    return plugin;
}

// What a plugin writes, caught in memory.
bool encode(DicomImage &image, const DiPluginFormat &plugin, unsigned char **bytes_out, size_t *length_out,
            cdcmtk_error **error_out) {
    char *buffer = nullptr;
    size_t length = 0;
    FILE *stream = open_memstream(&buffer, &length);
    if (stream == nullptr) throw std::bad_alloc();
    const int written = image.writePluginFormat(&plugin, stream, 0);
    std::fclose(stream);
    if (!written || length == 0) {
        std::free(buffer);
        cdcmtk::set_error(error_out, CDCMTK_ERROR_INTERNAL, "DCMTK could not encode the image");
        return false;
    }
    *bytes_out = reinterpret_cast<unsigned char *>(buffer);
    *length_out = length;
    return true;
}

}  // namespace

extern "C" {

bool cdcmtk_file_render(cdcmtk_file *file, uint32_t index, uint32_t max_size, cdcmtk_image_format format,
                        unsigned char **bytes_out, size_t *length_out, cdcmtk_error **error_out) {
    try {
        std::unique_ptr<DicomImage> image = displayed_frame(*file, index, max_size, false, error_out);
        if (!image) return false;
        if (format == CDCMTK_IMAGE_PNG) {
            return encode(*image, png_plugin(), bytes_out, length_out, error_out);
        }
        DiJPEGPlugin plugin;
        plugin.setQuality(90);
        return encode(*image, plugin, bytes_out, length_out, error_out);
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "rendering an image");
        return false;
    }
}

bool cdcmtk_file_render_gray(cdcmtk_file *file, uint32_t index, uint32_t max_size, unsigned char **pixels_out,
                             uint32_t *width_out, uint32_t *height_out, cdcmtk_error **error_out) {
    try {
        std::unique_ptr<DicomImage> image = displayed_frame(*file, index, max_size, true, error_out);
        if (!image) return false;
        if (!image->isMonochrome()) {
            DicomImage *gray = image->createMonochromeImage();
            if (gray == nullptr || gray->getStatus() != EIS_Normal) {
                delete gray;
                cdcmtk::set_error(error_out, CDCMTK_ERROR_UNSUPPORTED, "DCMTK could not make the image gray");
                return false;
            }
            image.reset(gray);
            image->setMinMaxWindow();
        }
        const unsigned long width = image->getWidth();
        const unsigned long height = image->getHeight();
        const void *data = image->getOutputData(8, 0, 0);
        if (data == nullptr) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_INTERNAL, "DCMTK rendered no pixels");
            return false;
        }
        *pixels_out = cdcmtk::copy_out(data, width * height);
        *width_out = static_cast<uint32_t>(width);
        *height_out = static_cast<uint32_t>(height);
        return true;
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "rendering an image");
        return false;
    }
}

bool cdcmtk_gray_png(const unsigned char *pixels, uint32_t width, uint32_t height, unsigned char **bytes_out,
                     size_t *length_out, cdcmtk_error **error_out) {
    try {
        DcmDataset dataset;
        dataset.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(height));
        dataset.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(width));
        dataset.putAndInsertUint16(DCM_SamplesPerPixel, 1);
        dataset.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
        dataset.putAndInsertUint16(DCM_BitsAllocated, 8);
        dataset.putAndInsertUint16(DCM_BitsStored, 8);
        dataset.putAndInsertUint16(DCM_HighBit, 7);
        dataset.putAndInsertUint16(DCM_PixelRepresentation, 0);
        dataset.putAndInsertUint8Array(DCM_PixelData, pixels, static_cast<unsigned long>(width) * height);
        DicomImage image(&dataset, EXS_LittleEndianExplicit);
        if (image.getStatus() != EIS_Normal) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_INTERNAL, "DCMTK could not take the pixels");
            return false;
        }
        image.setNoVoiTransformation();
        return encode(image, png_plugin(), bytes_out, length_out, error_out);
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "encoding a PNG");
        return false;
    }
}

}  // extern "C"
