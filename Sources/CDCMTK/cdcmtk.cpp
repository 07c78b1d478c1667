// The implementation of cdcmtk.h: the only translation unit that includes DCMTK.

#include "cdcmtk.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcdirrec.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrma.h>
#include <dcmtk/dcmdata/dcistrmf.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/oflog/spi/logevent.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

struct cdcmtk_error {
    cdcmtk_error_code code;
    std::string message;
};

struct cdcmtk_file {
    DcmFileFormat format;
    bool has_preamble = false;
};

namespace {

void set_error(cdcmtk_error **error_out, cdcmtk_error_code code, std::string message) noexcept {
    if (error_out == nullptr) return;
    try {
        *error_out = new cdcmtk_error{code, std::move(message)};
    } catch (...) {
        *error_out = nullptr;
    }
}

DcmItem *as_dcmtk(cdcmtk_item *item) { return reinterpret_cast<DcmItem *>(item); }
cdcmtk_item *as_c(DcmItem *item) { return reinterpret_cast<cdcmtk_item *>(item); }
DcmTagKey key(cdcmtk_tag tag) { return DcmTagKey(tag.group, tag.element); }

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

// DCMTK reads from a DcmProducer. This one reads from a file descriptor that we opened ourselves
// (O_NOFOLLOW, checked to be a regular file, the first bytes already sniffed), so that each file is
// opened and read once and errno reaches the caller. Reads go through one buffer with pread.
class DescriptorProducer final : public DcmProducer {
public:
    DescriptorProducer(int fd, uint64_t size) : fd_(fd), size_(size), buffer_(kBufferSize) {}

    OFBool good() const override { return status_.good(); }
    OFCondition status() const override { return status_; }
    OFBool eos() override { return position_ >= size_; }
    offile_off_t avail() override {
        return position_ >= size_ ? 0 : static_cast<offile_off_t>(size_ - position_);
    }

    offile_off_t read(void *destination, offile_off_t length) override {
        if (!status_.good() || length <= 0) return 0;
        auto *out = static_cast<unsigned char *>(destination);
        offile_off_t copied = 0;
        while (copied < length && position_ < size_) {
            if (!bufferHolds(position_) && !fill()) break;
            const uint64_t offsetInBuffer = position_ - bufferStart_;
            const uint64_t available = bufferLength_ - offsetInBuffer;
            const uint64_t wanted = static_cast<uint64_t>(length - copied);
            const uint64_t chunk = available < wanted ? available : wanted;
            std::memcpy(out + copied, buffer_.data() + offsetInBuffer, chunk);
            copied += static_cast<offile_off_t>(chunk);
            position_ += chunk;
        }
        return copied;
    }

    offile_off_t skip(offile_off_t length) override {
        if (!status_.good() || length <= 0) return 0;
        const uint64_t remaining = position_ >= size_ ? 0 : size_ - position_;
        const uint64_t skipped = static_cast<uint64_t>(length) < remaining ? length : remaining;
        position_ += skipped;
        return static_cast<offile_off_t>(skipped);
    }

    void putback(offile_off_t length) override {
        if (length <= 0) return;
        if (static_cast<uint64_t>(length) > position_) {
            status_ = EC_PutbackFailed;
            return;
        }
        position_ -= static_cast<uint64_t>(length);
    }

private:
    static constexpr size_t kBufferSize = 32 * 1024;

    bool bufferHolds(uint64_t offset) const {
        return offset >= bufferStart_ && offset < bufferStart_ + bufferLength_;
    }

    bool fill() {
        for (;;) {
            const ssize_t got = ::pread(fd_, buffer_.data(), buffer_.size(), static_cast<off_t>(position_));
            if (got > 0) {
                bufferStart_ = position_;
                bufferLength_ = static_cast<uint64_t>(got);
                return true;
            }
            if (got < 0 && errno == EINTR) continue;
            // The file shrank or the device failed under us: report it as the end of the stream.
            if (got < 0) status_ = makeOFCondition(OFM_dcmdata, 1, OF_error, std::strerror(errno));
            size_ = position_;
            return false;
        }
    }

