// The implementation of cdcmtk.h: the only translation unit that includes DCMTK.

#include "cdcmtk.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcdirrec.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrma.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/oflog/spi/logevent.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <unordered_map>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <new>
#include <pthread.h>
#include <exception>
#include <string>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

struct cdcmtk_error {
    cdcmtk_error_code code;
    std::string message;
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

// The bytes of one file read so far, always a prefix [0, loaded) of it: DCMTK parses from memory,
// each byte is read from the descriptor once, and the prefix up to where the parse stopped is what
// the caller digests. Reading past `limit` bytes is refused (a header that large is a finding, and
// an element that claims 4 GB never makes us read or allocate 4 GB).
class FilePrefix {
public:
    FilePrefix(int fd, uint64_t size, uint64_t limit) : fd_(fd), size_(size), limit_(limit) {}
    ~FilePrefix() {
        if (fd_ >= 0) ::close(fd_);
    }
    FilePrefix(const FilePrefix &) = delete;
    FilePrefix &operator=(const FilePrefix &) = delete;

    uint64_t size() const { return size_; }
    uint64_t loaded() const { return bytes_.size(); }
    const unsigned char *data() const { return bytes_.data(); }
    bool limitExceeded() const { return limitExceeded_; }
    const OFCondition &status() const { return status_; }
    // Why the bytes were refused before DCMTK could parse them; empty when they were not.
    const std::string &refusal() const { return refusal_; }

    // DCMTK parses nested sequences by recursion, about 1.5 KB of stack per level: a few thousand
    // levels overflow a thread's stack. Nesting needs one item start (FFFE,E000) per level, so the
    // item starts among the bytes read bound the depth DCMTK can reach. Bytes beyond `budget` item
    // starts are withheld from the parser.
    void setItemBudget(uint64_t budget) { itemBudget_ = budget; }
    bool itemBudgetExceeded() const { return itemStarts_ > itemBudget_; }

    // Makes [0, end) available (end clamped to the file), reading ahead in large steps. False when
    // the limit or a read error stops it; `loaded()` then tells how far it got.
    bool ensure(uint64_t end) {
        if (end > size_) end = size_;
        if (end <= bytes_.size()) return true;
        if (end > limit_) {
            limitExceeded_ = true;
            return false;
        }
        uint64_t target = bytes_.size() * 2;
        if (target < kFirstRead) target = kFirstRead;
        if (target < end) target = end;
        if (target > size_) target = size_;
        if (target > limit_) target = limit_;
        const uint64_t start = bytes_.size();
        bytes_.resize(target);
        uint64_t filled = start;
        while (filled < target) {
            const ssize_t got = ::pread(fd_, bytes_.data() + filled, target - filled, static_cast<off_t>(filled));
            if (got > 0) {
                filled += static_cast<uint64_t>(got);
                continue;
            }
            if (got < 0 && errno == EINTR) continue;
            // The file shrank or the device failed under us: what we have is all there is.
            if (got < 0) status_ = makeOFCondition(OFM_dcmdata, 1, OF_error, std::strerror(errno));
            size_ = filled;
            break;
        }
        bytes_.resize(filled);
        screen();
        countItemStarts();
        return end <= filled && refusal_.empty() && !itemBudgetExceeded();
    }

private:
    // DCMTK 3.6.7's DcmByteString::verify(autocorrect) miscomputes its position after shortening
    // a value component longer than the VR allows, then loops (OFString) or throws out_of_range
    // (std::string), leaking the directory record being read. DcmDirectoryRecord::read calls it on
    // (0004,1430) Directory Record Type. Such a value (a CS component over 16 bytes, or a length no
    // record type has) is refused here, before DCMTK reads the bytes that hold it.
    //
    // Candidates are found by the tag's rarest byte, 0x14, with memchr: the screen costs little
    // more than a pass over memory.
    void screen() {
        const unsigned char *data = bytes_.data();
        const size_t length = bytes_.size();
        size_t position = screenedUntil_;
        while (refusal_.empty() && position < length) {
            const void *found = std::memchr(data + position, 0x14, length - position);
            if (found == nullptr) {
                position = length;
                break;
            }
            const size_t mark = static_cast<size_t>(static_cast<const unsigned char *>(found) - data);
            // (0004,1430) little endian is 04 00 30 14, big endian 00 04 14 30.
            size_t at;
            bool isLittle;
            if (mark >= 3 && data[mark - 3] == 0x04 && data[mark - 2] == 0x00 && data[mark - 1] == 0x30) {
                at = mark - 3;
                isLittle = true;
            } else if (mark >= 2 && mark + 1 < length && data[mark - 2] == 0x00 && data[mark - 1] == 0x04 &&
                       data[mark + 1] == 0x30) {
                at = mark - 2;
                isLittle = false;
            } else {
                if (mark + 1 >= length && length < size_) {
                    position = mark;  // a big-endian tag may continue in bytes not yet read
                    break;
                }
                position = mark + 1;
                continue;
            }
            if (at + 8 > length) {
                position = length < size_ ? mark : length;
                break;
            }
            const unsigned char *hit = data + at;
            uint64_t valueLength;
            if (hit[4] == 'C' && hit[5] == 'S') {
                valueLength = isLittle ? (hit[6] | hit[7] << 8) : (hit[6] << 8 | hit[7]);
            } else if (isLittle) {
                valueLength = static_cast<uint64_t>(hit[4]) | static_cast<uint64_t>(hit[5]) << 8 |
                              static_cast<uint64_t>(hit[6]) << 16 | static_cast<uint64_t>(hit[7]) << 24;
            } else {
                position = mark + 1;
                continue;
            }
            if (valueLength > 1024) {
                refusal_ = "a Directory Record Type (0004,1430) of " + std::to_string(valueLength) + " bytes";
                break;
            }
            if (at + 8 + valueLength > length) {
                if (length < size_) {
                    position = mark;  // screened again once more bytes are in
                    break;
                }
                position = mark + 1;  // the file ends first: DCMTK reports it truncated
                continue;
            }
            size_t component = 0;
            for (uint64_t index = 0; index < valueLength; ++index) {
                component = hit[8 + index] == '\\' ? 0 : component + 1;
                if (component > 16) {
                    refusal_ = "a Directory Record Type (0004,1430) with a value over 16 characters";
                    break;
                }
            }
            position = mark + 1;
        }
        screenedUntil_ = position;
    }

