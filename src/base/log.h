#pragma once

// Logging: one spdlog logger per component ("storage", "broker", "config"...)
// sharing one stderr sink, so every line says which part of clickstream spoke.
// Lines carry context (topic-partition, offset, file) in their text.

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace cs::log {

// Sets the level of every logger ("trace", "debug", "info", "warn", "error", "off").
// Returns false for an unknown level name.
bool set_level(std::string_view level);

// Sends every logger's lines (existing and future) to a file, appending,
// instead of stderr. Call it before other threads log. False when the file
// cannot be opened (logging stays on stderr).
bool to_file(const std::string& path);

// The logger for a component, created on first use.
std::shared_ptr<spdlog::logger> get(const std::string& component);

}  // namespace cs::log
