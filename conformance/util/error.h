// Errors as values for the harness (its own copy of the idea, not of reference code): parse and
// I/O functions return Result<T>; messages say where (file:line) and what to do.
#pragma once

#include <expected>
#include <string>

namespace sipconform {

struct Error {
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) { return std::unexpected<Error>(Error{std::move(message)}); }

}  // namespace sipconform