    // Counts item-start tags (FFFE,E000), little endian FE FF 00 E0 and big endian FF FE E0 00, in
    // the bytes from `countedUntil_` on, found by their 0xFE with memchr. A tag cut off by the end
    // of what is read is counted once the rest is in.
    void countItemStarts() {
        const unsigned char *data = bytes_.data();
        const size_t length = bytes_.size();
        size_t position = countedUntil_;
        while (position < length) {
            const void *found = std::memchr(data + position, 0xFE, length - position);
            if (found == nullptr) {
                position = length;
                break;
            }
            const size_t mark = static_cast<size_t>(static_cast<const unsigned char *>(found) - data);
            if (mark + 3 >= length && length < size_) {
                position = mark;
                break;
            }
            if (mark + 3 < length && data[mark + 1] == 0xFF && data[mark + 2] == 0x00 && data[mark + 3] == 0xE0) {
                ++itemStarts_;
            } else if (mark >= 1 && mark + 2 < length && data[mark - 1] == 0xFF && data[mark + 1] == 0xE0 &&
                       data[mark + 2] == 0x00) {
                ++itemStarts_;
            }
            position = mark + 1;
        }
        countedUntil_ = position;
    }

    static constexpr uint64_t kFirstRead = 16 * 1024;
    uint64_t itemStarts_ = 0;
    size_t countedUntil_ = 0;
    uint64_t itemBudget_ = UINT64_MAX;
    size_t screenedUntil_ = 0;
    std::string refusal_;
    int fd_;
    uint64_t size_;
    uint64_t limit_;
    std::vector<unsigned char> bytes_;
    bool limitExceeded_ = false;
    OFCondition status_ = EC_Normal;
};

// DCMTK reads from a DcmProducer; this one reads from a FilePrefix, from any offset. Skipping over a
// value reads nothing: the bytes are read only if the parse goes on past them.
class PrefixProducer final : public DcmProducer {
public:
    PrefixProducer(std::shared_ptr<FilePrefix> prefix, uint64_t position)
        : prefix_(std::move(prefix)), position_(position) {}

