#include "protocol/header.h"

#include "protocol/codec.h"

namespace cs::kafka {

int16_t request_header_version(api_key key, int16_t api_version) {
    return is_flexible(key, api_version) ? 2 : 1;
}

int16_t response_header_version(api_key key, int16_t api_version) {
    if (key == api_key::api_versions) {
        return 0;
    }
    return is_flexible(key, api_version) ? 1 : 0;
}

void encode_request_header(const request_header& h, int16_t header_version, bytes& out) {
    encode_struct(h, header_version, request_header_flexible(header_version), out);
}

status decode_request_header(request_header& h, wire_reader& r, int16_t header_version) {
    return decode_struct(h, r, header_version, request_header_flexible(header_version));
}

void encode_response_header(const response_header& h, int16_t header_version, bytes& out) {
    encode_struct(h, header_version, response_header_flexible(header_version), out);
}

status decode_response_header(response_header& h, wire_reader& r, int16_t header_version) {
    return decode_struct(h, r, header_version, response_header_flexible(header_version));
}

}  // namespace cs::kafka
