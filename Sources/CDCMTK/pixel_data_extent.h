// Whether a header's Pixel Data is all in the file, told from element headers and lengths alone:
// no pixel is read or decoded. A copy that stopped, or a scratched disc, cuts most images inside
// their pixel data, past the header a reader parses.

#ifndef CDCMTK_PIXEL_DATA_EXTENT_H
#define CDCMTK_PIXEL_DATA_EXTENT_H

#include "element_walk.h"

#include <string>

namespace cdcmtk {

/// What is missing of the Pixel Data (7FE0,0010), found by stepping from the element the walk
/// stopped at over the ones after it by their lengths, in one sentence; empty when it is whole,
/// when there is none, or when it cannot be told (a source that cannot seek, attributes absent).
/// The file ends inside an element before it; native pixel data: its value runs past the file's
/// end, or is shorter than Rows × Columns × SamplesPerPixel × NumberOfFrames × BitsAllocated
/// need; encapsulated: the fragments' item headers, found by seeking from one to the next, do not
/// reach the sequence delimiter within the file.
std::string missing_pixel_data(FilePrefix &prefix, const DatasetLayout &layout, const HeaderWalk &walk);

}  // namespace cdcmtk

#endif
