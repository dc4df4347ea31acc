#define BOOST_TEST_MODULE exporter_process
#include <boost/test/unit_test.hpp>
