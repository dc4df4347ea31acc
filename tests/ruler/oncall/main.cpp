#define BOOST_TEST_MODULE ruler_oncall
#include <boost/test/unit_test.hpp>

#include "common/logging.hpp"

// The receivers' access log would bury Boost's report.
struct QuietLogs {
    QuietLogs() { stackwatch::log::init({.level = "error"}); }
};
BOOST_TEST_GLOBAL_FIXTURE(QuietLogs);
