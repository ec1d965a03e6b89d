#pragma once
// What a stage of the flow consumed, as one key: SHA-256 over named parts (file contents,
// whole folders, tool versions, options). A stage whose key is unchanged and whose output
// exists is not redone; any change in any part reruns it (tests/flow/stage_key_test.cpp).
#include <filesystem>
#include <string>
#include <vector>

namespace dorefa::flow {

class StageKey {
 public:
  // The bytes of one file (a missing file is a part of its own, "absent").
  StageKey& file(const std::string& name, const std::filesystem::path& path);
  // Every regular file below `dir`, by relative path and content, in sorted order;
  // sub-folders named in `skip` (relative to dir) are left out.
  StageKey& folder(const std::string& name, const std::filesystem::path& dir, const std::vector<std::string>& skip = {});
  // A text: an option, a version string, a generated source.
  StageKey& text(const std::string& name, const std::string& value);
  std::string hex() const;

 private:
  std::vector<std::string> parts_;  // "name=sha256" each, in the order given
};

// SHA-256 of the running executable: the version of the code that runs the stage (the
// lowering, the generator), so a rebuilt dorefa redoes what its code produces.
const std::string& executable_identity();

// The first line `program flag` prints (e.g. "Verilator 5.006 2023-01-22"), or
// "<program> not found" when it is not installed.
std::string tool_version(const std::string& program, const std::string& flag);

}  // namespace dorefa::flow
