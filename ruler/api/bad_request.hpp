#pragma once
// How the /monitoring handlers refuse what a request asks: whatever reads or applies the request
// throws a std::invalid_argument saying why (a field, a refused change), and the handler answers
// it as a 400 with that reason.

#include <stdexcept>

#include "common/http_server.hpp"

namespace stackwatch::ruler {

class BadRequest : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

template <typename Answer>
http::Response answer_or_400(Answer answer) {
    try {
        return answer();
    } catch (const std::invalid_argument& e) {
        return http::Response::error(400, e.what());
    }
}

}  // namespace stackwatch::ruler
