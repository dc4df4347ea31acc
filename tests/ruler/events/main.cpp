#define BOOST_TEST_MODULE ruler_events
#include <boost/test/unit_test.hpp>