    OFBool good() const override { return status().good(); }
    OFCondition status() const override {
        if (prefix_->limitExceeded() || !prefix_->refusal().empty() || prefix_->itemBudgetExceeded()) {
            return EC_IllegalCall;
        }
        return prefix_->status();
    }
    OFBool eos() override { return position_ >= prefix_->size(); }
    offile_off_t avail() override {
        return position_ >= prefix_->size() ? 0 : static_cast<offile_off_t>(prefix_->size() - position_);
    }

    offile_off_t read(void *destination, offile_off_t length) override {
        if (!good() || length <= 0) return 0;
        prefix_->ensure(position_ + static_cast<uint64_t>(length));
        if (!good()) return 0;
        const uint64_t available = prefix_->loaded() > position_ ? prefix_->loaded() - position_ : 0;
        const uint64_t copied = static_cast<uint64_t>(length) < available ? length : available;
        std::memcpy(destination, prefix_->data() + position_, copied);
        position_ += copied;
        return static_cast<offile_off_t>(copied);
    }

    offile_off_t skip(offile_off_t length) override {
        if (!good() || length <= 0) return 0;
        const uint64_t remaining = position_ >= prefix_->size() ? 0 : prefix_->size() - position_;
        const uint64_t skipped = static_cast<uint64_t>(length) < remaining ? length : remaining;
        position_ += skipped;
        return static_cast<offile_off_t>(skipped);
    }

    void putback(offile_off_t length) override {
        if (length <= 0) return;
        if (static_cast<uint64_t>(length) <= position_) position_ -= static_cast<uint64_t>(length);
    }

    uint64_t position() const { return position_; }

private:
    std::shared_ptr<FilePrefix> prefix_;
    uint64_t position_;
};

class PrefixInputStream;

// Values longer than maxReadLength are loaded on demand through a factory. This one reads them from
// the same prefix (never by reopening the path, which could by then name another file).
class PrefixStreamFactory final : public DcmInputStreamFactory {
public:
    PrefixStreamFactory(std::shared_ptr<FilePrefix> prefix, uint64_t position)
        : prefix_(std::move(prefix)), position_(position) {}
    DcmInputStream *create() const override;
    DcmInputStreamFactory *clone() const override { return new PrefixStreamFactory(prefix_, position_); }
    DcmInputStreamFactoryType ident() const override { return DFT_DcmInputTempFileStreamFactory; }

private:
    std::shared_ptr<FilePrefix> prefix_;
    uint64_t position_;
};

class PrefixInputStream final : public DcmInputStream {
public:
    PrefixInputStream(std::shared_ptr<FilePrefix> prefix, uint64_t position)
        : DcmInputStream(&producer_), producer_(prefix, position), prefix_(std::move(prefix)) {}
    DcmInputStreamFactory *newFactory() const override {
        return new PrefixStreamFactory(prefix_, producer_.position());
    }
    uint64_t position() const { return producer_.position(); }

private:
    PrefixProducer producer_;
    std::shared_ptr<FilePrefix> prefix_;
};

DcmInputStream *PrefixStreamFactory::create() const { return new PrefixInputStream(prefix_, position_); }

cdcmtk_error_code code_for_errno(int error) {
    switch (error) {
    case ENOENT:
    case ENOTDIR:
        return CDCMTK_ERROR_NOT_FOUND;
    case EACCES:
    case EPERM:
        return CDCMTK_ERROR_PERMISSION_DENIED;
    case ELOOP:
    case EXDEV:
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

// Values longer than this are not copied out of the prefix while parsing; they are loaded from it
// only if asked for (DCMTK's maxReadLength).
constexpr Uint32 kMaxLoadedValueLength = 64 * 1024;

// How deep sequences nest below `item` (0: none), counting no further than `cap`.
unsigned sequence_depth(DcmItem *item, unsigned cap) {
    unsigned deepest = 0;
    for (unsigned long index = 0; index < item->card() && deepest < cap; ++index) {
        DcmElement *element = item->getElement(index);
        if (element == nullptr || element->ident() != EVR_SQ) continue;
        auto *sequence = static_cast<DcmSequenceOfItems *>(element);
        for (unsigned long itemIndex = 0; itemIndex < sequence->card() && deepest < cap; ++itemIndex) {
            DcmItem *child = sequence->getItem(itemIndex);
            if (child == nullptr) continue;
            const unsigned depth = 1 + (cap > 1 ? sequence_depth(child, cap - 1) : 0);
            if (depth > deepest) deepest = depth;
        }
    }
    return deepest;
}

// Reports the exception being handled (call it only from a catch block): DCMTK throws on memory
// exhaustion and, in places, on hostile input.
void set_error_from_parse_exception(cdcmtk_error **error_out) {
    try {
        throw;
    } catch (const std::bad_alloc &) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, "out of memory while parsing");
    } catch (const std::exception &exception) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, exception.what());
    } catch (...) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, "unknown C++ exception while parsing");
    }
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

