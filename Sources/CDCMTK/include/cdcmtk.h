// A small C API over DCMTK's dcmdata, so that Swift never sees a C++ type.
//
// Handles are opaque and owned by the caller: every `_open` has its `_close`, every error its
// `cdcmtk_error_free`. Pointers returned as "borrowed" stay valid until the handle they came from is
// closed; Swift copies them at once. Every entry point catches C++ exceptions and reports them as
// CDCMTK_ERROR_INTERNAL, so no exception ever unwinds into Swift.

#ifndef CDCMTK_H
#define CDCMTK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Why an operation failed. The values are stable; Swift maps them onto `DICOMReadError.Code`.
typedef enum cdcmtk_error_code {
    CDCMTK_ERROR_NOT_FOUND = 1,
    CDCMTK_ERROR_PERMISSION_DENIED = 2,
    CDCMTK_ERROR_NOT_REGULAR_FILE = 3,
    CDCMTK_ERROR_UNREADABLE = 4,
    CDCMTK_ERROR_NOT_DICOM = 5,
    CDCMTK_ERROR_TRUNCATED = 6,
    CDCMTK_ERROR_MALFORMED = 7,
    CDCMTK_ERROR_DICTIONARY_MISSING = 8,
    CDCMTK_ERROR_INTERNAL = 9,
    CDCMTK_ERROR_SYMBOLIC_LINK = 10,
    /// A cdcmtk_read_limits bound was exceeded.
    CDCMTK_ERROR_LIMIT_EXCEEDED = 11,
    /// DCMTK cannot do what was asked of this file (decode its transfer syntax, say).
    CDCMTK_ERROR_UNSUPPORTED = 12,
} cdcmtk_error_code;

/// A failure: a code plus DCMTK's own message. Release with cdcmtk_error_free.
typedef struct cdcmtk_error cdcmtk_error;

cdcmtk_error_code cdcmtk_error_get_code(const cdcmtk_error *_Nonnull error);
/// Borrowed; valid until cdcmtk_error_free.
const char *_Nonnull cdcmtk_error_get_message(const cdcmtk_error *_Nonnull error);
void cdcmtk_error_free(cdcmtk_error *_Nullable error);

/// Severity of a DCMTK log event, in oflog's order.
typedef enum cdcmtk_log_level {
    CDCMTK_LOG_TRACE = 0,
    CDCMTK_LOG_DEBUG = 1,
    CDCMTK_LOG_INFO = 2,
    CDCMTK_LOG_WARN = 3,
    CDCMTK_LOG_ERROR = 4,
    CDCMTK_LOG_FATAL = 5,
} cdcmtk_log_level;

/// Receives DCMTK's log events. `logger` and `message` are borrowed for the duration of the call.
/// Called from whichever thread DCMTK logs on.
typedef void (*cdcmtk_log_handler)(cdcmtk_log_level level, const char *_Nonnull logger,
                                   const char *_Nonnull message);

/// Prepares DCMTK's global state once per process: loads the data dictionary (and checks that it
/// did load), routes oflog's output to `handler` instead of stderr, and turns on the tolerant read
/// options real discs need (VR UN converted to the dictionary's VR, odd lengths accepted), and turns
/// off glibc's fast bins, which kept freed parse trees resident (M_MXFAST 0), and fixes its mmap and
/// trim thresholds (256 KiB, 1 MiB), which slid up and kept large freed blocks. Later calls do nothing
/// and return the first call's outcome. Returns false and sets `*error_out`
/// (CDCMTK_ERROR_DICTIONARY_MISSING) when the dictionary could not be loaded.
bool cdcmtk_initialize(cdcmtk_log_handler _Nullable handler,
                       cdcmtk_error *_Nullable *_Nullable error_out);

/// One parsed DICOM file (DcmFileFormat inside).
typedef struct cdcmtk_file cdcmtk_file;

/// A dataset or a sequence item (DcmItem inside). Always borrowed from a cdcmtk_file.
typedef struct cdcmtk_item cdcmtk_item;

/// A DICOM attribute tag.
typedef struct cdcmtk_tag {
    uint16_t group;
    uint16_t element;
} cdcmtk_tag;

/// Opens `relative` below the folder open as `root` for reading, refusing a symbolic link in any
/// component (ELOOP) and any path that resolves outside `root` (EXDEV): openat2 with RESOLVE_BENEATH
/// and RESOLVE_NO_SYMLINKS, or, where the kernel lacks it, a walk of the components with O_NOFOLLOW.
/// Returns a descriptor (O_CLOEXEC), or -1 with errno set.
int cdcmtk_open_beneath(int root, const char *_Nonnull relative);

