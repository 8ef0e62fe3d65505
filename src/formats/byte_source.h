#pragma once

// Where the streaming readers (line_reader, csv_reader) get their bytes.
// A source returns up to n bytes, fewer when that is all there is for now
// (a pipe or a terminal hands over lines as they are written, so a reader
// must not wait for a full block), and 0 at the end of the input.

#include <cstddef>
#include <functional>
#include <istream>

namespace cs::formats {

using byte_source = std::function<size_t(char* buf, size_t n)>;

// Reads in with istream::read: full blocks until the end (files, strings).
// A failed read ends the input.
inline byte_source istream_source(std::istream& in) {
    return [&in](char* buf, size_t n) {
        if (!in) {
            return size_t{0};
        }
        in.read(buf, static_cast<std::streamsize>(n));
        return static_cast<size_t>(in.gcount());
    };
}

}  // namespace cs::formats
