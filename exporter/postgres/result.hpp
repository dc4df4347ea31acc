#pragma once
// The rows of one statement's answer, read straight from libpq's PGresult. Statements of a
// scrape are sent through libpq's pipeline mode, which libpqxx 6.4 does not offer, so their
// answers arrive as PGresults; collectors read them through these small views.

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>

namespace stackwatch::exporter::postgres {

class Field {
  public:
    Field(const PGresult* result, int row, int column)
        : result_(result), row_(row), column_(column) {}
    bool is_null() const { return PQgetisnull(result_, row_, column_) != 0; }
    // The value as PostgreSQL's text output writes it ("" for NULL).
    const char* c_str() const { return PQgetvalue(result_, row_, column_); }
    const char* name() const { return PQfname(result_, column_); }
    Oid type() const { return PQftype(result_, column_); }
    // Numbers, NaN and ±Infinity; throws std::invalid_argument naming the column otherwise.
    double as_double() const;

  private:
    const PGresult* result_;
    int row_;
    int column_;
};

// Walks positions 0..size() of a Row (its fields) or a Result (its rows).
template <typename Container>
class PositionIterator {
  public:
    PositionIterator(const Container* container, int position)
        : container_(container), position_(position) {}
    auto operator*() const { return (*container_)[position_]; }
    PositionIterator& operator++() {
        ++position_;
        return *this;
    }
    bool operator!=(const PositionIterator& other) const { return position_ != other.position_; }

  private:
    const Container* container_;
    int position_;
};

class Row {
  public:
    Row(const PGresult* result, int row) : result_(result), row_(row) {}
    // Throws std::out_of_range naming a column the statement did not return.
    Field operator[](std::string_view column) const;
    Field operator[](int column) const { return {result_, row_, column}; }
    int size() const { return PQnfields(result_); }

    PositionIterator<Row> begin() const { return {this, 0}; }
    PositionIterator<Row> end() const { return {this, size()}; }

  private:
    const PGresult* result_;
    int row_;
};

class Result {
  public:
    Result() = default;
    explicit Result(PGresult* result) : result_(result, &PQclear) {}
    int size() const { return result_ ? PQntuples(result_.get()) : 0; }
    bool empty() const { return size() == 0; }
    // Throws std::out_of_range when there is no such row.
    Row at(int row) const;
    Row operator[](int row) const { return {result_.get(), row}; }
    const PGresult* raw() const { return result_.get(); }

    PositionIterator<Result> begin() const { return {this, 0}; }
    PositionIterator<Result> end() const { return {this, size()}; }

  private:
    std::shared_ptr<PGresult> result_{nullptr, &PQclear};
};

}  // namespace stackwatch::exporter::postgres
