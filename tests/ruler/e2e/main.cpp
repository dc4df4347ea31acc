#define BOOST_TEST_MODULE ruler_e2e
#include <boost/test/unit_test.hpp>
