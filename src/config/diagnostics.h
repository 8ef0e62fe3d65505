#pragma once

// Problems found while reading configuration, collected rather than thrown so
// one run reports every bad line of a file, the way a compiler does. Each
// diagnostic names where it came from (file:line) when it has a place.

#include <string>
#include <vector>

namespace cs::config {

enum class severity { info, warning, error };

const char* severity_name(severity s);

struct diagnostic {
    severity level = severity::error;
    std::string file;  // empty when the problem has no place in a file
    int line = 0;      // 1-based; 0 when unknown
    std::string message;

    // "server.properties:12: error: log.segment.bytes = \"1GB\": expected ..."
    std::string to_string() const;
};

class diagnostics {
  public:
    void add(severity level, std::string file, int line, std::string message);
    void info(std::string file, int line, std::string message) {
        add(severity::info, std::move(file), line, std::move(message));
    }
    void warning(std::string file, int line, std::string message) {
        add(severity::warning, std::move(file), line, std::move(message));
    }
    void error(std::string file, int line, std::string message) {
        add(severity::error, std::move(file), line, std::move(message));
    }

    const std::vector<diagnostic>& items() const { return items_; }
    // Orders by file, then line (stable), the order a reader of the file wants;
    // findings without a place come first.
    void sort_by_location();
    bool has_errors() const;
    size_t count(severity level) const;
    // Every diagnostic on its own line, in the order found.
    std::string to_string() const;
    // Logs each diagnostic as one line of the "config" logger at its level.
    void log() const;

  private:
    std::vector<diagnostic> items_;
};

}  // namespace cs::config
