// DCMTK's global set-up: its log routed to the caller, its data dictionary checked, the read
// options real discs need, and the allocator told how DCMTK frees (cdcmtk_initialize).

#include "shim.h"

#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcobject.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/oflog/spi/logevent.h>

#include <cstdlib>
#include <malloc.h>
#include <mutex>

namespace {

// oflog normally writes to stderr through a console appender. This appender hands every event to
// the caller's handler instead, so that the Swift side logs it through swift-log.
class HandlerAppender final : public dcmtk::log4cplus::Appender {
public:
    explicit HandlerAppender(cdcmtk_log_handler handler) : handler_(handler) {}
    ~HandlerAppender() override { destructorImpl(); }
    void close() override {}

protected:
    void append(const dcmtk::log4cplus::spi::InternalLoggingEvent &event) override {
        const dcmtk::log4cplus::LogLevel level = event.getLogLevel();
        cdcmtk_log_level mapped = CDCMTK_LOG_TRACE;
        if (level >= dcmtk::log4cplus::FATAL_LOG_LEVEL) mapped = CDCMTK_LOG_FATAL;
        else if (level >= dcmtk::log4cplus::ERROR_LOG_LEVEL) mapped = CDCMTK_LOG_ERROR;
        else if (level >= dcmtk::log4cplus::WARN_LOG_LEVEL) mapped = CDCMTK_LOG_WARN;
        else if (level >= dcmtk::log4cplus::INFO_LOG_LEVEL) mapped = CDCMTK_LOG_INFO;
        else if (level >= dcmtk::log4cplus::DEBUG_LOG_LEVEL) mapped = CDCMTK_LOG_DEBUG;
        handler_(mapped, event.getLoggerName().c_str(), event.getMessage().c_str());
    }

private:
    cdcmtk_log_handler handler_;
};

std::once_flag initialize_once;
bool initialized_ok = false;
std::string initialize_failure;

void initialize_dcmtk(cdcmtk_log_handler handler) {
    // A parse is thousands of blocks of under 128 bytes (elements, tags, short values). glibc keeps
    // such blocks in fast bins, never merged with their neighbours until asked, so a freed tree
    // stayed resident: a DICOMDIR of 10,000 records, 20 MB, for the rest of the ingest. Without
    // fast bins a freed tree merges back and is given back to the system.
    mallopt(M_MXFAST, 0);
    // Fixed thresholds, not glibc's sliding ones: freeing one large block (an array of a drop's
    // rows outgrown, a file's bytes) raised the mmap threshold to its size and the trim threshold to
    // twice that, so later large blocks came from the arenas and stayed there once freed. Blocks
    // over 256 KiB are mapped and unmapped on their own; an arena gives back a free top over 1 MiB.
    // One 10,000-file ingest peaked 3-4 MB lower, no slower.
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
    OFLog::configure(OFLogger::WARN_LOG_LEVEL);
    if (handler != nullptr) {
        dcmtk::log4cplus::Logger root = dcmtk::log4cplus::Logger::getRoot();
        root.removeAllAppenders();
        root.addAppender(dcmtk::log4cplus::SharedAppenderPtr(new HandlerAppender(handler)));
    }
    // Real discs carry known attributes as VR UN and odd value lengths; read them as the
    // dictionary says rather than failing.
    dcmEnableUnknownVRConversion.set(OFTrue);
    dcmAcceptOddAttributeLength.set(OFTrue);
    // Values as the file holds them: DCMTK's input correction removes spaces inside a UID, so two
    // different invalid UIDs could become one key. Trailing padding is removed by the shim.
    dcmEnableAutomaticInputDataCorrection.set(OFFalse);
    const DcmDataDictionary &dictionary = dcmDataDict.rdlock();
    const bool loaded = dictionary.isDictionaryLoaded();
    dcmDataDict.rdunlock();
    if (loaded) {
        initialized_ok = true;
    } else {
        const char *variable = std::getenv(DCM_DICT_ENVIRONMENT_VARIABLE);
        initialize_failure = std::string("not loaded (DCMDICTPATH=") + (variable ? variable : "unset") +
                             ", default " + DCM_DICT_DEFAULT_PATH +
                             "); install libdcmtk17 or point DCMDICTPATH at dicom.dic";
    }
}

}  // namespace

extern "C" bool cdcmtk_initialize(cdcmtk_log_handler handler, cdcmtk_error **error_out) {
    try {
        std::call_once(initialize_once, initialize_dcmtk, handler);
        if (!initialized_ok) cdcmtk::set_error(error_out, CDCMTK_ERROR_DICTIONARY_MISSING, initialize_failure);
        return initialized_ok;
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "initialising DCMTK");
    }
    return false;
}
