// libarchive (Debian's libarchive-dev) as one module for Swift: its C API is plain enough to call
// directly, so this target only names the headers and the library.
#ifndef CARCHIVE_H
#define CARCHIVE_H

#include <archive.h>
#include <archive_entry.h>

#endif
