#pragma once
// Where rules get their answers. A rule never knows which one it uses: the embedded one runs our
// PromQL engine over the local store; the remote one asks a Prometheus-compatible /api/v1/query.

#include <memory>
#include <stdexcept>
#include <string>

#include "ruler/promql/engine.hpp"
#include "ruler/promql/value.hpp"

namespace stackwatch::datasource {

// The query could not be answered (peer down, timeout, bad response, evaluation error). Rules
// mark themselves unhealthy with this message; the group carries on.
class QueryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Datasource {
public:
    virtual ~Datasource() = default;
    // Instant query at time t. Throws QueryError (or promql::ParseError for bad syntax).
    virtual promql::Value query(const std::string& expr, promql::Timestamp t) = 0;
    virtual std::string describe() const = 0;  // for logs and /api: "embedded" or the URL
};

// Our engine over any Queryable (the scraped store, or a rule test's loaded series).
class EmbeddedDatasource : public Datasource {
public:
    EmbeddedDatasource(const promql::Queryable& data, promql::EngineOptions options = {})
        : data_(data), engine_(options) {}
    promql::Value query(const std::string& expr, promql::Timestamp t) override {
        try {
            return engine_.instant(expr, t, data_);
        } catch (const promql::EvalError& e) {
            throw QueryError(e.what());
        }
    }
    std::string describe() const override { return "embedded"; }

private:
    const promql::Queryable& data_;
    promql::Engine engine_;
};

}  // namespace stackwatch::datasource
