// Errors as values: every parse and I/O function returns Result<T>, whose error carries a
// message a user can act on (what was wrong, where, and what was expected).
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace sipref {

struct Error {
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}

}  // namespace sipref
