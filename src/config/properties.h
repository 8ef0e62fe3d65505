#pragma once

// A reader for Java .properties files with the semantics of
// java.util.Properties.load, which is how Kafka reads server.properties,
// producer.properties and consumer.properties:
//
//   - lines end at \n, \r or \r\n; leading spaces, tabs and form feeds are
//     skipped; a line whose first other character is '#' or '!' is a comment
//   - a line ending in an odd number of backslashes continues on the next
//     line, whose leading whitespace is dropped (a comment line never
//     continues, and a continued line is never a comment)
//   - the key ends at the first unescaped '=', ':' or whitespace; whitespace
//     around the separator is skipped, and one '=' or ':' after whitespace
//     belongs to the separator (so "a = b", "a:b", "a b" all set a to "b")
//   - escapes in keys and values: \t \n \r \f, \uXXXX (UTF-16, written out as
//     UTF-8), and any other escaped character stands for itself (\= \: \  \#
//     \\); a malformed \u escape is an error
//
// Bytes other than escapes pass through unchanged, so UTF-8 files keep their
// text (Java would read the file as ISO-8859-1). Each entry remembers the file
// and the line where its key started. A key set twice keeps the later value,
// as Java does, with a warning naming both lines.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/diagnostics.h"

namespace cs::config {

struct property_entry {
    std::string key;
    std::string value;
    std::string file;  // as given to the reader, e.g. "server.properties"
    int line = 0;      // 1-based line where the key started
};

// The entries of one file, in the order of first appearance; a duplicate key
// replaces the value (and place) of the earlier entry.
class properties {
  public:
    const std::vector<property_entry>& entries() const { return entries_; }
    const property_entry* find(std::string_view key) const;
    bool empty() const { return entries_.empty(); }
    size_t size() const { return entries_.size(); }

    // Sets key (replacing any earlier value); used by the reader and by
    // callers building overrides (e.g. --override key=value).
    void set(property_entry entry);

    std::vector<property_entry>& mutable_entries() { return entries_; }

  private:
    std::vector<property_entry> entries_;
};

// Parses text as a .properties file called file_name (used in diagnostics).
properties parse_properties(std::string_view text, const std::string& file_name,
                            diagnostics& diags);

// Reads and parses a file. An unreadable file is an error value; problems in
// its text go to diags. Entries name the file by the path as given.
result<properties> load_properties(const std::filesystem::path& path, diagnostics& diags);

}  // namespace cs::config
