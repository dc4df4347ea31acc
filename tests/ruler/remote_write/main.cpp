#define BOOST_TEST_MODULE ruler_remote_write
#include <boost/test/unit_test.hpp>

#include "common/logging.hpp"

// The retries' warnings would bury Boost's report.
struct QuietLogs {
    QuietLogs() { stackwatch::log::init({.level = "error"}); }
};
BOOST_TEST_GLOBAL_FIXTURE(QuietLogs);