/// Bounds on what reading one file may cost. Exceeding one is CDCMTK_ERROR_LIMIT_EXCEEDED.
typedef struct cdcmtk_read_limits {
    /// Bytes read from the file at most (everything before the place where the parse stops).
    uint64_t max_bytes;
    /// Sequences nested deeper than this.
    uint32_t max_sequence_depth;
    /// True: DCMTK parses every element of the dataset. False: the top-level elements are found
    /// by walking their headers (values skipped by their lengths, sequences followed to their
    /// delimiters), and DCMTK is handed only the meta group and the standard (even group)
    /// elements among `wanted_tags` (all standard elements when there are none), which it decodes
    /// whole, sequences included: private groups and unwanted elements are stepped over. A
    /// DICOMDIR's (0004,1220) Directory Record Sequence is left out, its records parsed one at a
    /// time by cdcmtk_file_next_directory_record. Where the walk cannot follow the bytes, or the
    /// dataset is deflated or mislabelled, DCMTK parses every element.
    bool decode_every_element;
    /// The top-level attributes the caller will ask for, in ascending tag order; borrowed for
    /// the call.
    const struct cdcmtk_tag *_Nullable wanted_tags;
    size_t wanted_tag_count;
} cdcmtk_read_limits;

/// Something that went wrong while reading a file whose header was still kept. The values are
/// stable; Swift maps them onto `DICOMHeader.ReadIssue.Kind`.
typedef enum cdcmtk_read_issue_kind {
    /// The file ends inside an element; the elements before it were kept.
    CDCMTK_READ_ISSUE_TRUNCATED = 1,
    /// The parse broke off at bytes DCMTK could not read; the elements before them were kept.
    CDCMTK_READ_ISSUE_PARSE_STOPPED = 2,
    /// An item or delimiter stood outside any sequence; it was stepped over and the parse went on.
    CDCMTK_READ_ISSUE_STRAY_ITEM = 3,
    /// The meta group declares another transfer syntax than the dataset's bytes use; the dataset
    /// was read as its bytes are.
    CDCMTK_READ_ISSUE_TRANSFER_SYNTAX_MISMATCH = 4,
    /// The header is whole, but the file ends inside its Pixel Data, or holds less pixel data
    /// than the image's attributes need (told from lengths, nothing decoded).
    CDCMTK_READ_ISSUE_PIXEL_DATA_TRUNCATED = 5,
} cdcmtk_read_issue_kind;

/// Opens and parses `path` (below the folder open as `root`, through cdcmtk_open_beneath, when
/// `root` is not -1) up to the first top-level element whose tag is at or after
/// `stop_before` ((7FE0,0010) Pixel Data: the header, as loadFileUntilTag; (FFFF,FFFF): all).
/// The file is opened once, refusing a final symlink (CDCMTK_ERROR_SYMBOLIC_LINK), and sniffed
/// before parsing: it must carry "DICM" after a 128-byte preamble, or start with a plausible group
/// 0002/0008 element (a raw dataset, implicit or explicit VR); anything else is
/// CDCMTK_ERROR_NOT_DICOM without being parsed. The bytes are read once into memory, as far as the
/// parse goes, and parsed from there; values over 64 KiB are left in those bytes until asked for.
/// A parse that breaks off keeps the elements read before the break and says so as a read issue
/// (an element DCMTK had not finished, wherever it stands, is dropped); an item or delimiter outside any
/// sequence, which DCMTK takes for the end of the dataset, is stepped over and the parse resumed
/// behind it. The meta group's transfer syntax is checked against the dataset's bytes, which are
/// read as they are (DCMTK's dcmAutoDetectDatasetXfer). Values are kept as the file holds them
/// (DCMTK's input correction, which removes spaces inside UIDs, is off).
/// Returns NULL and sets `*error_out` when nothing usable was read.
cdcmtk_file *_Nullable cdcmtk_file_open(int root, const char *_Nonnull path, cdcmtk_tag stop_before,
                                        cdcmtk_read_limits limits,
                                        cdcmtk_error *_Nullable *_Nullable error_out);
/// Reads up to `length` bytes into `buffer`, continuing where the previous call stopped. Returns the
/// number read, 0 at the end, or -1 on a read error.
typedef long (*cdcmtk_read_callback)(void *_Nullable context, void *_Nonnull buffer, size_t length);

/// As cdcmtk_file_open, for bytes that are not a file of their own (an entry of an archive): they
/// are asked for in order from `read`, only as far as the parse goes, until the file is closed
/// (a reparse may ask for more). `size` is the entry's size as its container says; `label` names it
/// in errors. Sniffed, guarded and parsed exactly as a file is.
cdcmtk_file *_Nullable cdcmtk_file_open_stream(cdcmtk_read_callback _Nonnull read, void *_Nullable context,
                                               uint64_t size, cdcmtk_tag stop_before, cdcmtk_read_limits limits,
                                               cdcmtk_error *_Nullable *_Nullable error_out);

/// Parses the file again, from the bytes already read (reading more only if it goes further),
/// up to `stop_before`. Items and strings borrowed from the earlier parse become invalid. On
/// failure the earlier parse stays.
bool cdcmtk_file_reparse(cdcmtk_file *_Nonnull file, cdcmtk_tag stop_before, cdcmtk_read_limits limits,
                         cdcmtk_error *_Nullable *_Nullable error_out);
