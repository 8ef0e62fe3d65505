#include "streams/table_store.h"

#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "base/log.h"
#include "base/thread_name.h"
#include "client/admin.h"
#include "client/consumer.h"

namespace cs::streams {

std::string_view lookup_key(const value& v, const sql_type& t, std::string& scratch) {
    switch (t.kind) {
        case type_kind::string:
            return v.as_string();
        case type_kind::integer:
        case type_kind::bigint: {
            int64_t i = t.kind == type_kind::integer ? v.as_int() : v.as_bigint();
            scratch.resize(sizeof i);
            std::memcpy(scratch.data(), &i, sizeof i);
            return scratch;
        }
        default:
            scratch.clear();
            append_json_value(scratch, v, t);
            return scratch;
    }
}

result<std::shared_ptr<table_store>> table_store::create(source_def def) {
    size_t key_index = def.columns.size();
    size_t keys = 0;
    for (size_t i = 0; i < def.columns.size(); ++i) {
        if (def.columns[i].origin == column_origin::key) {
            key_index = i;
            ++keys;
        }
    }
    if (keys != 1) {
        return error{errc::unsupported,
                     fmt::format("table {} has {} PRIMARY KEY columns; joins need exactly one",
                                 def.name, keys)};
    }
    return std::shared_ptr<table_store>(new table_store(std::move(def), key_index));
}

table_store::table_store(source_def def, size_t key_index)
    : def_(std::move(def)),
      key_index_(key_index),
      width_(def_.columns.size()),
      string_key_(def_.columns[key_index_].type.kind == type_kind::string) {}

void table_store::apply(std::vector<change>& changes) {
    std::unique_lock lock(mutex_);
    for (auto& c : changes) {
        if (c.r) {
            upsert(std::move(c.key), std::move(*c.r));
        } else {
            erase(c.key);
        }
    }
}

size_t table_store::size() const {
    auto lock = read_lock();
    return entries_;
}

void table_store::upsert(std::string&& key, row&& r) {
    r.resize(width_);
    if (string_key_) {
        // The key column is the key (find() compares against it).
        value& k = r[key_index_];
        if (!std::holds_alternative<std::string>(k.raw()) || k.as_string() != key) {
            k = value(std::string(key));
        }
    }
    const uint64_t h = hash_key(key);
    if (size_t i = slot_of(key, h); i != no_slot) {
        std::move(r.begin(), r.end(), values_.begin() + (slots_[i].entry - 1) * width_);
        return;
    }
    if ((entries_ + 1) * 2 > slots_.size()) {
        grow();
    }
    std::move(r.begin(), r.end(), std::back_inserter(values_));
    if (!string_key_) {
        keys_.push_back(std::move(key));
    }
    size_t i = h & mask();
    while (slots_[i].entry != 0) {
        i = (i + 1) & mask();
    }
    slots_[i] = {tag_of(h), static_cast<uint32_t>(++entries_)};
}

void table_store::erase(std::string_view key) {
    size_t hole = slot_of(key, hash_key(key));
    if (hole == no_slot) {
        return;
    }
    const size_t gone = slots_[hole].entry - 1;
    // Backward-shift deletion: pull each following slot of the probe run
    // into the hole unless its home lies cyclically in (hole, j].
    for (size_t j = (hole + 1) & mask(); slots_[j].entry != 0; j = (j + 1) & mask()) {
        const size_t home = hash_key(key_of(slots_[j].entry - 1)) & mask();
        const bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            slots_[hole] = slots_[j];
            hole = j;
        }
    }
    slots_[hole] = {};
    // Keep the entries dense: the last one moves into the gap.
    const size_t last = entries_ - 1;
    if (gone != last) {
        const std::string_view last_key = key_of(last);
        size_t s = hash_key(last_key) & mask();
        while (slots_[s].entry != last + 1) {
            s = (s + 1) & mask();
        }
        slots_[s].entry = static_cast<uint32_t>(gone + 1);
        std::move(values_.begin() + last * width_, values_.begin() + (last + 1) * width_,
                  values_.begin() + gone * width_);
        if (!string_key_) {
            keys_[gone] = std::move(keys_[last]);
        }
    }
    values_.resize(last * width_);
    if (!string_key_) {
        keys_.pop_back();
    }
    entries_ = last;
}

