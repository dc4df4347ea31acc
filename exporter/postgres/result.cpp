#include "exporter/postgres/result.hpp"

#include <cstdlib>
#include <stdexcept>

namespace stackwatch::exporter::postgres {

double Field::as_double() const {
    const char* text = c_str();
    char* end = nullptr;
    // strtod reads PostgreSQL's NaN, Infinity and -Infinity as well as numbers.
    double value = std::strtod(text, &end);
    if (end == text || *end != '\0')
        throw std::invalid_argument(std::string("column ") + name() + " is not a number: '" + text +
                                    "'");
    return value;
}

Field Row::operator[](std::string_view column) const {
    for (int i = 0, n = PQnfields(result_); i < n; ++i)
        if (column == PQfname(result_, i)) return {result_, row_, i};
    throw std::out_of_range("the statement returned no column named " + std::string(column));
}

Row Result::at(int row) const {
    if (row < 0 || row >= size())
        throw std::out_of_range("the statement returned " + std::to_string(size()) + " rows, not " +
                                std::to_string(row + 1));
    return {result_.get(), row};
}

}  // namespace stackwatch::exporter::postgres
