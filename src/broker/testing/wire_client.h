#pragma once

// A blocking Kafka wire client for broker tests: encodes a typed request with
// the project's codec, sends it over a plain socket to 127.0.0.1:port, and
// decodes the typed response. Test-only; real clients are tested end to end.

#include <cstdint>
#include <optional>
#include <string>

#include <sys/socket.h>
#include <unistd.h>

#include "base/bytes.h"
#include "protocol/codec.h"
#include "protocol/header.h"

namespace cs::broker::testing {

class wire_client {
  public:
    explicit wire_client(uint16_t port);
    ~wire_client();
    wire_client(const wire_client&) = delete;
    wire_client& operator=(const wire_client&) = delete;

    bool connected() const { return fd_ >= 0; }
    // Sends raw bytes (tests of malformed input).
    bool send_raw(bytes_view data);
    // Reads one length-prefixed frame; nullopt when the broker closed the connection.
    std::optional<bytes> read_frame();

    template <class Req>
    bool send(const Req& req, int16_t version, int32_t correlation_id = 1) {
        bytes frame(4);
        kafka::request_header h{static_cast<int16_t>(Req::kApiKey), version, correlation_id,
                                std::string("wire-client")};
        kafka::encode_request_header(h, kafka::request_header_version(Req::kApiKey, version),
                                     frame);
        kafka::encode_message(req, version, frame);
        store_be<int32_t>(frame.data(), static_cast<int32_t>(frame.size() - 4));
        return send_raw(frame);
    }

    // Reads and decodes one response to a request of type Resp at `version`.
    template <class Resp>
    std::optional<Resp> receive(int16_t version, int32_t* correlation_id = nullptr) {
        auto frame = read_frame();
        if (!frame) {
            return std::nullopt;
        }
        kafka::wire_reader r(*frame);
        kafka::response_header h;
        if (!kafka::decode_response_header(h, r,
                                           kafka::response_header_version(Resp::kApiKey, version))
                 .ok()) {
            return std::nullopt;
        }
        if (correlation_id) {
            *correlation_id = h.correlation_id;
        }
        Resp resp;
        auto body = bytes_view(*frame).subspan(r.position());
        if (!kafka::decode_message(resp, body, version).ok()) {
            return std::nullopt;
        }
        return resp;
    }

    template <class Resp, class Req>
    std::optional<Resp> call(const Req& req, int16_t version) {
        if (!send(req, version)) {
            return std::nullopt;
        }
        return receive<Resp>(version);
    }

  private:
    int fd_ = -1;
};

}  // namespace cs::broker::testing