void table_store::grow() {
    slots_.assign(std::max<size_t>(16, slots_.size() * 2), slot{});
    for (size_t e = 0; e < entries_; ++e) {
        const uint64_t h = hash_key(key_of(e));
        size_t i = h & mask();
        while (slots_[i].entry != 0) {
            i = (i + 1) & mask();
        }
        slots_[i] = {tag_of(h), static_cast<uint32_t>(e + 1)};
    }
}

namespace {

// malloc hands out 16-byte granules with an 8-byte header (glibc).
size_t heap_block(size_t n) {
    return n == 0 ? 0 : (n + 8 + 15) / 16 * 16;
}

size_t string_heap(const std::string& s) {
    return s.capacity() > 15 ? heap_block(s.capacity() + 1) : 0;
}

size_t value_heap(const value& v) {
    return std::visit(
        [](const auto& x) -> size_t {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, std::string>) {
                return string_heap(x);
            } else if constexpr (std::is_same_v<T, bytes_value>) {
                return string_heap(x.data);
            } else if constexpr (std::is_same_v<T, std::shared_ptr<const value_list>>) {
                size_t n =
                    heap_block(sizeof(value_list) + 16) + heap_block(x->capacity() * sizeof(value));
                for (const auto& item : *x) {
                    n += value_heap(item);
                }
                return n;
            } else if constexpr (std::is_same_v<T, std::shared_ptr<const value_map>>) {
                size_t n = heap_block(sizeof(value_map) + 16) +
                           heap_block(x->capacity() * sizeof(value_map::value_type));
                for (const auto& [k, item] : *x) {
                    n += string_heap(k) + value_heap(item);
                }
                return n;
            } else if constexpr (std::is_same_v<T, std::shared_ptr<const value_struct>>) {
                size_t n = heap_block(sizeof(value_struct) + 16) +
                           heap_block(x->fields.capacity() * sizeof(value));
                for (const auto& item : x->fields) {
                    n += value_heap(item);
                }
                return n;
            } else {
                return 0;
            }
        },
        v.raw());
}

}  // namespace

size_t table_store::approx_bytes() const {
    auto lock = read_lock();
    size_t n = heap_block(slots_.capacity() * sizeof(slot)) +
               heap_block(values_.capacity() * sizeof(value)) +
               heap_block(keys_.capacity() * sizeof(std::string));
    for (const auto& v : values_) {
        n += value_heap(v);
    }
    for (const auto& k : keys_) {
        n += string_heap(k);
    }
    return n;
}

// ---------------------------------------------------------------------------

result<std::unique_ptr<table_reader>> table_reader::start(std::shared_ptr<table_store> store,
                                                          const client::client_settings& settings,
                                                          timestamp_parser parse_timestamp) {
    const source_def& def = store->def();
    auto decoder = row_decoder::create(def, std::move(parse_timestamp));
    if (!decoder) {
        return decoder.take_error();
    }
    config::diagnostics diags;
    auto admin = client::admin_client::create(settings, diags);
    if (!admin) {
        return admin.take_error();
    }
    auto md = (*admin)->metadata();
    if (!md) {
        return md.take_error();
    }
    const client::topic_metadata* topic = nullptr;
    for (const auto& t : md->topics) {
        if (t.name == def.topic) {
            topic = &t;
        }
    }
    if (topic == nullptr || topic->partitions.empty()) {
        return error{errc::not_found,
                     fmt::format("table {}: topic {} does not exist", def.name, def.topic)};
    }
    std::unique_ptr<table_reader> r(new table_reader());
    r->store_ = std::move(store);
    r->decoder_ = std::move(*decoder);
    std::vector<client::topic_partition_offset> assignment;
    for (const auto& p : topic->partitions) {
        auto wm = (*admin)->query_watermarks({def.topic, p.id});
        if (!wm) {
            return wm.take_error();
        }
        if (static_cast<size_t>(p.id) >= r->targets_.size()) {
            r->targets_.resize(static_cast<size_t>(p.id) + 1, 0);
            r->positions_.resize(static_cast<size_t>(p.id) + 1, 0);
        }
        r->targets_[static_cast<size_t>(p.id)] = wm->high;
        r->positions_[static_cast<size_t>(p.id)] = wm->low;
        assignment.push_back({def.topic, p.id, client::offset_beginning});
    }
    client::client_settings cs = settings;
    // assign() needs a group.id although nothing joins or commits to it.
    cs.set("group.id", fmt::format("_clickstream-table-{}", def.topic), "table reader");
    cs.set("enable.auto.commit", "false", "table reader");
    cs.set("enable.auto.offset.store", "false", "table reader");
    cs.set("auto.offset.reset", "earliest", "table reader");
    auto consumer = client::consumer::create(cs, diags);
    if (!consumer) {
        return consumer.take_error();
    }
    r->consumer_ = std::move(*consumer);
    if (auto st = r->consumer_->assign(assignment); !st) {
        return st.err();
    }
    r->thread_ = std::thread([p = r.get()] { p->run(); });
    return r;
}

