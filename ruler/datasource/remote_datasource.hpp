#pragma once
// Rules answered by any Prometheus-compatible query API (Prometheus, Thanos, Mimir, ...): an
// instant query to <url>/api/v1/query with `query` and `time`, its JSON answer read back into a
// promql::Value as web/api/v1 writes it.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config.hpp"
#include "ruler/datasource/datasource.hpp"
#include "ruler/scrape/http_client_config.hpp"

namespace stackwatch::datasource {

struct RemoteDatasourceConfig {
    std::string url;              // the API's base URL, e.g. http://prometheus:9090
    std::string method = "POST";  // POST keeps long expressions out of URLs and access logs
    std::vector<std::pair<std::string, std::string>> headers;
    scrape::HttpAuth auth;
    Duration timeout = std::chrono::seconds(30);
};

// A `datasource:` section with `type: remote`: url, method, headers, basic_auth, authorization,
// timeout. Unknown keys and a type other than remote are errors naming file:line:column.
RemoteDatasourceConfig parse_remote_datasource_config(const ConfigNode& section);

class RemoteDatasource : public Datasource {
  public:
    explicit RemoteDatasource(RemoteDatasourceConfig config);
    // Throws QueryError for an error answer, an HTTP failure status, a timeout, an unreachable
    // peer or a body that is not the API's JSON. Messages never carry credentials.
    promql::Value query(const std::string& expr, promql::Timestamp t) override;
    std::string describe() const override;  // the URL, with any password masked

  private:
    RemoteDatasourceConfig config_;
};

// An /api/v1/query response body as a value. Throws QueryError.
promql::Value parse_query_response(std::string_view body);

}  // namespace stackwatch::datasource