    int fd_;
    uint64_t size_;
    std::vector<unsigned char> buffer_;
    uint64_t bufferStart_ = 0;
    uint64_t bufferLength_ = 0;
    uint64_t position_ = 0;
    OFCondition status_ = EC_Normal;
};

// A DcmInputStream over a DescriptorProducer. Values larger than maxReadLength are loaded later
// through newFactory(), which reopens the file by name at the right offset, as DcmInputFileStream
// does.
class DescriptorInputStream final : public DcmInputStream {
public:
    DescriptorInputStream(int fd, uint64_t size, const char *path)
        : DcmInputStream(&producer_), producer_(fd, size), path_(path) {}
    DcmInputStreamFactory *newFactory() const override {
        return new DcmInputFileStreamFactory(OFFilename(path_.c_str()), tell());
    }

private:
    DescriptorProducer producer_;
    std::string path_;
};

class Descriptor {
public:
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor &) = delete;
    Descriptor &operator=(const Descriptor &) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

cdcmtk_error_code code_for_errno(int error) {
    switch (error) {
    case ENOENT:
    case ENOTDIR:
        return CDCMTK_ERROR_NOT_FOUND;
    case EACCES:
    case EPERM:
        return CDCMTK_ERROR_PERMISSION_DENIED;
    case ELOOP:
        return CDCMTK_ERROR_SYMBOLIC_LINK;
    default:
        return CDCMTK_ERROR_UNREADABLE;
    }
}

uint16_t little16(const unsigned char *bytes) { return static_cast<uint16_t>(bytes[0] | (bytes[1] << 8)); }

// A file is DICOM when it has "DICM" after the preamble, or when it starts with an element of
// group 0002 (meta without preamble) or 0008 (a raw dataset, little or big endian). This is what
// DCMTK's auto-detection accepts too, minus the garbage it would otherwise try to parse.
bool looks_like_raw_dataset(const unsigned char *bytes, size_t length) {
    if (length < 8) return false;
    const uint16_t group = little16(bytes);
    const uint16_t element = little16(bytes + 2);
    if (group == 0x0002 || group == 0x0008) return element < 0x2000;
    if (group == 0x0200 || group == 0x0800) return (element >> 8 | (element & 0xff) << 8) < 0x2000;
    return false;
}

// One typed getter of DcmElement (getUint16, getFloat64, ...), its value widened to a double.
template <typename Value>
bool read_number(DcmElement *element, OFCondition (DcmElement::*getter)(Value &, const unsigned long),
                 unsigned long index, double *value_out) {
    Value value{};
    if ((element->*getter)(value, index).bad()) return false;
    *value_out = static_cast<double>(value);
    return true;
}

std::once_flag initialize_once;
bool initialized_ok = false;
std::string initialize_failure;

void initialize_dcmtk(cdcmtk_log_handler handler) {
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
    const DcmDataDictionary &dictionary = dcmDataDict.rdlock();
    const bool loaded = dictionary.isDictionaryLoaded();
    dcmDataDict.rdunlock();
    if (loaded) {
        initialized_ok = true;
    } else {
        const char *variable = std::getenv(DCM_DICT_ENVIRONMENT_VARIABLE);
        initialize_failure = std::string("not loaded (DCMDICTPATH=") +
                             (variable ? variable : "unset") + ", default " + DCM_DICT_DEFAULT_PATH +
                             "); install libdcmtk17 or point DCMDICTPATH at dicom.dic";
    }
}

} // namespace

extern "C" {

cdcmtk_error_code cdcmtk_error_get_code(const cdcmtk_error *error) { return error->code; }

const char *cdcmtk_error_get_message(const cdcmtk_error *error) { return error->message.c_str(); }

void cdcmtk_error_free(cdcmtk_error *error) { delete error; }

bool cdcmtk_initialize(cdcmtk_log_handler handler, cdcmtk_error **error_out) {
    try {
        std::call_once(initialize_once, initialize_dcmtk, handler);
        if (!initialized_ok) {
            set_error(error_out, CDCMTK_ERROR_DICTIONARY_MISSING, initialize_failure);
        }
        return initialized_ok;
    } catch (const std::exception &exception) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, exception.what());
    } catch (...) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, "unknown C++ exception while initialising DCMTK");
    }
    return false;
}

