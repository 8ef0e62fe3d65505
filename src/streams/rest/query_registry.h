#pragma once

// The queries the REST API is streaming, by query id: /close-query stops
// one, and a stopping server stops them all.

#include <cstddef>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>

namespace cs::streams::rest {

class query_registry {
  public:
    void add(const std::string& id, std::stop_source stop);
    void remove(const std::string& id);
    // Requests the query to stop; false when no such query is streaming.
    bool stop(const std::string& id);
    void stop_all();
    size_t size();

  private:
    std::mutex mu_;
    std::map<std::string, std::stop_source> running_;
};

}  // namespace cs::streams::rest
