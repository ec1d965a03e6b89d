#include "util/error.hpp"

namespace dorefa {

Error::Error(std::string where, std::string what, ErrorKind kind)
    : std::runtime_error(where.empty() ? what : where + ": " + what),
      where_(std::move(where)),
      detail_(std::move(what)),
      kind_(kind) {}

}  // namespace dorefa