cdcmtk_file *cdcmtk_file_open(const char *path, cdcmtk_read_extent extent, uint32_t max_value_length,
                              cdcmtk_error **error_out) {
    try {
        Descriptor descriptor(::open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
        if (descriptor.get() < 0) {
            const int error = errno;
            set_error(error_out, code_for_errno(error),
                      error == ELOOP ? "is a symbolic link, not followed" : std::strerror(error));
            return nullptr;
        }
        struct stat status;
        if (::fstat(descriptor.get(), &status) != 0) {
            const int error = errno;
            set_error(error_out, code_for_errno(error), std::strerror(error));
            return nullptr;
        }
        if (!S_ISREG(status.st_mode)) {
            set_error(error_out, CDCMTK_ERROR_NOT_REGULAR_FILE, "is not a regular file");
            return nullptr;
        }
        const uint64_t size = static_cast<uint64_t>(status.st_size);

        unsigned char sniff[132];
        ssize_t sniffed;
        do {
            sniffed = ::pread(descriptor.get(), sniff, sizeof sniff, 0);
        } while (sniffed < 0 && errno == EINTR);
        if (sniffed < 0) {
            const int error = errno;
            set_error(error_out, code_for_errno(error), std::strerror(error));
            return nullptr;
        }
        const bool has_preamble = sniffed == 132 && std::memcmp(sniff + 128, "DICM", 4) == 0;
        if (!has_preamble && !looks_like_raw_dataset(sniff, static_cast<size_t>(sniffed))) {
            set_error(error_out, CDCMTK_ERROR_NOT_DICOM,
                      "no DICM prefix after a preamble and no DICOM element at the start");
            return nullptr;
        }

        auto file = std::make_unique<cdcmtk_file>();
        file->has_preamble = has_preamble;
        DescriptorInputStream stream(descriptor.get(), size, path);
        file->format.setReadMode(ERM_autoDetect);
        file->format.transferInit();
        const OFCondition condition = file->format.readUntilTag(
            stream, EXS_Unknown, EGL_noChange, max_value_length,
            extent == CDCMTK_READ_HEADER ? DCM_PixelData : DCM_UndefinedTagKey);
        file->format.transferEnd();
        if (condition.bad()) {
            // A file stream that asks for more data (EC_StreamNotifyClient) has ended before an
            // element was complete; so has one that stopped at its very end.
            const bool ran_out = condition == EC_StreamNotifyClient || stream.eos();
            set_error(error_out, ran_out ? CDCMTK_ERROR_TRUNCATED : CDCMTK_ERROR_MALFORMED,
                      ran_out ? std::string("ends before its last element is complete (") +
                                    condition.text() + ")"
                              : condition.text());
            return nullptr;
        }
        if (file->format.getDataset()->card() == 0) {
            set_error(error_out, CDCMTK_ERROR_NOT_DICOM, "holds no DICOM dataset");
            return nullptr;
        }
        return file.release();
    } catch (const std::bad_alloc &) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, "out of memory while parsing");
    } catch (const std::exception &exception) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, exception.what());
    } catch (...) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, "unknown C++ exception while parsing");
    }
    return nullptr;
}

void cdcmtk_file_close(cdcmtk_file *file) {
    try {
        delete file;
    } catch (...) {
    }
}

bool cdcmtk_file_has_preamble(const cdcmtk_file *file) { return file->has_preamble; }

bool cdcmtk_file_has_meta_group(const cdcmtk_file *file) {
    try {
        return const_cast<cdcmtk_file *>(file)->format.getMetaInfo()->card() > 0;
    } catch (...) {
        return false;
    }
}

