#pragma once
// What a remote-write receiver reads from a request body: snappy, then the WriteRequest.

#include <snappy.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "ruler/remote_write/prompb.pb.h"

namespace stackwatch::test {

inline prompb::WriteRequest decode_write_request(const std::string& body) {
    std::string raw;
    BOOST_TEST_REQUIRE(snappy::Uncompress(body.data(), body.size(), &raw));
    prompb::WriteRequest request;
    BOOST_TEST_REQUIRE(request.ParseFromString(raw));
    return request;
}

}  // namespace stackwatch::test
