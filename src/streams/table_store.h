#pragma once

// A TABLE source held in memory for stream-table joins: PRIMARY KEY -> the
// latest row. Broadcast: every instance reads every partition of the table
// topic itself (assign(), no consumer group), so the stream side needs no
// co-partitioning, as the seeds' Flink broadcast state and Spark broadcast
// join.
//
// Lifecycle: table_reader::start() measures each partition's high watermark,
// reads from the beginning on a background thread, and wait_loaded() is the
// barrier a query waits on before it reads its stream (ksqlDB does not wait,
// and joins see NULLs while the table loads). The thread then keeps the
// table current until stop(). A record with a NULL key is ignored; a null
// value (tombstone) deletes the key; an undecodable record is counted,
// logged and skipped (the previous row for its key stays).
//
// Memory: a row costs its values (sizeof(value) each, plus out-of-line
// string bytes), at most 16 bytes of hash slots, and its key bytes once
// unless the key is a STRING (then it is the key column itself).
//
// Threading: one writer (the reader thread), any number of readers. Readers
// take read_lock() (a shared lock) and then call find(); the runner holds it
// for a whole batch, so the writer applies its own batches between them.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/allocator.h"
#include "base/prefetch.h"
#include "base/result.h"
#include "client/settings.h"
#include "streams/catalog_types.h"
#include "streams/serde.h"
#include "streams/value.h"

namespace cs::streams {

// The look-up key of a value, where table keys and join keys meet: a STRING
// is its characters (no copy: the view points into v); INTEGER and BIGINT are
// the int64's 8 bytes (so INT and BIGINT keys meet); anything else is its
// JSON text. scratch holds the bytes when they are not v's own.
std::string_view lookup_key(const value& v, const sql_type& t, std::string& scratch);

class table_store {
  public:
    // def: a table with exactly one PRIMARY KEY column.
    static result<std::shared_ptr<table_store>> create(source_def def);

    const source_def& def() const { return def_; }
    size_t key_index() const { return key_index_; }
    const sql_type& key_type() const { return def_.columns[key_index_].type; }

    // Writer side. A change is a key and either a row or (tombstone) none.
    struct change {
        std::string key;
        std::optional<row> r;
    };
    void apply(std::vector<change>& changes);

    // Reader side: hold the lock while using the rows find() returns.
    std::shared_lock<std::shared_mutex> read_lock() const {
        return std::shared_lock<std::shared_mutex>(mutex_);
    }
    // The row of key (width() values, in the table's column order), or
    // nullptr. Valid while the read lock is held.
    const value* find(std::string_view key) const { return find(key, hash_key(key)); }
    // The same with the key's hash_key() computed before. A look-up misses
    // the cache twice (the slot, then the row): a caller with many keys
    // hides that by asking prefetch_slot() some keys ahead, then
    // prefetch_row() nearer, then find().
    static uint64_t hash_key(std::string_view key) { return std::hash<std::string_view>{}(key); }
    void prefetch_slot(uint64_t h) const {
        if (!slots_.empty()) {
            prefetch_read(&slots_[h & mask()]);
        }
    }
    void prefetch_row(uint64_t h) const {
        if (slots_.empty()) {
            return;
        }
        for (size_t i = h & mask(); slots_[i].entry != 0; i = (i + 1) & mask()) {
            if (slots_[i].tag == tag_of(h)) {
                const char* r =
                    reinterpret_cast<const char*>(&values_[(slots_[i].entry - 1) * width_]);
                // Every line of the row (a value straddles lines).
                for (size_t off = 0; off < width_ * sizeof(value); off += 64) {
                    prefetch_read(r + off);
                }
                prefetch_read(r + width_ * sizeof(value) - 1);
                return;
            }
        }
    }
    const value* find(std::string_view key, uint64_t h) const {
        const size_t i = slot_of(key, h);
        return i == no_slot ? nullptr : &values_[(slots_[i].entry - 1) * width_];
    }
    size_t width() const { return width_; }

