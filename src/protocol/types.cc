#include "protocol/types.h"

namespace cs::kafka {

std::string topic_partition::to_string() const {
    return topic + "-" + std::to_string(partition.value());
}

}  // namespace cs::kafka
