#define BOOST_TEST_MODULE ruler_rules
#include <boost/test/unit_test.hpp>
