// The bytes of one file, read once into memory as far as a parse goes, and the DCMTK input stream
// that parses from them.

#ifndef CDCMTK_FILE_PREFIX_H
#define CDCMTK_FILE_PREFIX_H

#include "cdcmtk.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcerror.h>
#include <dcmtk/dcmdata/dcistrma.h>

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace cdcmtk {

// Where a FilePrefix's bytes come from. They are always asked for in order, each once: `offset` is
// where the previous read ended.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Up to `length` bytes into `buffer`; 0 at the end, -1 with errno set on a read error.
    virtual ssize_t read(unsigned char *buffer, size_t length, uint64_t offset) = 0;
    // Whether `read` takes any offset (a file, bytes in memory), not only where the last one ended.
    virtual bool seekable() const { return true; }
};

// A file's descriptor, owned and closed.
class DescriptorSource final : public ByteSource {
public:
    explicit DescriptorSource(int fd) : fd_(fd) {}
    ~DescriptorSource() override;
    ssize_t read(unsigned char *buffer, size_t length, uint64_t offset) override;

private:
    int fd_;
};

// Bytes already in memory, owned.
class MemorySource final : public ByteSource {
public:
    explicit MemorySource(std::vector<unsigned char> bytes) : bytes_(std::move(bytes)) {}
    ssize_t read(unsigned char *buffer, size_t length, uint64_t offset) override;

private:
    std::vector<unsigned char> bytes_;
};

// The caller's callback (an archive entry's bytes, decompressed as they are asked for).
class CallbackSource final : public ByteSource {
public:
    CallbackSource(cdcmtk_read_callback callback, void *context) : callback_(callback), context_(context) {}
    ssize_t read(unsigned char *buffer, size_t length, uint64_t) override;
    bool seekable() const override { return false; }

private:
    cdcmtk_read_callback callback_;
    void *context_;
};

// Counts the item-start tags (FFFE,E000) among `data[from, length)`, little endian FE FF 00 E0 and
// big endian FF FE E0 00, found by their 0xFE with memchr, adding them to `count`: a bound on how
// deep DCMTK's recursion can go parsing those bytes. When `more_follows`, a tag cut off by
// `length` is left for the next call. Returns where the next call goes on from.
size_t count_item_starts(const unsigned char *data, size_t from, size_t length, bool more_follows,
                         uint64_t &count);

// The bytes of one file read so far, always a prefix [0, loaded) of it: DCMTK parses from memory,
// each byte is read from the descriptor once, and the prefix up to where the parse stopped is what
// the caller digests. Reading past `limit` bytes is refused (a header that large is a finding, and
// an element that claims 4 GB never makes us read or allocate 4 GB).
class FilePrefix {
public:
    FilePrefix(std::unique_ptr<ByteSource> source, uint64_t size, uint64_t limit)
        : source_(std::move(source)), size_(size), limit_(limit) {}
    FilePrefix(const FilePrefix &) = delete;
    FilePrefix &operator=(const FilePrefix &) = delete;

    uint64_t size() const { return size_; }
    uint64_t limit() const { return limit_; }
    uint64_t loaded() const { return bytes_.size(); }
    const unsigned char *data() const { return bytes_.data(); }
    bool limitExceeded() const { return limitExceeded_; }
    const OFCondition &status() const { return status_; }

    // Why the bytes were refused before DCMTK could parse them; empty when they were not.
    const std::string &refusal() const { return refusal_; }
    void refuse(std::string reason) { refusal_ = std::move(reason); }

    // DCMTK parses nested sequences by recursion, about 1.5 KB of stack per level: a few thousand
    // levels overflow a thread's stack. Nesting needs one item start (FFFE,E000) per level, so the
    // item starts among the bytes read bound the depth DCMTK can reach. Bytes beyond `budget` item
    // starts are withheld from the parser.
    void setItemBudget(uint64_t budget) { itemBudget_ = budget; }
    bool itemBudgetExceeded() const { return itemStarts_ > itemBudget_; }

    // Makes [0, end) available (end clamped to the file), reading ahead in large steps. False when
    // the limit, a read error or a refusal stops it; `loaded()` then tells how far it got.
    bool ensure(uint64_t end);

    // Whether [offset, offset + length) is in memory, reading it if need be.
    // Unlike `ensure`, never marks the limit exceeded: looking ahead is not reading.
    bool has(uint64_t offset, uint64_t length);

    // Whether bytes anywhere in the file can be peeked at, not only the ones read in order.
    bool seekable() const { return source_->seekable(); }
    // Copies [offset, offset + length) into `out` without keeping it (past the prefix, read from the
    // source where it can seek: a few bytes far into the pixel data, say). False when the file ends
    // first, a read fails or the source cannot seek.
    bool peek(uint64_t offset, size_t length, unsigned char *out);

private:
    void countItemStarts();

    static constexpr uint64_t kFirstRead = 16 * 1024;
    uint64_t itemStarts_ = 0;
    size_t countedUntil_ = 0;
    uint64_t itemBudget_ = UINT64_MAX;
    std::string refusal_;
    std::unique_ptr<ByteSource> source_;
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
    OFCondition status() const override;
    OFBool eos() override { return position_ >= prefix_->size(); }
    offile_off_t avail() override;
    offile_off_t read(void *destination, offile_off_t length) override;
    offile_off_t skip(offile_off_t length) override;
    void putback(offile_off_t length) override;

    uint64_t position() const { return position_; }

private:
    std::shared_ptr<FilePrefix> prefix_;
    uint64_t position_;
};

// An input stream over a FilePrefix, starting at `position`.
class PrefixInputStream final : public DcmInputStream {
public:
    PrefixInputStream(std::shared_ptr<FilePrefix> prefix, uint64_t position)
        : DcmInputStream(&producer_), producer_(prefix, position), prefix_(std::move(prefix)) {}
    DcmInputStreamFactory *newFactory() const override;
    uint64_t position() const { return producer_.position(); }

private:
    PrefixProducer producer_;
    std::shared_ptr<FilePrefix> prefix_;
};

}  // namespace cdcmtk

#endif