// A dataset or sequence item as handed out: the DcmItem, and its elements by tag. DcmItem finds an
// element by walking its list from the start; the Swift reader asks each item for dozens of tags,
// so each item's elements (kept in tag order by DCMTK) are listed once and binary-searched.
struct cdcmtk_item {
    DcmItem *item;
    cdcmtk_file *file;
    std::vector<std::pair<Uint32, DcmElement *>> elements;
    bool listed = false;

    DcmElement *find(cdcmtk_tag tag) {
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
};

struct cdcmtk_file {
    std::unique_ptr<DcmFileFormat> format;
    std::shared_ptr<FilePrefix> prefix;
    uint64_t parsed_until = 0;
    bool has_preamble = false;
    // The items handed out for the current parse, each once.
    std::deque<cdcmtk_item> items;
    std::unordered_map<DcmItem *, cdcmtk_item *> itemByNative;

    cdcmtk_item *wrap(DcmItem *native) {
        if (native == nullptr) return nullptr;
        auto found = itemByNative.find(native);
        if (found != itemByNative.end()) return found->second;
        items.push_back(cdcmtk_item{native, this, {}, false});
        itemByNative.emplace(native, &items.back());
        return &items.back();
    }
};

namespace {

// Parses the dataset from the start of the file's prefix up to the first top-level element at or
// after `stop_before` (everything for (FFFF,FFFF)), replacing an earlier parse of the same file.
// Item starts a parse may see on the caller's own thread (at most ~1.5 MB of parser stack), and on a
// parser thread of its own with a kParserStack stack; beyond that, a file is refused.
constexpr uint64_t kInlineItemStarts = 1000;
constexpr uint64_t kMaxItemStarts = 100000;
constexpr size_t kParserStack = size_t(256) << 20;

enum class ParseOutcome { parsed, failed, needsDeeperStack };

ParseOutcome parse_within_budget(cdcmtk_file &file, cdcmtk_tag stop_before, cdcmtk_read_limits limits,
                                 cdcmtk_error **error_out) {
    auto format = std::make_unique<DcmFileFormat>();
    PrefixInputStream stream(file.prefix, 0);
    format->setReadMode(ERM_autoDetect);
    format->transferInit();
    const DcmTagKey stop(stop_before.group, stop_before.element);
    const OFCondition condition = format->readUntilTag(stream, EXS_Unknown, EGL_noChange, kMaxLoadedValueLength,
                                                       stop == DCM_UndefinedTagKey ? DCM_UndefinedTagKey : stop);
    format->transferEnd();
    if (file.prefix->itemBudgetExceeded()) return ParseOutcome::needsDeeperStack;
    if (!file.prefix->refusal().empty()) {
        set_error(error_out, CDCMTK_ERROR_MALFORMED, "holds " + file.prefix->refusal() + ", refused unparsed");
        return ParseOutcome::failed;
    }
    if (file.prefix->limitExceeded()) {
        set_error(error_out, CDCMTK_ERROR_LIMIT_EXCEEDED,
                  "needs more than " + std::to_string(limits.max_bytes) + " bytes read before its pixel data");
        return ParseOutcome::failed;
    }
    if (!file.prefix->status().good()) {
        set_error(error_out, CDCMTK_ERROR_UNREADABLE, file.prefix->status().text());
        return ParseOutcome::failed;
    }
    if (condition.bad()) {
        // A stream that asks for more data (EC_StreamNotifyClient) has ended before an element was
        // complete; so has one that stopped at its very end.
        const bool ran_out = condition == EC_StreamNotifyClient || stream.eos();
        set_error(error_out, ran_out ? CDCMTK_ERROR_TRUNCATED : CDCMTK_ERROR_MALFORMED,
                  ran_out ? std::string("ends before its last element is complete (") + condition.text() + ")"
                          : condition.text());
        return ParseOutcome::failed;
    }
    if (format->getDataset()->card() == 0) {
        set_error(error_out, CDCMTK_ERROR_NOT_DICOM, "holds no DICOM dataset");
        return ParseOutcome::failed;
    }
    const unsigned depth = sequence_depth(format->getDataset(), limits.max_sequence_depth + 1);
    if (depth > limits.max_sequence_depth) {
        set_error(error_out, CDCMTK_ERROR_LIMIT_EXCEEDED,
                  "has sequences nested more than " + std::to_string(limits.max_sequence_depth) + " deep");
        return ParseOutcome::failed;
    }
    file.itemByNative.clear();
    file.items.clear();
    file.format = std::move(format);
    file.parsed_until = stream.position() < file.prefix->loaded() ? stream.position() : file.prefix->loaded();
    return ParseOutcome::parsed;
}

// Parses on the caller's thread while the item starts seen allow it; a file with more (an
// enhanced multi-frame object, or a nesting bomb) is parsed again from the bytes in memory on a
// thread with a deep stack, and refused past kMaxItemStarts.
bool parse(cdcmtk_file &file, cdcmtk_tag stop_before, cdcmtk_read_limits limits, cdcmtk_error **error_out) {
    file.prefix->setItemBudget(kInlineItemStarts);
    const ParseOutcome inline_outcome = parse_within_budget(file, stop_before, limits, error_out);
    if (inline_outcome != ParseOutcome::needsDeeperStack) return inline_outcome == ParseOutcome::parsed;

    file.prefix->setItemBudget(kMaxItemStarts);
    struct Job {
        cdcmtk_file *file;
        cdcmtk_tag stop_before;
        cdcmtk_read_limits limits;
        cdcmtk_error **error_out;
        ParseOutcome outcome = ParseOutcome::failed;
        std::exception_ptr exception;
    } job{&file, stop_before, limits, error_out};
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, kParserStack);
    pthread_t thread;
    const int created = pthread_create(
        &thread, &attributes,
        [](void *argument) -> void * {
            auto *job = static_cast<Job *>(argument);
            try {
                job->outcome = parse_within_budget(*job->file, job->stop_before, job->limits, job->error_out);
            } catch (...) {
                job->exception = std::current_exception();
            }
            return nullptr;
        },
        &job);
    pthread_attr_destroy(&attributes);
    if (created != 0) {
        set_error(error_out, CDCMTK_ERROR_INTERNAL, std::string("cannot start a parser thread: ") + std::strerror(created));
        return false;
    }
    pthread_join(thread, nullptr);
    if (job.exception) std::rethrow_exception(job.exception);
    if (job.outcome == ParseOutcome::needsDeeperStack) {
        set_error(error_out, CDCMTK_ERROR_LIMIT_EXCEEDED,
                  "has more than " + std::to_string(kMaxItemStarts) + " sequence items");
        return false;
    }
    return job.outcome == ParseOutcome::parsed;
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

int cdcmtk_open_beneath(int rootFD, const char *relative) {
    struct open_how how;
    std::memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    long fd = ::syscall(SYS_openat2, rootFD, relative, &how, sizeof how);
    if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
        // No openat2 here (an old kernel, or a seccomp filter): walk the components ourselves.
        fd = ::dup(rootFD);
        std::string rest(relative);
        while (fd >= 0) {
            const size_t slash = rest.find('/');
            const std::string component = rest.substr(0, slash);
            if (component.empty() || component == "." || component == "..") {
                ::close(static_cast<int>(fd));
                fd = -1;
                errno = EXDEV;
                break;
            }
            const bool last = slash == std::string::npos;
            const int flags = O_CLOEXEC | O_NOFOLLOW | (last ? O_RDONLY | O_NONBLOCK : O_PATH | O_DIRECTORY);
            const int next = ::openat(static_cast<int>(fd), component.c_str(), flags);
            const int saved = errno;
            ::close(static_cast<int>(fd));
            fd = next;
            errno = saved;
            if (last) break;
            rest = rest.substr(slash + 1);
        }
    }
    return static_cast<int>(fd);
}

cdcmtk_file *cdcmtk_file_open(int root, const char *path, cdcmtk_tag stop_before, cdcmtk_read_limits limits,
                              cdcmtk_error **error_out) {
    try {
        const int fd = root >= 0 ? cdcmtk_open_beneath(root, path)
                                 : ::open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
            const int error = errno;
            set_error(error_out, code_for_errno(error),
                      error == ELOOP   ? "is a symbolic link, not followed"
                      : error == EXDEV ? "leaves the folder it was found in, not followed"
                                       : std::strerror(error));
            return nullptr;
        }
        struct stat status;
        if (::fstat(fd, &status) != 0) {
            const int error = errno;
            ::close(fd);
            set_error(error_out, code_for_errno(error), std::strerror(error));
            return nullptr;
        }
        if (!S_ISREG(status.st_mode)) {
            ::close(fd);
            set_error(error_out, CDCMTK_ERROR_NOT_REGULAR_FILE, "is not a regular file");
            return nullptr;
        }
        auto prefix = std::make_shared<FilePrefix>(fd, static_cast<uint64_t>(status.st_size), limits.max_bytes);
        prefix->ensure(132);
        if (!prefix->status().good()) {
            set_error(error_out, CDCMTK_ERROR_UNREADABLE, prefix->status().text());
            return nullptr;
        }
        const bool has_preamble = prefix->loaded() >= 132 && std::memcmp(prefix->data() + 128, "DICM", 4) == 0;
        if (!has_preamble && !looks_like_raw_dataset(prefix->data(), static_cast<size_t>(prefix->loaded()))) {
            set_error(error_out, CDCMTK_ERROR_NOT_DICOM,
                      "no DICM prefix after a preamble and no DICOM element at the start");
            return nullptr;
        }
        auto file = std::make_unique<cdcmtk_file>();
        file->has_preamble = has_preamble;
        file->prefix = std::move(prefix);
        if (!parse(*file, stop_before, limits, error_out)) return nullptr;
        return file.release();
    } catch (...) {
        set_error_from_parse_exception(error_out);
    }
    return nullptr;
}

