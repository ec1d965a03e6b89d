#pragma once
// The one project error type: where it happened (file, layer, field) and what was
// expected vs. found. The CLI catches it once and exits 2 (bad input) or 1 (internal).
#include <stdexcept>
#include <string>

namespace dorefa {

enum class ErrorKind {
  kBadInput,  // the user's file, config or request is wrong: exit code 2
  kInternal,  // a bug or an environment fault: exit code 1
};

class Error : public std::runtime_error {
 public:
  // `where` names the file (and layer/field when known); `what` says expected vs. found.
  Error(std::string where, std::string what, ErrorKind kind = ErrorKind::kBadInput);

  const std::string& where() const { return where_; }
  const std::string& detail() const { return detail_; }
  ErrorKind kind() const { return kind_; }

 private:
  std::string where_;
  std::string detail_;
  ErrorKind kind_;
};

}  // namespace dorefa
