#include "streams/rest/query_registry.h"

namespace cs::streams::rest {

void query_registry::add(const std::string& id, std::stop_source stop) {
    std::lock_guard lock(mu_);
    running_.insert_or_assign(id, std::move(stop));
}

void query_registry::remove(const std::string& id) {
    std::lock_guard lock(mu_);
    running_.erase(id);
}

bool query_registry::stop(const std::string& id) {
    std::lock_guard lock(mu_);
    auto it = running_.find(id);
    if (it == running_.end()) {
        return false;
    }
    it->second.request_stop();
    return true;
}

void query_registry::stop_all() {
    std::lock_guard lock(mu_);
    for (auto& [id, stop] : running_) {
        stop.request_stop();
    }
}

size_t query_registry::size() {
    std::lock_guard lock(mu_);
    return running_.size();
}

}  // namespace cs::streams::rest