bool cdcmtk_file_reparse(cdcmtk_file *file, cdcmtk_tag stop_before, cdcmtk_read_limits limits,
                         cdcmtk_error **error_out) {
    try {
        return parse(*file, stop_before, limits, error_out);
    } catch (...) {
        set_error_from_parse_exception(error_out);
    }
    return false;
}

uint64_t cdcmtk_file_size(const cdcmtk_file *file) { return file->prefix->size(); }

void cdcmtk_file_parsed_bytes(const cdcmtk_file *file, const unsigned char **bytes_out, size_t *length_out) {
    *bytes_out = file->prefix->data();
    *length_out = static_cast<size_t>(file->parsed_until);
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
        return const_cast<cdcmtk_file *>(file)->format->getMetaInfo()->card() > 0;
    } catch (...) {
        return false;
    }
}

const char *cdcmtk_file_transfer_syntax_uid(const cdcmtk_file *file) {
    try {
        const E_TransferSyntax syntax = const_cast<cdcmtk_file *>(file)->format->getDataset()->getOriginalXfer();
        if (syntax == EXS_Unknown) return nullptr;
        const DcmXfer xfer(syntax);
        const char *uid = xfer.getXferID();
        return (uid != nullptr && uid[0] != '\0') ? uid : nullptr;
    } catch (...) {
        return nullptr;
    }
}

