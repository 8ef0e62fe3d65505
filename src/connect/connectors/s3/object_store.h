#pragma once

// Where the S3 sink publishes its objects. Two implementations: a local
// directory (store.url=file:///path, the embedded default) and, later, an
// S3 API client. Keys are S3 object names ("topics/t/partition=0/t+0+...");
// the local store maps them onto relative paths under its root.
//
// Publication is atomic in both: a reader sees either no object (or the
// previous one under that key) or the whole new one, never a prefix. Putting
// the same key again replaces the object, which is what makes a replay after
// a crash rewrite identical objects in place.
//
// Thread-safety: one sink task uses one store from one thread.

#include <memory>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace cs::connect::s3 {

class object_store {
  public:
    virtual ~object_store() = default;

    // Publishes a whole object in one request.
    virtual status put_object(const std::string& key, bytes_view data) = 0;

    // Multipart upload: parts (numbered from 1) become one object only at
    // complete_multipart(); abort_multipart() drops them.
    virtual result<std::string> create_multipart(const std::string& key) = 0;
    // Returns the part's ETag, which complete_multipart() takes in order.
    virtual result<std::string> upload_part(const std::string& key, const std::string& upload_id,
                                            int part_number, bytes_view data) = 0;
    virtual status complete_multipart(const std::string& key, const std::string& upload_id,
                                      const std::vector<std::string>& etags) = 0;
    virtual status abort_multipart(const std::string& key, const std::string& upload_id) = 0;

    // Published keys starting with prefix, sorted.
    virtual result<std::vector<std::string>> list(const std::string& prefix) = 0;
    virtual result<std::string> get_object(const std::string& key) = 0;
};

// A directory store: objects are files under root (created if missing).
// put_object and complete_multipart write to a hidden temporary name in the
// target directory, fsync it, rename it over the key and fsync the directory.
result<std::unique_ptr<object_store>> open_local_store(const std::string& root);

// Uploads data as one object: a single put when it fits in part_size,
// otherwise a multipart upload in part_size pieces (aborted on failure).
status upload_object(object_store& store, const std::string& key, bytes_view data,
                     size_t part_size);

}  // namespace cs::connect::s3
