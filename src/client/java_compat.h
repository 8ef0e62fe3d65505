#pragma once

// Kafka's Java clients and librdkafka share most configuration keys
// (bootstrap.servers, acks, linger.ms, group.id, ...), but not all. A
// producer.properties written for kafka-console-producer.sh carries
// key.serializer, buffer.memory or max.request.size, which librdkafka would
// refuse as unknown. This table says what each such key becomes.

#include <string>
#include <string_view>

#include "client/settings.h"

namespace cs::client {

struct java_translation {
    enum class kind {
        pass,    // same key and meaning in librdkafka
        rename,  // librdkafka spells it `key` (value possibly converted)
        ignore,  // no librdkafka equivalent and nothing to do (e.g. serializers)
        refuse,  // means something clickstream can't honour; an error with `note`
    };
    kind what = kind::pass;
    std::string key;    // for rename
    std::string value;  // for rename (converted value)
    std::string note;   // for ignore/refuse/rename: shown to the user
};

// What to do with key=value for a client in role r. Keys librdkafka knows
// are passed; others unknown to this table are passed too (librdkafka then
// rejects them and make_conf suggests a spelling).
java_translation translate_java_key(std::string_view key, std::string_view value, role r);

}  // namespace cs::client
