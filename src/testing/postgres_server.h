#pragma once

// A throw-away PostgreSQL cluster for tests: initdb into a fresh temporary
// directory, postgres listening on 127.0.0.1 and a free port (its Unix socket
// in the same directory), trust authentication, user "postgres". stop() and
// start() restart the same cluster on the same port (tests of a database that
// goes away). The destructor stops it and removes the directory.
//
// When the process runs as root (initdb refuses), every PostgreSQL command
// runs as the `postgres` system user via runuser, and the directory is
// chowned to it. Binaries come from /usr/lib/postgresql/<15>/bin unless
// CS_PG_BINDIR is set.

#include <memory>
#include <string>

#include "base/result.h"

namespace cs::testing {

struct postgres_options {
    // fsync=off makes tests fast; benchmarks that compare with COPY want it on.
    bool fsync = false;
    std::string extra_conf;  // extra "-c name=value" arguments for postgres
};

class postgres_server {
  public:
    // Creates and starts a cluster. The error says why (missing binaries,
    // initdb or pg_ctl failure with the tail of the server log).
    static result<std::unique_ptr<postgres_server>> start_new(postgres_options opts = {});
    // One cluster for the whole test process (initdb takes seconds), started
    // on first use and stopped at exit. Tests sharing it use their own
    // databases or tables. A failed start is returned to every caller.
    static result<postgres_server*> shared();
    ~postgres_server();
    postgres_server(const postgres_server&) = delete;
    postgres_server& operator=(const postgres_server&) = delete;

    status stop();   // pg_ctl stop -m fast; waits until it is down
    status start();  // starts it again on the same port
    bool running() const { return running_; }

    int port() const { return port_; }
    std::string host() const { return "127.0.0.1"; }
    std::string user() const { return "postgres"; }
    // jdbc:postgresql://127.0.0.1:<port>/<db>
    std::string jdbc_url(const std::string& db = "postgres") const;
    // libpq conninfo: "host=127.0.0.1 port=<port> user=postgres dbname=<db>"
    std::string conninfo(const std::string& db = "postgres") const;

    // Runs SQL through psql (-X -A -t -q, ON_ERROR_STOP) and returns its
    // output: rows one per line, columns separated by '|'.
    result<std::string> psql(const std::string& sql, const std::string& db = "postgres") const;
    // Runs psql with a file of commands (e.g. \copy); output as psql().
    result<std::string> psql_file(const std::string& path,
                                  const std::string& db = "postgres") const;

    const std::string& dir() const { return dir_; }
    const std::string& bindir() const { return bindir_; }

  private:
    postgres_server() = default;
    result<std::string> run(const std::string& cmd) const;  // as the pg user
    std::string dir_;
    std::string bindir_;
    postgres_options opts_;
    int port_ = 0;
    bool as_postgres_user_ = false;
    bool running_ = false;
};

}  // namespace cs::testing
