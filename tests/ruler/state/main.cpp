#define BOOST_TEST_MODULE ruler_state
#include <boost/test/unit_test.hpp>
