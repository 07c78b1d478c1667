// DICOMDIR directory records: the guard DCMTK needs before it reads them, and the records read
// one at a time from the bytes of a (0004,1220) element the parse left out.

#ifndef CDCMTK_DIRECTORY_RECORDS_H
#define CDCMTK_DIRECTORY_RECORDS_H

#include "element_walk.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcxfer.h>

struct cdcmtk_file;

namespace cdcmtk {

/// The tag of (0004,1220) Directory Record Sequence.
constexpr uint32_t kDirectoryRecordSequence = 0x00041220;

/// Refuses (FilePrefix::refuse) a dataset holding a Directory Record Type (0004,1430) that DCMTK
/// 3.6.7 cannot read safely. Looks at the elements the parser will read, from the dataset's start
/// up to the first top-level element at or after `stop_key`, sequences included; a value that
/// only happens to contain the tag's bytes is never looked at; bytes the walk cannot follow, or a
/// dataset whose start cannot be found, are screened byte by byte. Returns the walk it made.
HeaderWalk screen_directory_records(FilePrefix &prefix, const DatasetLayout &layout, uint32_t stop_key);

/// Makes `file`'s directory records come from the bytes of `sequence`, a top-level (0004,1220)
/// element its parse left out, in `encoding` (as the walk found it) and `xfer` (the dataset's);
/// each record nested no deeper than `max_sequence_depth` counting the record itself. False when
/// `sequence` is not a sequence the walk can follow.
bool read_directory_records_from_bytes(cdcmtk_file &file, const TopLevelElement &sequence, Encoding encoding,
                                       E_TransferSyntax xfer, unsigned max_sequence_depth);

}  // namespace cdcmtk

#endif
