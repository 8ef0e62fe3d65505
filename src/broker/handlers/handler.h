#pragma once

// The shape every Kafka API handler has. One handler per API, one file each
// (handlers/<api>.h/.cc); handler_list.cc lists them all, and ApiVersions is
// derived from that list, so what the broker advertises is exactly what it
// can decode and answer.
//
//   struct produce_handler {
//       using request = kafka::produce_request;
//       using response = kafka::produce_response;
//       static constexpr int16_t min_version = 3;
//       static constexpr int16_t max_version = 8;
//       static void handle(request_context& ctx, request&& req, reply<response> r);
//   };
//
// handle() runs on a network thread and must not block: work that waits
// (fsync, long-poll, a rebalance) keeps the reply and completes it later,
// from any thread.

#include <cstdint>
#include <utility>

#include "broker/net/request_handler.h"
#include "protocol/codec.h"
#include "protocol/header.h"

namespace cs::broker {

class broker_state;

struct request_context {
    broker_state& broker;
    net::connection_info conn;
    kafka::request_header header;

    int16_t version() const { return header.api_version; }
    const std::string& client_id() const {
        static const std::string empty;
        return header.client_id ? *header.client_id : empty;
    }
};

// The one answer to one request: encodes the response header (v0 or v1 as the
// API and version require) and the body at the request's version. Move-only;
// send(), none() or close() exactly once.
template <class Response>
class reply {
  public:
    reply(net::responder r, int32_t correlation_id, int16_t version)
        : r_(std::move(r)), correlation_id_(correlation_id), version_(version) {}
    reply(reply&&) noexcept = default;
    reply& operator=(reply&&) noexcept = default;

    void send(const Response& body) {
        bytes out;
        out.reserve(64);
        kafka::encode_response_header(kafka::response_header{correlation_id_},
                                      kafka::response_header_version(Response::kApiKey, version_),
                                      out);
        kafka::encode_message(body, version_, out);
        r_.respond(std::move(out));
    }
    // The fields registered in `ext` are sent by reference (see
    // protocol/external_fields.h): Fetch records go out with sendfile.
    void send(const Response& body, const kafka::external_fields& ext) {
        gather_bytes out;
        out.inline_bytes.reserve(256);
        kafka::encode_response_header(kafka::response_header{correlation_id_},
                                      kafka::response_header_version(Response::kApiKey, version_),
                                      out.inline_bytes);
        kafka::encode_message(body, version_, ext, out);
        r_.respond(std::move(out));
    }
    // The request has no response (Produce with acks=0).
    void none() { r_.respond(std::nullopt); }
    void close() { r_.close(); }

    int16_t version() const { return version_; }

  private:
    net::responder r_;
    int32_t correlation_id_;
    int16_t version_;
};

}  // namespace cs::broker