table_reader::~table_reader() {
    stop();
}

void table_reader::stop() {
    stop_.store(true);
    if (thread_.joinable()) {
        thread_.join();
    }
    if (consumer_) {
        (void)consumer_->close();
        consumer_.reset();
    }
}

status table_reader::wait_loaded(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    bool done = cv_.wait_for(lock, timeout, [&] { return loaded_.load() || failure_; });
    if (failure_) {
        return *failure_;
    }
    if (!done) {
        return status(errc::timed_out,
                      fmt::format("table {}: not loaded to the high watermark within {} ms",
                                  store_->def().name, timeout.count()));
    }
    return {};
}

void table_reader::run() {
    auto log = log::get("streams");
    const source_def& def = store_->def();
    set_thread_name("cs:table-" + def.name);
    const size_t key_index = store_->key_index();
    const sql_type& key_type = store_->key_type();
    const bool with_headers = reads_headers(def);
    std::vector<client::message> batch;
    std::vector<client::header_view> header_scratch;
    std::vector<table_store::change> changes;
    std::string scratch;
    row r;
    auto check_loaded = [&] {
        for (size_t p = 0; p < targets_.size(); ++p) {
            if (positions_[p] < targets_[p]) {
                return;
            }
        }
        std::lock_guard lock(mu_);
        loaded_.store(true);
        cv_.notify_all();
    };
    check_loaded();
    while (!stop_.load()) {
        batch.clear();
        auto n = consumer_->poll_batch(batch, 10000, std::chrono::milliseconds(100));
        if (!n) {
            log->error("table {} (topic {}): {}", def.name, def.topic, n.err().message);
            std::lock_guard lock(mu_);
            failure_ = n.err();
            cv_.notify_all();
            return;
        }
        changes.clear();
        for (const auto& m : batch) {
            auto p = static_cast<size_t>(m.partition());
            if (p < positions_.size()) {
                positions_[p] = m.offset() + 1;
            }
            stats_.records.fetch_add(1, std::memory_order_relaxed);
            record_view rv = to_record_view(m, header_scratch, with_headers);
            int64_t rowtime = 0;
            auto has_value = decoder_->decode(rv, r, rowtime);
            if (!has_value) {
                // The key may still be readable: a bad value must not delete the row.
                stats_.errors.fetch_add(1, std::memory_order_relaxed);
                log->warn("table {}: skipping {}-{}@{}: {}", def.name, def.topic, m.partition(),
                          m.offset(), has_value.err().message);
                continue;
            }
            if (r[key_index].is_null()) {
                stats_.null_keys.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            std::string key(lookup_key(r[key_index], key_type, scratch));
            if (*has_value) {
                changes.push_back({std::move(key), std::move(r)});
                r = row();
            } else {
                stats_.tombstones.fetch_add(1, std::memory_order_relaxed);
                changes.push_back({std::move(key), std::nullopt});
            }
        }
        if (!changes.empty()) {
            store_->apply(changes);
        }
        if (!loaded_.load()) {
            check_loaded();
        }
    }
}

}  // namespace cs::streams
