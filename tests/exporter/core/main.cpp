#define BOOST_TEST_MODULE exporter_core
#include <boost/test/unit_test.hpp>