    size_t size() const;
    // Bytes held for the rows, counted from the containers (nodes, buckets,
    // row vectors, out-of-line string and nested storage): what a row costs.
    size_t approx_bytes() const;

  private:
    explicit table_store(source_def def, size_t key_index);

    // Open addressing with linear probing over a power-of-two slot array,
    // at most half full. A slot is 8 bytes (a 32-bit hash tag and the entry
    // number + 1, 0 = empty); entry i's row is values_[i * width_, +width_),
    // contiguous, so a look-up touches the slot, then the row (which holds
    // the key itself for STRING keys). A delete moves the last entry into
    // the hole (entries stay dense) and shifts the following slots back.
    struct slot {
        uint32_t tag = 0;
        uint32_t entry = 0;
    };
    static uint32_t tag_of(uint64_t h) { return static_cast<uint32_t>(h >> 32); }
    size_t mask() const { return slots_.size() - 1; }
    std::string_view key_of(size_t entry) const {
        return string_key_ ? std::string_view(values_[entry * width_ + key_index_].as_string())
                           : std::string_view(keys_[entry]);
    }
    static constexpr size_t no_slot = ~size_t{0};
    // The slot holding key (whose hash_key() is h), or no_slot.
    size_t slot_of(std::string_view key, uint64_t h) const {
        if (slots_.empty()) {
            return no_slot;
        }
        for (size_t i = h & mask(); slots_[i].entry != 0; i = (i + 1) & mask()) {
            if (slots_[i].tag == tag_of(h) && key_of(slots_[i].entry - 1) == key) {
                return i;
            }
        }
        return no_slot;
    }
    void upsert(std::string&& key, row&& r);
    void erase(std::string_view key);
    void grow();

    source_def def_;
    size_t key_index_;
    size_t width_;
    bool string_key_;  // the key bytes are the key column's string (no copy in keys_)
    mutable std::shared_mutex mutex_;
    // In huge pages (base/allocator.h): look-ups land at random in both.
    std::vector<slot, huge_page_allocator<slot>> slots_;
    std::vector<value, huge_page_allocator<value>> values_;
    std::vector<std::string> keys_;  // entry i's key bytes, unless string_key_
    size_t entries_ = 0;
};

struct table_reader_stats {
    std::atomic<uint64_t> records{0};
    std::atomic<uint64_t> tombstones{0};
    std::atomic<uint64_t> null_keys{0};
    std::atomic<uint64_t> errors{0};  // undecodable records
};

class table_reader {
  public:
    // Reads store's topic (every partition) with a consumer made from
    // settings (bootstrap, security; group.id and offset settings are its
    // own). An error when the topic does not exist.
    static result<std::unique_ptr<table_reader>> start(std::shared_ptr<table_store> store,
                                                       const client::client_settings& settings,
                                                       timestamp_parser parse_timestamp = {});
    ~table_reader();
    table_reader(const table_reader&) = delete;
    table_reader& operator=(const table_reader&) = delete;

    // The barrier: waits until every partition has been read up to the high
    // watermark measured at start(). An error when the reader failed or the
    // timeout passed first.
    status wait_loaded(std::chrono::milliseconds timeout);
    bool loaded() const { return loaded_.load(); }
    // Stops the thread and closes the consumer. Idempotent.
    void stop();

    const table_reader_stats& stats() const { return stats_; }
    const std::shared_ptr<table_store>& store() const { return store_; }

  private:
    table_reader() = default;
    void run();

    std::shared_ptr<table_store> store_;
    std::unique_ptr<row_decoder> decoder_;
    std::unique_ptr<client::consumer> consumer_;
    std::vector<int64_t> targets_;    // per partition: high watermark at start
    std::vector<int64_t> positions_;  // per partition: next offset to read
    table_reader_stats stats_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> loaded_{false};
    std::mutex mu_;
    std::condition_variable cv_;
    std::optional<error> failure_;  // guarded by mu_
    std::thread thread_;
};

}  // namespace cs::streams
