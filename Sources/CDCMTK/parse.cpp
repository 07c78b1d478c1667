// The parse of one file from its in-memory prefix: DCMTK reads, the shim keeps what was read before
// a break, steps over stray items, and says what happened (cdcmtk::parse, cdcmtk_file_reparse and
// the accessors of a parsed file).

#include "directory_records.h"
#include "pixel_data_extent.h"
#include "shim.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <pthread.h>

namespace cdcmtk {

namespace {

// Item starts a parse may see on a parser thread of its own with a kParserStack stack (on the
// caller's own thread, kInlineItemStarts); beyond that, a file is refused.
constexpr uint64_t kMaxItemStarts = 100000;
constexpr size_t kParserStack = size_t(256) << 20;

// Stray items stepped over in one file at most; past that the rest of the file is given up.
constexpr int kMaxStrayItems = 16;

const char *const kDeflatedTransferSyntax = "1.2.840.10008.1.2.1.99";

// Removes the elements of `item` (the dataset, or the meta group a broken file ends in) that DCMTK
// had not finished reading when the bytes ended or the parse broke off: their values are partial
// (the rest of their buffers never written). It is the last one read, but not always the last in
// tag order: elements out of order put it anywhere (found by fuzzing: a partial PatientID of
// uninitialised bytes in the middle of the list, and another inside a meta group).
void drop_incomplete_elements(DcmItem *item) {
    for (unsigned long index = item->card(); index-- > 0;) {
        DcmElement *element = item->getElement(index);
        if (element != nullptr && element->transferState() != ERW_ready) delete item->remove(index);
    }
}

std::string hex_tag(const ElementHeader &element) {
    char text[16];
    std::snprintf(text, sizeof text, "(%04X,%04X)", element.group, element.element);
    return text;
}

// The break of a parse that kept what came before it.
ReadIssue break_issue(const OFCondition &condition, bool ranOut, uint64_t position) {
    if (ranOut) {
        return ReadIssue{CDCMTK_READ_ISSUE_TRUNCATED,
                         "the file ends inside an element at byte " + std::to_string(position) +
                             "; the attributes before it were read"};
    }
    return ReadIssue{CDCMTK_READ_ISSUE_PARSE_STOPPED, std::string("the parse stopped at byte ") +
                                                          std::to_string(position) + " (" + condition.text() +
                                                          "); the attributes before it were read"};
}

// What a failed or broken parse says of a transfer syntax the file declares and DCMTK does not
// know (read as its bytes look, which may not be how it was written); empty otherwise.
std::string unknown_syntax_note(const DatasetLayout &layout) {
    if (layout.declaredTransferSyntax.empty() ||
        DcmXfer(layout.declaredTransferSyntax.c_str()).getXfer() != EXS_Unknown) {
        return "";
    }
    return "; it declares the transfer syntax " + layout.declaredTransferSyntax +
           ", which this reader does not know, and was read as its bytes look";
}

struct Parsed {
    std::unique_ptr<DcmFileFormat> format;
    uint64_t position = 0;
    std::vector<ReadIssue> issues;
};

// Moves every element of `from` that `into` lacks into `into`: what a parse resumed after a stray
// item found. An attribute read before the break is never replaced.
void merge_missing(DcmDataset &from, DcmDataset &into) {
    while (from.card() > 0) {
        DcmElement *element = from.remove(0UL);
        if (element == nullptr) break;
        if (into.tagExists(element->getTag()) || into.insert(element).bad()) delete element;
    }
}

// After a parse that stopped before the end: when what stopped it was an item or a delimiter
// outside any sequence (DCMTK takes its tag, FFFE, for one past the stop tag and ends the dataset
// there without a word), steps over it and parses on from behind it, up to kMaxStrayItems times.
void recover_after_stray_items(const std::shared_ptr<FilePrefix> &shared, Parsed &parsed, const DcmTagKey &stop) {
    FilePrefix &prefix = *shared;
    DcmDataset *dataset = parsed.format->getDataset();
    const DcmXfer xfer(dataset->getOriginalXfer());
    if (xfer.getStreamCompression() != ESC_none) return;  // positions are in compressed bytes
    const ElementWalker walker(prefix, Encoding{xfer.isExplicitVR() == OFTrue, xfer.isLittleEndian() == OFTrue});
    for (int recovered = 0; recovered < kMaxStrayItems; ++recovered) {
        ElementHeader stray;
        if (parsed.position < 8 || parsed.position >= prefix.size() || !walker.header(parsed.position - 8, stray) ||
            stray.group != 0xFFFE) {
            return;
        }
        uint64_t resume = stray.offset + 8;
        if (stray.isItem() && !walker.end(stray, resume)) {
            parsed.issues.push_back(ReadIssue{CDCMTK_READ_ISSUE_PARSE_STOPPED,
                                              "an item " + hex_tag(stray) + " outside any sequence at byte " +
                                                  std::to_string(stray.offset) +
                                                  " could not be stepped over; the attributes before it were read"});
            return;
        }
        parsed.issues.push_back(ReadIssue{CDCMTK_READ_ISSUE_STRAY_ITEM,
                                          (stray.isItem() ? "an item " : "a delimiter ") + hex_tag(stray) +
                                              " outside any sequence at byte " + std::to_string(stray.offset) +
                                              " was stepped over"});
        DcmDataset rest;
        PrefixInputStream resumed(shared, resume);
        rest.transferInit();
        const OFCondition condition =
            rest.readUntilTag(resumed, dataset->getOriginalXfer(), EGL_noChange, kMaxLoadedValueLength, stop);
        if (condition.bad() && condition != EC_EndOfStream) {
            drop_incomplete_elements(&rest);
            parsed.issues.push_back(
                break_issue(condition, condition == EC_StreamNotifyClient || resumed.eos(), resumed.position()));
        }
        rest.transferEnd();
        merge_missing(rest, *dataset);
        parsed.position = resumed.position();
        if (condition.bad() && condition != EC_EndOfStream) return;
    }
}

// The transfer syntax in which the dataset's bytes are encoded, when the meta group declares one
// whose encoding they do not have (explicit for implicit VR, big for little endian, a compressed
// syntax over an implicit dataset: common writer bugs); EXS_Unknown when the declaration fits, or
// when the bytes cannot tell (a deflated dataset, no meta group, no plausible first element).
E_TransferSyntax mislabelled_encoding(const DatasetLayout &layout) {
    if (!layout.found || layout.declaredTransferSyntax.empty()) return EXS_Unknown;
    const DcmXfer declared(layout.declaredTransferSyntax.c_str());
    if (declared.getXfer() == EXS_Unknown || declared.getStreamCompression() != ESC_none) return EXS_Unknown;
    const Encoding &actual = layout.encoding;
    if ((declared.isExplicitVR() == OFTrue) == actual.explicitVR &&
        (declared.isLittleEndian() == OFTrue) == actual.littleEndian) {
        return EXS_Unknown;
    }
    if (!actual.explicitVR) return actual.littleEndian ? EXS_LittleEndianImplicit : EXS_BigEndianImplicit;
    return actual.littleEndian ? EXS_LittleEndianExplicit : EXS_BigEndianExplicit;
}

enum class ParseOutcome { parsed, failed, needsDeeperStack };

// Adds a pixel-data-truncated issue to `issues` when the image is cut short (pixel_data_extent.h);
// never for a deflated dataset, whose bytes are no elements to step over.
void note_missing_pixel_data(std::vector<ReadIssue> &issues, FilePrefix &prefix, const DatasetLayout &layout,
                             const HeaderWalk &walk) {
    if (layout.declaredTransferSyntax == kDeflatedTransferSyntax) return;
    std::string missing = missing_pixel_data(prefix, layout, walk);
    if (!missing.empty()) issues.push_back(ReadIssue{CDCMTK_READ_ISSUE_PIXEL_DATA_TRUNCATED, std::move(missing)});
}

// Whether the parse hands DCMTK the dataset's top-level element `key`: a standard one the caller
// wants. Never one of group 0002 (the meta group is handed over whole before the dataset): in the
// dataset it is not the meta group, and handed over first it would read as one.
bool is_selected(const cdcmtk_read_limits &limits, uint32_t key) {
    if (((key >> 16) & 1) || (key >> 16) == 0x0002) return false;
    if (limits.wanted_tags == nullptr || limits.wanted_tag_count == 0) return true;
    const auto tag_key = [](const cdcmtk_tag &tag) { return uint32_t(tag.group) << 16 | tag.element; };
    const cdcmtk_tag *end = limits.wanted_tags + limits.wanted_tag_count;
    const cdcmtk_tag *found = std::lower_bound(limits.wanted_tags, end, key,
                                               [&](const cdcmtk_tag &tag, uint32_t wanted) { return tag_key(tag) < wanted; });
    return found != end && tag_key(*found) == key;
}

// Parses only the meta group and the selected elements the walk found before the stop, copied
// into a buffer of their own, and makes that the file's parse. A DICOMDIR's (0004,1220) Directory
// Record Sequence is never among them (its records' offsets are positions in the file): its
// records are parsed from the file's bytes one at a time when asked for. False when the selection
// leaves nothing out or holds nothing, or DCMTK does not read it cleanly: the caller then parses
// the whole file, which reports what is wrong.
bool parse_selected_elements(cdcmtk_file &file, const DatasetLayout &layout, const HeaderWalk &walk,
                             const cdcmtk_read_limits &limits, const DcmTagKey &stop) {
    FilePrefix &prefix = *file.prefix;
    std::vector<unsigned char> bytes(prefix.data(), prefix.data() + layout.start);
    bool leftOut = false;
    const TopLevelElement *recordSequence = nullptr;
    for (const TopLevelElement &element : walk.elements) {
        if (element.key == kDirectoryRecordSequence) {
            recordSequence = &element;
            leftOut = true;
            continue;
        }
        if (!is_selected(limits, element.key)) {
            leftOut = true;
            continue;
        }
        if (!prefix.has(element.from, element.to - element.from)) return false;
        bytes.insert(bytes.end(), prefix.data() + element.from, prefix.data() + element.to);
    }
    if (!leftOut || bytes.size() == layout.start) return false;
    const uint64_t size = bytes.size();
    auto selected = std::make_shared<FilePrefix>(std::make_unique<MemorySource>(std::move(bytes)), size, UINT64_MAX);
    auto format = std::make_unique<DcmFileFormat>();
    format->setReadMode(ERM_autoDetect);
    PrefixInputStream stream(selected, 0);
    format->transferInit();
    const OFCondition condition = format->readUntilTag(stream, EXS_Unknown, EGL_noChange, kMaxLoadedValueLength, stop);
    format->transferEnd();
    if ((condition.bad() && condition != EC_EndOfStream) || format->getDataset()->card() == 0) return false;
    file.records = DirectoryRecordCursor();
    if (recordSequence != nullptr &&
        !read_directory_records_from_bytes(file, *recordSequence, layout.encoding,
                                           format->getDataset()->getOriginalXfer(), limits.max_sequence_depth)) {
        return false;
    }
    file.itemByNative.clear();
    file.items.clear();
    file.format = std::move(format);
    file.issues.clear();
    file.meta = file.wrap(file.format->getMetaInfo());
    file.dataset = file.wrap(file.format->getDataset());
    file.parsed_until = walk.end < prefix.loaded() ? walk.end : prefix.loaded();
    return true;
}

ParseOutcome parse_within_budget(cdcmtk_file &file, cdcmtk_tag stop_before, cdcmtk_read_limits limits,
                                 cdcmtk_error **error_out) {
    FilePrefix &prefix = *file.prefix;
    const DcmTagKey stop(stop_before.group, stop_before.element);
    const DatasetLayout layout = locate_dataset(prefix, file.has_preamble);
    const uint32_t stopKey = uint32_t(stop_before.group) << 16 | stop_before.element;
    const HeaderWalk walk = screen_directory_records(prefix, layout, stopKey);
    // Only the elements the caller reads handed to DCMTK: a GE or Siemens header is mostly
    // private elements and standard ones no attribute read here needs. Only where the walk
    // followed every element to the stop; not for a deflated dataset, or one whose meta group
    // misstates its encoding.
    if (!limits.decode_every_element && walk.followed && stop != DCM_UndefinedTagKey &&
        layout.declaredTransferSyntax != kDeflatedTransferSyntax && mislabelled_encoding(layout) == EXS_Unknown &&
        prefix.refusal().empty()) {
        if (prefix.itemBudgetExceeded()) return ParseOutcome::needsDeeperStack;
        if (parse_selected_elements(file, layout, walk, limits, stop)) {
            const unsigned depth = sequence_depth(file.format->getDataset(), limits.max_sequence_depth + 1);
            if (depth <= limits.max_sequence_depth) {
                note_missing_pixel_data(file.issues, prefix, layout, walk);
                return ParseOutcome::parsed;
            }
        }
    }

    Parsed parsed;
    parsed.format = std::make_unique<DcmFileFormat>();
    parsed.format->setReadMode(ERM_autoDetect);
    DcmDataset *dataset = parsed.format->getDataset();
    const E_TransferSyntax actual = mislabelled_encoding(layout);
    OFCondition condition = EC_Normal;
    // The stream the dataset was read from (the whole file, or the dataset alone when its meta
    // group misstates its encoding).
    std::unique_ptr<PrefixInputStream> stream = std::make_unique<PrefixInputStream>(file.prefix, 0);
    parsed.format->transferInit();
    if (actual == EXS_Unknown) {
        condition = parsed.format->readUntilTag(*stream, EXS_Unknown, EGL_noChange, kMaxLoadedValueLength, stop);
    } else {
        // The meta group alone (the dataset's first element, read in the declared encoding, stops
        // it at once), then the dataset in the encoding its bytes have.
        parsed.format->readUntilTag(*stream, EXS_Unknown, EGL_noChange, kMaxLoadedValueLength, DcmTagKey(0x0003, 0));
        drop_incomplete_elements(parsed.format->getMetaInfo());
        parsed.format->transferEnd();
        dataset->clear();
        stream = std::make_unique<PrefixInputStream>(file.prefix, layout.start);
        dataset->transferInit();
        condition = dataset->readUntilTag(*stream, actual, EGL_noChange, kMaxLoadedValueLength, stop);
        const DcmXfer declared(layout.declaredTransferSyntax.c_str());
        parsed.issues.push_back(ReadIssue{CDCMTK_READ_ISSUE_TRANSFER_SYNTAX_MISMATCH,
                                          std::string("the file meta declares ") + declared.getXferName() +
                                              " but the dataset is encoded in " + DcmXfer(actual).getXferName() +
                                              "; read as encoded"});
    }
    parsed.position = stream->position();
    const bool broke = condition.bad() && condition != EC_EndOfStream;
    if (broke) {
        drop_incomplete_elements(parsed.format->getMetaInfo());
        drop_incomplete_elements(dataset);
    }
    parsed.format->transferEnd();

    if (prefix.itemBudgetExceeded()) return ParseOutcome::needsDeeperStack;
    if (!prefix.refusal().empty()) {
        set_error(error_out, CDCMTK_ERROR_MALFORMED, "holds " + prefix.refusal() + ", refused unparsed");
        return ParseOutcome::failed;
    }
    if (prefix.limitExceeded()) {
        set_error(error_out, CDCMTK_ERROR_LIMIT_EXCEEDED,
                  "needs more than " + std::to_string(limits.max_bytes) + " bytes read before its pixel data");
        return ParseOutcome::failed;
    }
    if (!prefix.status().good()) {
        set_error(error_out, CDCMTK_ERROR_UNREADABLE, prefix.status().text());
        return ParseOutcome::failed;
    }
    // A stream that asks for more data (EC_StreamNotifyClient) has ended before an element was
    // complete; so has one that stopped at its very end.
    const bool ranOut = condition == EC_StreamNotifyClient || stream->eos();
    // A dataset whose first element is past the stop tag (only private groups, say) is a parse
    // that found nothing yet, not a failure: a reparse further finds the rest.
    const bool stoppedAtTag = !broke && !stream->eos() && stop != DCM_UndefinedTagKey;
    if (dataset->card() == 0 && !stoppedAtTag) {
        const std::string note = unknown_syntax_note(layout);
        if (broke) {
            set_error(error_out, ranOut ? CDCMTK_ERROR_TRUNCATED : CDCMTK_ERROR_MALFORMED,
                      (ranOut ? std::string("ends before its first element is complete (") + condition.text() + ")"
                              : std::string(condition.text())) +
                          note);
        } else {
            set_error(error_out, CDCMTK_ERROR_NOT_DICOM, "holds no DICOM dataset" + note);
        }
        return ParseOutcome::failed;
    }
    // A syntax DCMTK does not know, and bytes that read as no element at all: the file cannot be
    // read as it declares, and that is said, not left as a file without attributes.
    if (dataset->card() == 0 && !unknown_syntax_note(layout).empty()) {
        set_error(error_out, CDCMTK_ERROR_MALFORMED, "holds nothing readable after its meta group" +
                                                         unknown_syntax_note(layout));
        return ParseOutcome::failed;
    }
    if (broke) {
        parsed.issues.push_back(break_issue(condition, ranOut, parsed.position));
        parsed.issues.back().detail += unknown_syntax_note(layout);
    } else if (stop != DCM_UndefinedTagKey) {
        recover_after_stray_items(file.prefix, parsed, stop);
        note_missing_pixel_data(parsed.issues, prefix, layout, walk);
    }
    if (prefix.itemBudgetExceeded()) return ParseOutcome::needsDeeperStack;

    const unsigned depth = sequence_depth(dataset, limits.max_sequence_depth + 1);
    if (depth > limits.max_sequence_depth) {
        set_error(error_out, CDCMTK_ERROR_LIMIT_EXCEEDED,
                  "has sequences nested more than " + std::to_string(limits.max_sequence_depth) + " deep");
        return ParseOutcome::failed;
    }
    file.records = DirectoryRecordCursor();
    file.itemByNative.clear();
    file.items.clear();
    file.format = std::move(parsed.format);
    file.issues = std::move(parsed.issues);
    file.meta = file.wrap(file.format->getMetaInfo());
    file.dataset = file.wrap(file.format->getDataset());
    // The digest covers the bytes up to where the parse stood, whatever was read ahead (a parse that
    // broke off past what was read, after a length claiming more than the file, reads the rest).
    const uint64_t until = parsed.position < prefix.size() ? parsed.position : prefix.size();
    prefix.has(0, until);
    file.parsed_until = until < prefix.loaded() ? until : prefix.loaded();
    return ParseOutcome::parsed;
}

}  // namespace

unsigned sequence_depth(DcmItem *item, unsigned cap) {
    unsigned deepest = 0;
    for (DcmObject *object = item->nextInContainer(nullptr); object != nullptr && deepest < cap;
         object = item->nextInContainer(object)) {
        auto *element = static_cast<DcmElement *>(object);
        if (element->ident() != EVR_SQ) continue;
        auto *sequence = static_cast<DcmSequenceOfItems *>(element);
        // Item after item, not by index: an index walks from the first item every time.
        for (DcmObject *entry = sequence->nextInContainer(nullptr); entry != nullptr && deepest < cap;
             entry = sequence->nextInContainer(entry)) {
            auto *child = static_cast<DcmItem *>(entry);
            const unsigned depth = 1 + (cap > 1 ? sequence_depth(child, cap - 1) : 0);
            if (depth > deepest) deepest = depth;
        }
    }
    return deepest;
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
        set_error(error_out, CDCMTK_ERROR_INTERNAL,
                  std::string("cannot start a parser thread: ") + std::strerror(created));
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

}  // namespace cdcmtk

extern "C" {

bool cdcmtk_file_reparse(cdcmtk_file *file, cdcmtk_tag stop_before, cdcmtk_read_limits limits,
                         cdcmtk_error **error_out) {
    try {
        return cdcmtk::parse(*file, stop_before, limits, error_out);
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "parsing");
    }
    return false;
}

bool cdcmtk_file_has_meta_group(const cdcmtk_file *file) {
    try {
        return const_cast<cdcmtk_file *>(file)->format->getMetaInfo()->card() > 0;
    } catch (...) {
        return false;
    }
}

const char *cdcmtk_file_transfer_syntax_uid(const cdcmtk_file *file) {
    try {
        DcmFileFormat &format = *const_cast<cdcmtk_file *>(file)->format;
        // A syntax DCMTK does not know (JPEG XL, HTJ2K in 3.6.7): DCMTK reads the dataset as its
        // bytes look, but the file is what it declares; the caller takes the meta group's UID.
        const char *declared = nullptr;
        if (format.getMetaInfo()->findAndGetString(DCM_TransferSyntaxUID, declared).good() && declared != nullptr &&
            declared[0] != '\0' && DcmXfer(declared).getXfer() == EXS_Unknown) {
            return nullptr;
        }
        const E_TransferSyntax syntax = format.getDataset()->getOriginalXfer();
        if (syntax == EXS_Unknown) return nullptr;
        const DcmXfer xfer(syntax);
        const char *uid = xfer.getXferID();
        return (uid != nullptr && uid[0] != '\0') ? uid : nullptr;
    } catch (...) {
        return nullptr;
    }
}

size_t cdcmtk_file_issue_count(const cdcmtk_file *file) { return file->issues.size(); }

bool cdcmtk_file_get_issue(const cdcmtk_file *file, size_t index, cdcmtk_read_issue_kind *kind_out,
                           const char **detail_out) {
    if (index >= file->issues.size()) return false;
    *kind_out = file->issues[index].kind;
    *detail_out = file->issues[index].detail.c_str();
    return true;
}

cdcmtk_item *cdcmtk_file_meta(cdcmtk_file *file) { return file->meta; }

cdcmtk_item *cdcmtk_file_dataset(cdcmtk_file *file) { return file->dataset; }

}  // extern "C"
