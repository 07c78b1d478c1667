// Opening a file: below a folder through no link, a regular file, sniffed as DICOM before any
// parse (cdcmtk_open_beneath, cdcmtk_file_open and the file's plain accessors).

#include "shim.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

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

// Sniffs the first bytes of `prefix` and parses it: the part of opening common to files and streams.
cdcmtk_file *open_prefix(std::shared_ptr<cdcmtk::FilePrefix> prefix, cdcmtk_tag stop_before,
                         cdcmtk_read_limits limits, cdcmtk_error **error_out) {
    prefix->ensure(132);
    if (!prefix->status().good()) {
        cdcmtk::set_error(error_out, CDCMTK_ERROR_UNREADABLE, prefix->status().text());
        return nullptr;
    }
    const bool has_preamble = prefix->loaded() >= 132 && std::memcmp(prefix->data() + 128, "DICM", 4) == 0;
    if (!has_preamble && !looks_like_raw_dataset(prefix->data(), static_cast<size_t>(prefix->loaded()))) {
        cdcmtk::set_error(error_out, CDCMTK_ERROR_NOT_DICOM,
                          "no DICM prefix after a preamble and no DICOM element at the start");
        return nullptr;
    }
    auto file = std::make_unique<cdcmtk_file>();
    file->has_preamble = has_preamble;
    file->prefix = std::move(prefix);
    if (!cdcmtk::parse(*file, stop_before, limits, error_out)) return nullptr;
    return file.release();
}

}  // namespace

extern "C" {

int cdcmtk_open_beneath(int rootFD, const char *relative) {
    struct open_how how;
    std::memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    long fd = ::syscall(SYS_openat2, rootFD, relative, &how, sizeof how);
    if (fd < 0 && (errno == ENOSYS || errno == EPERM)) try {
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
    } catch (...) {
        // Only the strings can throw (out of memory); the descriptor in hand is closed.
        if (fd >= 0) ::close(static_cast<int>(fd));
        fd = -1;
        errno = ENOMEM;
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
            cdcmtk::set_error(error_out, code_for_errno(error),
                              error == ELOOP   ? "is a symbolic link, not followed"
                              : error == EXDEV ? "leaves the folder it was found in, not followed"
                                               : std::strerror(error));
            return nullptr;
        }
        struct stat status;
        if (::fstat(fd, &status) != 0) {
            const int error = errno;
            ::close(fd);
            cdcmtk::set_error(error_out, code_for_errno(error), std::strerror(error));
            return nullptr;
        }
        if (!S_ISREG(status.st_mode)) {
            ::close(fd);
            cdcmtk::set_error(error_out, CDCMTK_ERROR_NOT_REGULAR_FILE, "is not a regular file");
            return nullptr;
        }
        return open_prefix(std::make_shared<cdcmtk::FilePrefix>(std::make_unique<cdcmtk::DescriptorSource>(fd),
                                                                static_cast<uint64_t>(status.st_size),
                                                                limits.max_bytes),
                           stop_before, limits, error_out);
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "parsing");
    }
    return nullptr;
}

cdcmtk_file *cdcmtk_file_open_stream(cdcmtk_read_callback read, void *context, uint64_t size, cdcmtk_tag stop_before,
                                     cdcmtk_read_limits limits, cdcmtk_error **error_out) {
    try {
        return open_prefix(std::make_shared<cdcmtk::FilePrefix>(
                               std::make_unique<cdcmtk::CallbackSource>(read, context), size, limits.max_bytes),
                           stop_before, limits, error_out);
    } catch (...) {
        cdcmtk::set_error_from_exception(error_out, "parsing");
    }
    return nullptr;
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

}  // extern "C"
