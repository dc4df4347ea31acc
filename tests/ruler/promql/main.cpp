#define BOOST_TEST_MODULE promql
#include <boost/test/unit_test.hpp>
