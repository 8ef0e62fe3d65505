#pragma once

// Counters of the network server. Written by I/O threads with relaxed atomic
// increments (no ordering is implied between counters); read by anyone via
// snapshot(), which is a consistent value per counter but not across counters.

#include <atomic>
#include <cstdint>

namespace cs::broker::net {

struct server_counters_snapshot {
    uint64_t connections_accepted = 0;
    uint64_t connections_open = 0;
    uint64_t connections_closed = 0;
    uint64_t requests_received = 0;       // complete frames handed to the request handler
    uint64_t responses_sent = 0;          // response frames written to sockets
    uint64_t bytes_in = 0;                // socket bytes read, length prefixes included
    uint64_t bytes_out = 0;               // socket bytes written, length prefixes included
    uint64_t requests_rejected_size = 0;  // length prefix negative or > max request size
    uint64_t requests_malformed = 0;      // length prefix below the minimum request size
    uint64_t idle_closes = 0;             // closed by connections.max.idle.ms
    uint64_t responders_dropped = 0;      // responder destroyed without an answer
};

struct server_counters {
    std::atomic<uint64_t> connections_accepted{0};
    std::atomic<uint64_t> connections_open{0};
    std::atomic<uint64_t> connections_closed{0};
    std::atomic<uint64_t> requests_received{0};
    std::atomic<uint64_t> responses_sent{0};
    std::atomic<uint64_t> bytes_in{0};
    std::atomic<uint64_t> bytes_out{0};
    std::atomic<uint64_t> requests_rejected_size{0};
    std::atomic<uint64_t> requests_malformed{0};
    std::atomic<uint64_t> idle_closes{0};
    std::atomic<uint64_t> responders_dropped{0};

    static void add(std::atomic<uint64_t>& c, uint64_t n = 1) {
        c.fetch_add(n, std::memory_order_relaxed);
    }

    server_counters_snapshot snapshot() const {
        auto get = [](const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); };
        server_counters_snapshot s;
        s.connections_accepted = get(connections_accepted);
        s.connections_open = get(connections_open);
        s.connections_closed = get(connections_closed);
        s.requests_received = get(requests_received);
        s.responses_sent = get(responses_sent);
        s.bytes_in = get(bytes_in);
        s.bytes_out = get(bytes_out);
        s.requests_rejected_size = get(requests_rejected_size);
        s.requests_malformed = get(requests_malformed);
        s.idle_closes = get(idle_closes);
        s.responders_dropped = get(responders_dropped);
        return s;
    }
};

}  // namespace cs::broker::net
