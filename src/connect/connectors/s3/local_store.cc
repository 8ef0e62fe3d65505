// The local-directory object store. Layout under root:
//   <key>                          published objects (key '/' = directory)
//   <dir of key>/.<name>.tmp-<n>   an object being written (never listed)
//   .multipart/<upload id>/<part>  parts of an open multipart upload
// A crash leaves at most hidden temporaries behind; published files are
// always complete because they appear only by rename(2) after fsync. Those
// of a process that no longer runs are removed the first time this process
// writes next to them (a temporary's name and an upload id carry the pid).

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <string_view>

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include "base/strings.h"
#include "connect/connectors/s3/object_store.h"

namespace cs::connect::s3 {
namespace {

namespace fs = std::filesystem;

error io_error(const std::string& what, const std::string& path) {
    return error{errc::io, fmt::format("{} {}: {}", what, path, std::strerror(errno))};
}

status write_all(int fd, bytes_view data, const std::string& path) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return io_error("write", path);
        }
        done += static_cast<size_t>(n);
    }
    return {};
}

status fsync_dir(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return io_error("open directory", dir.string());
    }
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) {
        return io_error("fsync directory", dir.string());
    }
    return {};
}

bool valid_key(const std::string& key) {
    if (key.empty() || key.front() == '/' || key.back() == '/') {
        return false;
    }
    for (const auto& part : fs::path(key)) {
        const std::string s = part.string();
        if (s.empty() || s == "." || s == ".." || s.front() == '.') {
            return false;
        }
    }
    return true;
}

// Whether the pid at the start of `text` (digits up to a '-') is another
// process that no longer exists. Unreadable names count as alive (kept).
bool left_by_dead_process(std::string_view text) {
    size_t end = text.find('-');
    auto pid = end == std::string_view::npos ? std::nullopt : parse_int64(text.substr(0, end));
    if (!pid || *pid <= 0 || *pid > std::numeric_limits<pid_t>::max()) {
        return false;
    }
    auto p = static_cast<pid_t>(*pid);
    return p != ::getpid() && ::kill(p, 0) != 0 && errno == ESRCH;
}

// Removes what dead writers left in dir: ".<name>.tmp-<pid>-<n>" files, or
// with `uploads`, "<pid>-<n>" upload directories.
void sweep(const fs::path& dir, bool uploads) {
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        size_t tmp = name.rfind(".tmp-");
        bool dead = uploads ? left_by_dead_process(name)
                            : name.starts_with(".") && tmp != std::string::npos &&
                                  left_by_dead_process(std::string_view(name).substr(tmp + 5));
        if (dead) {
            std::error_code rm;
            fs::remove_all(it->path(), rm);
        }
    }
}

class local_store final : public object_store {
  public:
    explicit local_store(fs::path root) : root_(std::move(root)) {}

    status put_object(const std::string& key, bytes_view data) override {
        return publish(key,
                       [&](int fd, const std::string& tmp) { return write_all(fd, data, tmp); });
    }

    result<std::string> create_multipart(const std::string& key) override {
        if (!valid_key(key)) {
            return error{errc::invalid_argument, fmt::format("invalid object key '{}'", key)};
        }
        std::string id = fmt::format("{}-{}", ::getpid(), next_id_++);
        std::error_code ec;
        fs::create_directories(root_ / ".multipart" / id, ec);
        if (ec) {
            return error{errc::io, fmt::format("create upload directory: {}", ec.message())};
        }
        if (swept_.insert(root_ / ".multipart").second) {
            sweep(root_ / ".multipart", true);
        }
        return id;
    }