/// The file's size when it was opened (or less, when it shrank while being read).
uint64_t cdcmtk_file_size(const cdcmtk_file *_Nonnull file);
/// The file's bytes from its start to where the parse stopped; borrowed.
void cdcmtk_file_parsed_bytes(const cdcmtk_file *_Nonnull file, const unsigned char *_Nullable *_Nonnull bytes_out,
                              size_t *_Nonnull length_out);
void cdcmtk_file_close(cdcmtk_file *_Nullable file);

/// The number of read issues of the last parse.
size_t cdcmtk_file_issue_count(const cdcmtk_file *_Nonnull file);
/// Read issue `index`: its kind and a sentence for people (borrowed; valid until the next parse or
/// close). False when `index` is out of range.
bool cdcmtk_file_get_issue(const cdcmtk_file *_Nonnull file, size_t index, cdcmtk_read_issue_kind *_Nonnull kind_out,
                           const char *_Nullable *_Nonnull detail_out);

/// Whether the file began with a 128-byte preamble and "DICM".
bool cdcmtk_file_has_preamble(const cdcmtk_file *_Nonnull file);
/// Whether the file carried a File Meta Information group (0002,xxxx).
bool cdcmtk_file_has_meta_group(const cdcmtk_file *_Nonnull file);
/// The UID of the transfer syntax the dataset was actually read in; borrowed (a static string), or
/// NULL when DCMTK could not name it or the meta group declares one DCMTK does not know (the
/// caller then reports the declared UID).
const char *_Nullable cdcmtk_file_transfer_syntax_uid(const cdcmtk_file *_Nonnull file);
/// The File Meta Information group; borrowed. Empty when the file had none.
cdcmtk_item *_Nonnull cdcmtk_file_meta(cdcmtk_file *_Nonnull file);
/// The main dataset; borrowed.
cdcmtk_item *_Nonnull cdcmtk_file_dataset(cdcmtk_file *_Nonnull file);

/// The raw bytes of a string-valued element (AE AS CS DA DS DT IS LO LT PN SH ST TM UC UI UR UT),
/// every value with its backslashes, in the dataset's own character set, trailing padding (spaces,
/// NULs) removed and nothing else changed.
/// Mirrors DcmItem::findAndGetString(tag, value, length). Returns false when the element is absent,
/// not string-valued, or its value was not kept in memory; `*bytes_out` is borrowed.
bool cdcmtk_item_get_string_bytes(cdcmtk_item *_Nonnull item, cdcmtk_tag tag,
                                  const char *_Nullable *_Nonnull bytes_out,
                                  size_t *_Nonnull length_out);

/// The number of values (VM) of an element; 0 when absent, empty, or its value was not kept in
/// memory (over 64 KiB, as for cdcmtk_item_get_string_bytes).
unsigned long cdcmtk_item_value_count(cdcmtk_item *_Nonnull item, cdcmtk_tag tag);

/// Value `index` of a numeric element as a double, whatever its VR: binary (US SS UL SL FL FD)
/// or text (DS IS). Mirrors DcmElement::getUint16/getSint32/getFloat64 by VR. Returns false when
/// the element is absent, has fewer values, its value was not kept in memory, or it is not a number.
bool cdcmtk_item_get_number(cdcmtk_item *_Nonnull item, cdcmtk_tag tag, unsigned long index,
                            double *_Nonnull value_out);

/// The number of items of a sequence element; 0 when absent or not a sequence.
unsigned long cdcmtk_item_sequence_count(cdcmtk_item *_Nonnull item, cdcmtk_tag tag);
/// Item `index` of a sequence element; borrowed, NULL when out of range.
cdcmtk_item *_Nullable cdcmtk_item_sequence_item(cdcmtk_item *_Nonnull item, cdcmtk_tag tag,
                                                 unsigned long index);
/// The next directory record of a DICOMDIR (an item of (0004,1220) Directory Record Sequence), in
/// file order, from the first after each parse, with its byte offset from the start of the file in
/// `*offset_out` (the value (0004,1400), (0004,1420) and (0004,1200) refer to; 0 when unknown).
/// Where the parse left the sequence out, each record is parsed from the file's bytes when asked
/// for and is borrowed until the next call (items taken from it likewise); otherwise it is the
/// parsed sequence's item. NULL after the last record, or with `*error_out` set when a record cannot
/// be read (CDCMTK_ERROR_MALFORMED) or nests deeper than the limits allow
/// (CDCMTK_ERROR_LIMIT_EXCEEDED); no record follows either.
cdcmtk_item *_Nullable cdcmtk_file_next_directory_record(cdcmtk_file *_Nonnull file, uint32_t *_Nonnull offset_out,
                                                         cdcmtk_error *_Nullable *_Nullable error_out);

#ifdef __cplusplus
}
#endif

#endif
