#pragma once
// Runs Prometheus's PromQL test scripts (promql/testdata/*.test):
//
//   load 5m
//     http_requests{job="api"} 0+10x10
//   eval instant at 50m sum(http_requests)
//     {} 100
//   eval_fail instant at 0m ...      (must fail)
//   eval_ordered instant at 50m ...  (order matters)
//   clear
//
// Each eval* command is one case. Loaded series go into a storage::MemoryStore.

#include <ostream>
#include <string>
#include <vector>

namespace stackwatch::promql {

struct TestFileResult {
    std::string file;
    int passed = 0;
    int failed = 0;
    std::vector<std::string> failures;  // "file:line: what went wrong"
};

// Runs a script given as text; `name` labels the failures.
TestFileResult run_promql_test_script(const std::string& name, const std::string& text);
TestFileResult run_promql_test_file(const std::string& path);

// Prints "<file>: N passed, M failed" per file with its failures, then "N passed, M failed" for
// all files. Returns 0 when nothing failed, 1 otherwise.
int run_promql_tests(const std::vector<std::string>& files, std::ostream& out);

}  // namespace stackwatch::promql
