// DICOMDIR directory records: the guard DCMTK needs before it reads them.

#ifndef CDCMTK_DIRECTORY_RECORDS_H
#define CDCMTK_DIRECTORY_RECORDS_H

#include "element_walk.h"

namespace cdcmtk {

/// Refuses (FilePrefix::refuse) a dataset holding a Directory Record Type (0004,1430) that DCMTK
/// 3.6.7 cannot read safely. Looks at the elements the parser will read, from the dataset's start
/// up to the first top-level element at or after `stop_key`, sequences included; a value that
/// only happens to contain the tag's bytes is never looked at; bytes the walk cannot follow, or a
/// dataset whose start cannot be found, are screened byte by byte. Returns the walk it made.
HeaderWalk screen_directory_records(FilePrefix &prefix, const DatasetLayout &layout, uint32_t stop_key);

}  // namespace cdcmtk

#endif
