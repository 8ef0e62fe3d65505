#include "testing/postgres_server.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cs::testing {

namespace {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    out += '\'';
    return out;
}

// A port the kernel considers free right now (bind to :0, read it back).
int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return 0;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        socklen_t len = sizeof addr;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
            port = ntohs(addr.sin_port);
        }
    }
    ::close(fd);
    return port;
}

std::string find_bindir() {
    if (const char* env = std::getenv("CS_PG_BINDIR")) {
        return env;
    }
    for (const char* v : {"17", "16", "15", "14", "13"}) {
        std::string d = fmt::format("/usr/lib/postgresql/{}/bin", v);
        if (fs::exists(d + "/initdb") && fs::exists(d + "/pg_ctl")) {
            return d;
        }
    }
    return {};
}

std::string tail_of(const std::string& path, size_t max_chars = 2000) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    return s.size() > max_chars ? s.substr(s.size() - max_chars) : s;
}

}  // namespace

result<std::unique_ptr<postgres_server>> postgres_server::start_new(postgres_options opts) {
    std::unique_ptr<postgres_server> s(new postgres_server());
    s->opts_ = std::move(opts);
    s->bindir_ = find_bindir();
    if (s->bindir_.empty()) {
        return error{errc::not_found,
                     "PostgreSQL server binaries not found (looked for initdb and pg_ctl under "
                     "/usr/lib/postgresql/<version>/bin; set CS_PG_BINDIR)"};
    }
    std::string tmpl = (fs::temp_directory_path() / "cs-pg-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
        return error{errc::io, "mkdtemp failed for " + tmpl};
    }
    s->dir_ = tmpl;
    s->as_postgres_user_ = ::geteuid() == 0;
    if (s->as_postgres_user_) {
        const passwd* pw = ::getpwnam("postgres");
        if (pw == nullptr) {
            return error{errc::not_found,
                         "running as root and there is no 'postgres' user to run initdb as"};
        }
        if (::chown(s->dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
            return error{errc::io, "cannot chown " + s->dir_ + " to postgres"};
        }
    }
    auto init =
        s->run(fmt::format("{}/initdb -D {}/data -U postgres --auth=trust -E UTF8 "
                           "--no-locale --no-sync",
                           s->bindir_, s->dir_));
    if (!init) {
        return error{errc::io, "initdb failed: " + init.err().message};
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
        s->port_ = free_port();
        if (s->port_ == 0) {
            return error{errc::io, "no free TCP port on 127.0.0.1"};
        }
        auto st = s->start();
        if (st) {
            return s;
        }
        if (attempt == 2) {
            return st.err();
        }
    }
    return error{errc::io, "unreachable"};
}

result<postgres_server*> postgres_server::shared() {
    static auto instance = start_new();
    if (!instance.ok()) {
        return instance.err();
    }
    return instance->get();
}

postgres_server::~postgres_server() {
    if (running_) {
        (void)stop();
    }
    if (!dir_.empty()) {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
}

result<std::string> postgres_server::run(const std::string& cmd) const {
    // As the postgres user, from / : the caller's directory may be one
    // that user cannot enter (a 0700 checkout), and psql says so on every
    // call ("could not change directory").
    std::string full = as_postgres_user_ ? "runuser -u postgres -- sh -c " +
                                               shell_quote("cd / && " + cmd) + " 2>&1"
                                         : "sh -c " + shell_quote(cmd) + " 2>&1";
    FILE* p = ::popen(full.c_str(), "r");
    if (p == nullptr) {
        return error{errc::io, "cannot run: " + cmd};
    }
    std::string out;
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
        out.append(buf, n);
    }
    int rc = ::pclose(p);
    if (rc != 0) {
        int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
        return error{errc::io, fmt::format("`{}` exited with {}: {}", cmd, code, out)};
    }
    return out;
}

status postgres_server::start() {
    std::string conf = fmt::format("-k {} -h 127.0.0.1 -p {} -c fsync={} {}", dir_, port_,
                                   opts_.fsync ? "on" : "off", opts_.extra_conf);
    auto r = run(fmt::format("{}/pg_ctl start -w -t 60 -D {}/data -l {}/server.log -o {}", bindir_,
                             dir_, dir_, shell_quote(conf)));
    if (!r) {
        return error{errc::io, fmt::format("PostgreSQL did not start on 127.0.0.1:{}: {}\n"
                                           "server log tail:\n{}",
                                           port_, r.err().message, tail_of(dir_ + "/server.log"))};
    }
    running_ = true;
    return {};
}

status postgres_server::stop() {
    auto r = run(fmt::format("{}/pg_ctl stop -w -t 60 -m fast -D {}/data", bindir_, dir_));
    if (!r) {
        return error{errc::io, "pg_ctl stop failed: " + r.err().message};
    }
    running_ = false;
    return {};
}

std::string postgres_server::jdbc_url(const std::string& db) const {
    return fmt::format("jdbc:postgresql://127.0.0.1:{}/{}", port_, db);
}

std::string postgres_server::conninfo(const std::string& db) const {
    return fmt::format("host=127.0.0.1 port={} user=postgres dbname={}", port_, db);
}

result<std::string> postgres_server::psql_file(const std::string& path,
                                               const std::string& db) const {
    return run(
        fmt::format("{}/psql -X -A -t -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p {} -U "
                    "postgres -d {} -f {}",
                    bindir_, port_, db, shell_quote(path)));
}

result<std::string> postgres_server::psql(const std::string& sql, const std::string& db) const {
    static std::atomic<int> counter{0};
    std::string path = fmt::format("{}/q{}.sql", dir_, counter.fetch_add(1));
    {
        std::ofstream out(path);
        out << sql << "\n";
        if (!out) {
            return error{errc::io, "cannot write " + path};
        }
    }
    ::chmod(path.c_str(), 0644);
    auto r = psql_file(path, db);
    std::error_code ec;
    fs::remove(path, ec);
    return r;
}

}  // namespace cs::testing
