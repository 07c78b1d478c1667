// The in-memory prefix of a file and DCMTK's stream over it (file_prefix.h).

#include "file_prefix.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace cdcmtk {

DescriptorSource::~DescriptorSource() {
    if (fd_ >= 0) ::close(fd_);
}

ssize_t DescriptorSource::read(unsigned char *buffer, size_t length, uint64_t offset) {
    return ::pread(fd_, buffer, length, static_cast<off_t>(offset));
}

ssize_t MemorySource::read(unsigned char *buffer, size_t length, uint64_t offset) {
    if (offset >= bytes_.size()) return 0;
    const size_t count = std::min<size_t>(length, bytes_.size() - static_cast<size_t>(offset));
    std::memcpy(buffer, bytes_.data() + offset, count);
    return static_cast<ssize_t>(count);
}

ssize_t CallbackSource::read(unsigned char *buffer, size_t length, uint64_t) {
    const long got = callback_(context_, buffer, length);
    if (got < 0) errno = EIO;
    return got;
}

bool FilePrefix::peek(uint64_t offset, size_t length, unsigned char *out) {
    if (offset > size_ || length > size_ - offset) return false;
    if (offset + length <= bytes_.size()) {
        std::memcpy(out, bytes_.data() + offset, length);
        return true;
    }
    if (!source_->seekable()) return false;
    size_t filled = 0;
    while (filled < length) {
        const ssize_t got = source_->read(out + filled, length - filled, offset + filled);
        if (got > 0) {
            filled += static_cast<size_t>(got);
        } else if (got < 0 && errno == EINTR) {
            continue;
        } else {
            return false;
        }
    }
    return true;
}

bool FilePrefix::ensure(uint64_t end) {
    if (end > size_) end = size_;
    if (end <= bytes_.size()) return refusal_.empty() && !itemBudgetExceeded();
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
        const ssize_t got = source_->read(bytes_.data() + filled, target - filled, filled);
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
    countItemStarts();
    return end <= filled && refusal_.empty() && !itemBudgetExceeded();
}

bool FilePrefix::has(uint64_t offset, uint64_t length) {
    const uint64_t end = offset + length;
    if (end < offset || end > size_ || end > limit_) return false;
    ensure(end);
    return loaded() >= end;
}

size_t count_item_starts(const unsigned char *data, size_t from, size_t length, bool more_follows,
                         uint64_t &count) {
    size_t position = from;
    while (position < length) {
        const void *found = std::memchr(data + position, 0xFE, length - position);
        if (found == nullptr) return length;
        const size_t mark = static_cast<size_t>(static_cast<const unsigned char *>(found) - data);
        if (mark + 3 >= length && more_follows) return mark;
        if (mark + 3 < length && data[mark + 1] == 0xFF && data[mark + 2] == 0x00 && data[mark + 3] == 0xE0) {
            ++count;
        } else if (mark >= 1 && mark + 2 < length && data[mark - 1] == 0xFF && data[mark + 1] == 0xE0 &&
                   data[mark + 2] == 0x00) {
            ++count;
        }
        position = mark + 1;
    }
    return position;
}

// A tag cut off by the end of what is read is counted once the rest is in. This bounds nesting
// only: a file over the first budget is parsed again on a deeper stack, never refused for a count a
// real header reaches.
void FilePrefix::countItemStarts() {
    countedUntil_ = count_item_starts(bytes_.data(), countedUntil_, bytes_.size(), bytes_.size() < size_, itemStarts_);
}

OFCondition PrefixProducer::status() const {
    if (prefix_->limitExceeded() || !prefix_->refusal().empty() || prefix_->itemBudgetExceeded()) {
        return EC_IllegalCall;
    }
    return prefix_->status();
}

offile_off_t PrefixProducer::avail() {
    return position_ >= prefix_->size() ? 0 : static_cast<offile_off_t>(prefix_->size() - position_);
}

offile_off_t PrefixProducer::read(void *destination, offile_off_t length) {
    if (!good() || length <= 0) return 0;
    prefix_->ensure(position_ + static_cast<uint64_t>(length));
    if (!good()) return 0;
    const uint64_t available = prefix_->loaded() > position_ ? prefix_->loaded() - position_ : 0;
    const uint64_t copied = static_cast<uint64_t>(length) < available ? length : available;
    std::memcpy(destination, prefix_->data() + position_, copied);
    position_ += copied;
    return static_cast<offile_off_t>(copied);
}

offile_off_t PrefixProducer::skip(offile_off_t length) {
    if (!good() || length <= 0) return 0;
    const uint64_t remaining = position_ >= prefix_->size() ? 0 : prefix_->size() - position_;
    const uint64_t skipped = static_cast<uint64_t>(length) < remaining ? length : remaining;
    position_ += skipped;
    return static_cast<offile_off_t>(skipped);
}

void PrefixProducer::putback(offile_off_t length) {
    if (length <= 0) return;
    if (static_cast<uint64_t>(length) <= position_) position_ -= static_cast<uint64_t>(length);
}

namespace {

// Values longer than maxReadLength are loaded on demand through a factory. This one reads them from
// the same prefix (never by reopening the path, which could by then name another file).
class PrefixStreamFactory final : public DcmInputStreamFactory {
public:
    PrefixStreamFactory(std::shared_ptr<FilePrefix> prefix, uint64_t position)
        : prefix_(std::move(prefix)), position_(position) {}
    DcmInputStream *create() const override { return new PrefixInputStream(prefix_, position_); }
    DcmInputStreamFactory *clone() const override { return new PrefixStreamFactory(prefix_, position_); }
    DcmInputStreamFactoryType ident() const override { return DFT_DcmInputTempFileStreamFactory; }

private:
    std::shared_ptr<FilePrefix> prefix_;
    uint64_t position_;
};

}  // namespace

DcmInputStreamFactory *PrefixInputStream::newFactory() const {
    return new PrefixStreamFactory(prefix_, producer_.position());
}

}  // namespace cdcmtk
