#include "formats/line_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace cs::formats {

line_reader::line_reader(byte_source source, size_t block_size)
    : source_(std::move(source)), buf_(std::max<size_t>(block_size, 1) + padding) {}

// Moves the unconsumed tail to the front (growing the buffer when a single
// line fills it) and reads more behind it.
bool line_reader::fill() {
    if (eof_) {
        return false;
    }
    size_t tail = end_ - pos_;
    if (pos_ > 0 && tail > 0) {
        std::memmove(buf_.data(), buf_.data() + pos_, tail);
    }
    pos_ = 0;
    end_ = tail;
    size_t capacity = buf_.size() - padding;
    if (end_ == capacity) {
        buf_.resize(buf_.size() * 2);
        capacity = buf_.size() - padding;
    }
    size_t n = source_(buf_.data() + end_, capacity - end_);
    if (n == 0) {
        eof_ = true;
    }
    end_ += n;
    total_read_ += n;
    return n > 0;
}

bool line_reader::next(std::string_view& line) {
    size_t scanned = pos_;
    for (;;) {
        const void* nl = std::memchr(buf_.data() + scanned, '\n', end_ - scanned);
        if (nl != nullptr) {
            size_t at = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
            size_t len = at - pos_;
            if (len > 0 && buf_[at - 1] == '\r') {
                --len;
            }
            line = std::string_view(buf_.data() + pos_, len);
            pos_ = at + 1;
            ++line_number_;
            return true;
        }
        size_t done = end_ - pos_;  // already scanned: no LF among them
        if (!fill()) {
            if (pos_ == end_) {
                return false;
            }
            size_t len = end_ - pos_;
            if (buf_[end_ - 1] == '\r') {
                --len;
            }
            line = std::string_view(buf_.data() + pos_, len);
            pos_ = end_;
            ++line_number_;
            return true;
        }
        scanned = pos_ + done;
    }
}

}  // namespace cs::formats
