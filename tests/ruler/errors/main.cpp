#define BOOST_TEST_MODULE ruler_errors
#include <boost/test/unit_test.hpp>

#include "common/logging.hpp"

// The tracker logs its retention runs; keep Boost's report readable.
struct QuietLogs {
    QuietLogs() { stackwatch::log::init({.level = "error"}); }
};
BOOST_TEST_GLOBAL_FIXTURE(QuietLogs);
