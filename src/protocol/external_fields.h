#pragma once

// Bytes fields of a message whose content the encoder takes by reference
// instead of copying it into the encoding: the encoder writes the field's
// length prefix and records the chunks as splices of a gather_bytes (see
// base/gather.h). A Fetch response names the segment-file range of each
// partition's records this way, so the records go out with sendfile.
//
// A field is named by its address, so register fields of the message object
// that will be encoded, once its arrays have stopped growing. The field's own
// value is ignored (leave it empty); a registered std::optional<bytes> is
// encoded as present even when it is nullopt. Tagged fields cannot be
// external (they are encoded into a side buffer first).

#include <optional>
#include <unordered_map>
#include <vector>

#include "base/gather.h"

namespace cs::kafka {

class external_fields {
  public:
    // Appends `c` to the content of `field` (several chunks are concatenated).
    void add(const bytes& field, external_chunk c) { map_[&field].push_back(std::move(c)); }
    void add(const std::optional<bytes>& field, external_chunk c) {
        map_[&field].push_back(std::move(c));
    }

    // The chunks of the field at `field`, nullptr if it is an ordinary one.
    const std::vector<external_chunk>* find(const void* field) const {
        auto it = map_.find(field);
        return it == map_.end() ? nullptr : &it->second;
    }
    bool empty() const { return map_.empty(); }

  private:
    std::unordered_map<const void*, std::vector<external_chunk>> map_;
};

}  // namespace cs::kafka