const char *cdcmtk_file_transfer_syntax_uid(const cdcmtk_file *file) {
    try {
        const E_TransferSyntax syntax = const_cast<cdcmtk_file *>(file)->format.getDataset()->getOriginalXfer();
        if (syntax == EXS_Unknown) return nullptr;
        const DcmXfer xfer(syntax);
        const char *uid = xfer.getXferID();
        return (uid != nullptr && uid[0] != '\0') ? uid : nullptr;
    } catch (...) {
        return nullptr;
    }
}

cdcmtk_item *cdcmtk_file_meta(cdcmtk_file *file) { return as_c(file->format.getMetaInfo()); }

cdcmtk_item *cdcmtk_file_dataset(cdcmtk_file *file) { return as_c(file->format.getDataset()); }

bool cdcmtk_item_get_string_bytes(cdcmtk_item *item, cdcmtk_tag tag, const char **bytes_out,
                                  size_t *length_out) {
    *bytes_out = nullptr;
    *length_out = 0;
    try {
        DcmElement *element = nullptr;
        if (as_dcmtk(item)->findAndGetElement(key(tag), element).bad() || element == nullptr) return false;
        if (!element->isaString() || !element->valueLoaded()) return false;
        char *value = nullptr;
        Uint32 length = 0;
        if (element->getString(value, length).bad()) return false;
        *bytes_out = value;
        *length_out = value == nullptr ? 0 : length;
        return true;
    } catch (...) {
        return false;
    }
}

unsigned long cdcmtk_item_value_count(cdcmtk_item *item, cdcmtk_tag tag) {
    try {
        DcmElement *element = nullptr;
        if (as_dcmtk(item)->findAndGetElement(key(tag), element).bad() || element == nullptr) return 0;
        return element->getVM();
    } catch (...) {
        return 0;
    }
}

bool cdcmtk_item_get_number(cdcmtk_item *item, cdcmtk_tag tag, unsigned long index, double *value_out) {
    try {
        DcmElement *element = nullptr;
        if (as_dcmtk(item)->findAndGetElement(key(tag), element).bad() || element == nullptr) return false;
        switch (element->ident()) {
        case EVR_US: return read_number<Uint16>(element, &DcmElement::getUint16, index, value_out);
        case EVR_SS: return read_number<Sint16>(element, &DcmElement::getSint16, index, value_out);
        case EVR_UL:
        case EVR_up: // "up": a UL that DCMTK marks as a DICOMDIR offset
            return read_number<Uint32>(element, &DcmElement::getUint32, index, value_out);
        case EVR_SL:
        case EVR_IS: return read_number<Sint32>(element, &DcmElement::getSint32, index, value_out);
        case EVR_FL: return read_number<Float32>(element, &DcmElement::getFloat32, index, value_out);
        case EVR_FD:
        case EVR_DS: return read_number<Float64>(element, &DcmElement::getFloat64, index, value_out);
        default: return false;
        }
    } catch (...) {
        return false;
    }
}

unsigned long cdcmtk_item_sequence_count(cdcmtk_item *item, cdcmtk_tag tag) {
    try {
        DcmSequenceOfItems *sequence = nullptr;
        if (as_dcmtk(item)->findAndGetSequence(key(tag), sequence).bad() || sequence == nullptr) return 0;
        return sequence->card();
    } catch (...) {
        return 0;
    }
}

cdcmtk_item *cdcmtk_item_sequence_item(cdcmtk_item *item, cdcmtk_tag tag, unsigned long index) {
    try {
        DcmSequenceOfItems *sequence = nullptr;
        if (as_dcmtk(item)->findAndGetSequence(key(tag), sequence).bad() || sequence == nullptr) return nullptr;
        if (index >= sequence->card()) return nullptr;
        return as_c(sequence->getItem(index));
    } catch (...) {
        return nullptr;
    }
}

bool cdcmtk_item_get_record_offset(cdcmtk_item *item, uint32_t *offset_out) {
    try {
        auto *record = dynamic_cast<DcmDirectoryRecord *>(as_dcmtk(item));
        if (record == nullptr) return false;
        *offset_out = record->getFileOffset();
        return true;
    } catch (...) {
        return false;
    }
}

} // extern "C"
