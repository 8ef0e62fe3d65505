#include "cli/streams_shell.h"

#include <cerrno>
#include <iostream>

#include <poll.h>
#include <unistd.h>

#include "base/ascii.h"
#include "base/strings.h"
#include "streams/script_input.h"

namespace cs::cli {
namespace {

constexpr std::string_view prompt = "ksql> ";
constexpr std::string_view continuation = "    > ";

enum class read_result { line, interrupted, end };

// One line from fd without its '\n' (the last line may lack one). The
// wait polls the interrupt flag every 100 ms (a signal may be delivered to
// any of the process's threads, so a read would not see EINTR): once set,
// `interrupted`, with what was read of the line dropped.
class line_reader {
  public:
    line_reader(int fd, const std::atomic<bool>* interrupted)
        : fd_(fd), interrupted_(interrupted) {}

    read_result next(std::string& line) {
        for (;;) {
            if (size_t nl = buf_.find('\n'); nl != std::string::npos) {
                line = buf_.substr(0, nl);
                buf_.erase(0, nl + 1);
                return read_result::line;
            }
            if (eof_) {
                if (buf_.empty()) {
                    return read_result::end;
                }
                line = std::move(buf_);
                buf_.clear();
                return read_result::line;
            }
            if (interrupted_ != nullptr && interrupted_->load()) {
                buf_.clear();
                return read_result::interrupted;
            }
            pollfd pfd{.fd = fd_, .events = POLLIN, .revents = 0};
            int ready = ::poll(&pfd, 1, 100);
            if (ready == 0 || (ready < 0 && errno == EINTR)) {
                continue;
            }
            char chunk[4096];
            ssize_t n = ::read(fd_, chunk, sizeof chunk);
            if (n > 0) {
                buf_.append(chunk, static_cast<size_t>(n));
            } else if (n == 0) {
                eof_ = true;
            } else if (errno != EINTR) {
                eof_ = true;
            }
        }
    }

  private:
    int fd_;
    const std::atomic<bool>* interrupted_;
    std::string buf_;
    bool eof_ = false;
};

bool is_exit(std::string_view pending) {
    std::string_view t = trim_java(pending);
    if (t.ends_with(';')) {
        t = trim_java(t.substr(0, t.size() - 1));
    }
    return ascii_iequals(t, "exit") || ascii_iequals(t, "quit");
}

void show_prompt(const shell_io& io, bool continued) {
    if (io.interactive) {
        std::cout << (continued ? continuation : prompt);
        std::cout.flush();
    }
}

}  // namespace

size_t run_shell(const shell_io& io, const std::function<status(const std::string& sql)>& run) {
    line_reader reader(io.in_fd, io.interrupted);
    std::string pending;
    std::string line;
    size_t failures = 0;
    if (io.interactive) {
        std::cout << "clickstream streams: ksqlDB statements end with ';'. Ctrl-C stops a "
                     "query, Ctrl-D or exit leaves.\n";
    }
    show_prompt(io, false);
    for (;;) {
        if (io.terminated != nullptr && io.terminated->load()) {
            break;
        }
        read_result r = reader.next(line);
        if (r == read_result::end) {
            break;
        }
        if (r == read_result::interrupted) {
            if (io.terminated != nullptr && io.terminated->load()) {
                break;
            }
            pending.clear();
            if (io.interrupted != nullptr) {
                io.interrupted->store(false);
            }
            if (io.interactive) {
                std::cout << '\n';
            }
            show_prompt(io, false);
            continue;
        }
        pending += line;
        pending += '\n';
        if (is_exit(pending)) {
            pending.clear();
            break;
        }
        switch (streams::classify_script_input(pending)) {
            case streams::script_input::empty:
                pending.clear();
                show_prompt(io, false);
                continue;
            case streams::script_input::partial:
                show_prompt(io, true);
                continue;
            case streams::script_input::complete:
                break;
        }
        std::string sql = std::move(pending);
        pending.clear();
        if (auto st = run(sql); !st) {
            ++failures;
            std::cout.flush();
            std::cerr << "error: " << st.message() << '\n';
        }
        if (io.interrupted != nullptr) {
            io.interrupted->store(false);
        }
        show_prompt(io, false);
    }
    if (io.interactive) {
        std::cout << '\n';
    }
    if (!trim_java(pending).empty()) {
        ++failures;
        std::cerr << "error: the input ended inside a statement (no ';' after it): "
                  << trim_java(pending) << '\n';
    }
    return failures;
}

}  // namespace cs::cli