    result<std::string> upload_part(const std::string& /*key*/, const std::string& upload_id,
                                    int part_number, bytes_view data) override {
        const fs::path dir = root_ / ".multipart" / upload_id;
        if (!fs::is_directory(dir)) {
            return error{errc::not_found, fmt::format("no upload {}", upload_id)};
        }
        const std::string path = (dir / std::to_string(part_number)).string();
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            return io_error("create", path);
        }
        status st = write_all(fd, data, path);
        ::close(fd);
        if (!st) {
            return st.err();
        }
        return std::to_string(part_number);
    }

    status complete_multipart(const std::string& key, const std::string& upload_id,
                              const std::vector<std::string>& etags) override {
        const fs::path dir = root_ / ".multipart" / upload_id;
        if (!fs::is_directory(dir)) {
            return error{errc::not_found, fmt::format("no upload {}", upload_id)};
        }
        status st = publish(key, [&](int fd, const std::string& tmp) -> status {
            for (const auto& part : etags) {
                std::ifstream in(dir / part, std::ios::binary);
                if (!in) {
                    return error{errc::not_found,
                                 fmt::format("upload {} has no part {}", upload_id, part)};
                }
                std::string content((std::istreambuf_iterator<char>(in)), {});
                if (auto w = write_all(fd, as_bytes(content), tmp); !w) {
                    return w;
                }
            }
            return {};
        });
        if (st) {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
        return st;
    }

    status abort_multipart(const std::string& /*key*/, const std::string& upload_id) override {
        std::error_code ec;
        fs::remove_all(root_ / ".multipart" / upload_id, ec);
        return {};
    }

    result<std::vector<std::string>> list(const std::string& prefix) override {
        std::vector<std::string> out;
        std::error_code ec;
        if (!fs::exists(root_)) {
            return out;
        }
        for (auto it = fs::recursive_directory_iterator(root_, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (!name.empty() && name.front() == '.') {
                if (it->is_directory()) {
                    it.disable_recursion_pending();
                }
                continue;
            }
            if (!it->is_regular_file()) {
                continue;
            }
            std::string key = fs::relative(it->path(), root_).generic_string();
            if (key.starts_with(prefix)) {
                out.push_back(std::move(key));
            }
        }
        if (ec) {
            return error{errc::io, fmt::format("list {}: {}", root_.string(), ec.message())};
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    result<std::string> get_object(const std::string& key) override {
        if (!valid_key(key)) {
            return error{errc::invalid_argument, fmt::format("invalid object key '{}'", key)};
        }
        std::ifstream in(root_ / key, std::ios::binary);
        if (!in) {
            return error{errc::not_found, fmt::format("no object '{}'", key)};
        }
        return std::string((std::istreambuf_iterator<char>(in)), {});
    }

  private:
    // Writes through `fill` into a hidden temporary next to the key, then
    // fsync + rename + directory fsync: the object appears whole or not at all.
    template <class Fill>
    status publish(const std::string& key, Fill&& fill) {
        if (!valid_key(key)) {
            return error{errc::invalid_argument, fmt::format("invalid object key '{}'", key)};
        }
        const fs::path target = root_ / key;
        const fs::path dir = target.parent_path();
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) {
            return error{errc::io,
                         fmt::format("create directory {}: {}", dir.string(), ec.message())};
        }
        if (swept_.insert(dir).second) {
            sweep(dir, false);
        }
        const std::string tmp =
            (dir / fmt::format(".{}.tmp-{}-{}", target.filename().string(), ::getpid(), next_id_++))
                .string();
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            return io_error("create", tmp);
        }
        status st = fill(fd, tmp);
        if (st && ::fsync(fd) != 0) {
            st = io_error("fsync", tmp);
        }
        ::close(fd);
        if (st && ::rename(tmp.c_str(), target.c_str()) != 0) {
            st = io_error("rename", tmp);
        }
        if (!st) {
            ::unlink(tmp.c_str());
            return st;
        }
        return fsync_dir(dir);
    }

    fs::path root_;
    uint64_t next_id_ = 0;
    std::set<fs::path> swept_;  // directories already cleared of dead writers' leftovers
};

}  // namespace

result<std::unique_ptr<object_store>> open_local_store(const std::string& root) {
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) {
        return error{errc::io, fmt::format("create store directory {}: {}", root, ec.message())};
    }
    return std::unique_ptr<object_store>(std::make_unique<local_store>(fs::path(root)));
}

status upload_object(object_store& store, const std::string& key, bytes_view data,
                     size_t part_size) {
    if (part_size == 0 || data.size() <= part_size) {
        return store.put_object(key, data);
    }
    auto id = store.create_multipart(key);
    if (!id) {
        return id.err();
    }
    std::vector<std::string> etags;
    for (size_t off = 0; off < data.size(); off += part_size) {
        const size_t n = std::min(part_size, data.size() - off);
        auto etag =
            store.upload_part(key, *id, static_cast<int>(etags.size() + 1), data.subspan(off, n));
        if (!etag) {
            (void)store.abort_multipart(key, *id);
            return etag.err();
        }
        etags.push_back(std::move(*etag));
    }
    if (auto st = store.complete_multipart(key, *id, etags); !st) {
        (void)store.abort_multipart(key, *id);
        return st;
    }
    return {};
}

}  // namespace cs::connect::s3
