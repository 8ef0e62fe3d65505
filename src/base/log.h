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

// The logger for a component, created on first use.
std::shared_ptr<spdlog::logger> get(const std::string& component);

}  // namespace cs::log
