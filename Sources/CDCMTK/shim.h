// What the shim's translation units share: the error and handle types behind cdcmtk.h's opaque
// names, the in-memory file prefix DCMTK parses from, and the parse itself. Not part of the API.

#ifndef CDCMTK_SHIM_H
#define CDCMTK_SHIM_H

#include "cdcmtk.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "element_walk.h"
#include "file_prefix.h"

struct cdcmtk_error {
    cdcmtk_error_code code;
    std::string message;
};

namespace cdcmtk {

/// Stores a new error in `*error_out` (when the caller wants one); never throws.
void set_error(cdcmtk_error **error_out, cdcmtk_error_code code, std::string message) noexcept;

/// Reports the exception being handled (call it only from a catch block): DCMTK throws on memory
/// exhaustion and, in places, on hostile input.
void set_error_from_exception(cdcmtk_error **error_out, const char *during) noexcept;

/// Something that went wrong while reading a file whose header was still kept.
struct ReadIssue {
    cdcmtk_read_issue_kind kind;
    std::string detail;
};

}  // namespace cdcmtk

// A dataset or sequence item as handed out: the DcmItem, and its elements by tag. DcmItem finds an
// element by walking its list from the start; the Swift reader asks each item for dozens of tags,
// so each item's elements (kept in tag order by DCMTK) are listed once and binary-searched.
struct cdcmtk_item {
    DcmItem *item;
    cdcmtk_file *file;
    std::vector<std::pair<Uint32, DcmElement *>> elements;
    bool listed = false;

    DcmElement *find(cdcmtk_tag tag);
};

namespace cdcmtk {

// Where a DICOMDIR's next directory record comes from (cdcmtk_file_next_directory_record): the
// items of a (0004,1220) element the parse left out, each parsed from the file's bytes when its
// turn comes and released at the next (a 10,000-record DICOMDIR never stands in memory as one
// tree), or the sequence a parse of every element built.
struct DirectoryRecordCursor {
    // Records from bytes: how they are encoded, where the next item's header stands, and where the
    // sequence's value ends (past its delimiter for an undefined length).
    bool inBytes = false;
    Encoding encoding;
    E_TransferSyntax xfer = EXS_Unknown;
    uint64_t next = 0;
    uint64_t end = 0;
    unsigned maxSequenceDepth = 0;
    // The record last parsed from bytes, and the handle it was handed out as.
    std::unique_ptr<DcmItem> record;
    cdcmtk_item handedOut{};
    // Records from the parsed dataset: the last one handed out.
    DcmObject *previous = nullptr;
    bool finished = false;
};

}  // namespace cdcmtk

struct cdcmtk_file {
    std::unique_ptr<DcmFileFormat> format;
    std::shared_ptr<cdcmtk::FilePrefix> prefix;
    uint64_t parsed_until = 0;
    bool has_preamble = false;
    /// What the last parse met and got past, or stopped at while keeping what came before.
    std::vector<cdcmtk::ReadIssue> issues;
    // The items handed out for the current parse, each once.
    std::deque<cdcmtk_item> items;
    std::unordered_map<DcmItem *, cdcmtk_item *> itemByNative;
    // The meta group and the dataset, wrapped when the parse succeeded (so handing them out
    // allocates nothing and cannot throw).
    cdcmtk_item *meta = nullptr;
    cdcmtk_item *dataset = nullptr;
    cdcmtk::DirectoryRecordCursor records;

    cdcmtk_item *wrap(DcmItem *native);
};

namespace cdcmtk {

/// Values longer than this are not copied out of the prefix while parsing; they are loaded from it
/// only if asked for (DCMTK's maxReadLength).
constexpr Uint32 kMaxLoadedValueLength = 64 * 1024;

/// Item starts a parse may see on the caller's own thread (at most ~1.5 MB of parser stack): DCMTK
/// parses nested sequences by recursion.
constexpr uint64_t kInlineItemStarts = 1000;

/// How deep sequences nest below `item` (0: none), counting no further than `cap`.
unsigned sequence_depth(DcmItem *item, unsigned cap);

/// Parses `file`'s dataset from the start of its prefix up to the first top-level element at or
/// after `stop_before`, replacing an earlier parse. False with `*error_out` set when nothing usable
/// was read.
bool parse(cdcmtk_file &file, cdcmtk_tag stop_before, cdcmtk_read_limits limits, cdcmtk_error **error_out);

/// The Pixel Data element a parse stopped at (one stopped before (7FE0,0010)).
struct PixelDataHeader {
    uint64_t value_offset;
    uint32_t value_length;  // 0xFFFFFFFF: encapsulated
    const char *vr;         // "OB" or "OW"
};

/// A malloc'd copy of `length` bytes for the caller (released with cdcmtk_bytes_free); throws
/// std::bad_alloc when there is no memory.
unsigned char *copy_out(const void *bytes, size_t length);

/// Registers DCMTK's JPEG, JPEG-LS and RLE decoders, once per process.
void register_decoders();

/// Finds the Pixel Data element where the parse of `file` stopped; false when the file does not go
/// on with one.
bool pixel_data_header(cdcmtk_file &file, PixelDataHeader &header);

}  // namespace cdcmtk

#endif