cdcmtk_item *cdcmtk_file_meta(cdcmtk_file *file) { return file->wrap(file->format->getMetaInfo()); }

cdcmtk_item *cdcmtk_file_dataset(cdcmtk_file *file) { return file->wrap(file->format->getDataset()); }

bool cdcmtk_item_get_string_bytes(cdcmtk_item *item, cdcmtk_tag tag, const char **bytes_out,
                                  size_t *length_out) {
    *bytes_out = nullptr;
    *length_out = 0;
    try {
        DcmElement *element = item->find(tag);
        if (element == nullptr) return false;
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
        DcmElement *element = item->find(tag);
        return element == nullptr ? 0 : element->getVM();
    } catch (...) {
        return 0;
    }
}

bool cdcmtk_item_get_number(cdcmtk_item *item, cdcmtk_tag tag, unsigned long index, double *value_out) {
    try {
        DcmElement *element = item->find(tag);
        if (element == nullptr) return false;
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

bool cdcmtk_item_get_record_offset(cdcmtk_item *item, uint32_t *offset_out) {
    try {
        auto *record = dynamic_cast<DcmDirectoryRecord *>(item->item);
        if (record == nullptr) return false;
        *offset_out = record->getFileOffset();
        return true;
    } catch (...) {
        return false;
    }
}

} // extern "C"
