#define BOOST_TEST_MODULE scrape
#include <boost/test/unit_test.hpp>

#include "common/logging.hpp"

// The fake exporters log every request at info; only problems belong in the test output.
struct QuietLogs {
    QuietLogs() { stackwatch::log::init({.level = "warn"}); }
};
BOOST_TEST_GLOBAL_FIXTURE(QuietLogs);
