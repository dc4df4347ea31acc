#define BOOST_TEST_MODULE ruler_api
#include <boost/test/unit_test.hpp>
