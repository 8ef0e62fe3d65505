#include "base/log.h"

#include <mutex>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace cs::log {
namespace {

std::mutex g_mu;
spdlog::level::level_enum g_level = spdlog::level::info;

spdlog::sink_ptr& shared_sink() {
    static spdlog::sink_ptr sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    return sink;
}

}  // namespace

bool set_level(std::string_view level) {
    auto lvl = spdlog::level::from_str(std::string(level));
    if (lvl == spdlog::level::off && level != "off") {
        return false;
    }
    std::lock_guard lock(g_mu);
    g_level = lvl;
    spdlog::apply_all([lvl](const std::shared_ptr<spdlog::logger>& l) { l->set_level(lvl); });
    return true;
}

bool to_file(const std::string& path) {
    spdlog::sink_ptr file;
    try {
        file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, false);
    } catch (const spdlog::spdlog_ex&) {
        return false;
    }
    std::lock_guard lock(g_mu);
    shared_sink() = file;
    spdlog::apply_all([&file](const std::shared_ptr<spdlog::logger>& l) {
        l->sinks().assign(1, file);
        l->set_pattern("%Y-%m-%dT%H:%M:%S.%e %-5l [%n] %v");
    });
    return true;
}

std::shared_ptr<spdlog::logger> get(const std::string& component) {
    std::lock_guard lock(g_mu);
    if (auto existing = spdlog::get(component)) {
        return existing;
    }
    auto logger = std::make_shared<spdlog::logger>(component, shared_sink());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v");  // color only on a terminal
    logger->set_level(g_level);
    spdlog::register_logger(logger);
    return logger;
}

}  // namespace cs::log
