// A copy of a stored file in an uncompressed transfer syntax, for a client that does not take the
// stored one. The original is never written.

#include "shim.h"
#include "cdcmtk_retrieve.h"

#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace cdcmtk {

void register_decoders() {
    static std::once_flag once;
    std::call_once(once, [] {
        DJDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
    });
}

}  // namespace cdcmtk

extern "C" {

bool cdcmtk_file_write_uncompressed(cdcmtk_file *file, const char *transfer_syntax, const char *path,
                                    cdcmtk_error **error_out) {
    try {
        cdcmtk::register_decoders();
        const DcmXfer target(transfer_syntax);
        if (target.getXfer() == EXS_Unknown || target.isEncapsulated() || target.getStreamCompression() != ESC_none) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_UNSUPPORTED,
                              std::string("not an uncompressed transfer syntax: ") + transfer_syntax);
            return false;
        }
        DcmDataset *dataset = file->format->getDataset();
        OFCondition status = dataset->chooseRepresentation(target.getXfer(), nullptr);
        if (status.bad() || !dataset->canWriteXfer(target.getXfer())) {
            const DcmXfer source(dataset->getOriginalXfer());
            cdcmtk::set_error(error_out, CDCMTK_ERROR_UNSUPPORTED,
                              std::string("DCMTK cannot decode ") + source.getXferName() +
                                  (status.bad() ? std::string(": ") + status.text() : std::string()));
            return false;
        }
        // Created here, owner-only and new, so that DCMTK writes into a file of ours and no other.
        const int fd = ::open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            cdcmtk::set_error(error_out, CDCMTK_ERROR_UNREADABLE, std::string(path) + ": " + std::strerror(errno));
            return false;
        }
        ::close(fd);
        status = file->format->saveFile(path, target.getXfer(), EET_ExplicitLength, EGL_recalcGL, EPD_noChange, 0,
                                        0, EWM_updateMeta);
        if (status.bad()) {
            ::unlink(path);
            cdcmtk::set_error(error_out, CDCMTK_ERROR_UNREADABLE, std::string("writing the copy: ") + status.text());
            return false;
        }
        return true;
    } catch (...) {
        ::unlink(path);
        cdcmtk::set_error_from_exception(error_out, "writing an uncompressed copy");
        return false;
    }
}

}  // extern "C"
