#pragma once

// Reading typed values out of client_settings for the client's own protocol
// paths (fetcher, direct producer), with librdkafka's and Java's spellings
// of a key and errors that name the setting's origin.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "base/result.h"
#include "client/settings.h"

namespace cs::client {

// The first of `keys` that is set (librdkafka's spelling first, then Java's).
const setting* first_set(const client_settings& s, std::initializer_list<std::string_view> keys);

// Reads a non-negative int32 setting into `out` (left alone when not set);
// errc::invalid_argument names the setting and its origin.
status read_int(const client_settings& s, std::initializer_list<std::string_view> keys,
                int32_t& out);

// Reads true/false (any case) into `out` (left alone when not set).
status read_bool(const client_settings& s, std::initializer_list<std::string_view> keys, bool& out);

// Empty when the settings ask for a PLAINTEXT connection, else what the
// client's own protocol paths cannot do (TLS, SASL): they then leave the
// work to librdkafka.
std::string plaintext_only_reason(const client_settings& s);

}  // namespace cs::client
