#include "board/design_identity.hpp"

#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace dorefa::board {

DesignIdentity load_design_identity(const std::filesystem::path& design) {
  const std::filesystem::path file = std::filesystem::is_directory(design) ? design / "design.json" : design;
  std::ifstream in(file);
  if (!in) throw Error(file.string(), "cannot read the design description (expected the design.json of `dorefa compile`)");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw Error(file.string(), fmt::format("not valid JSON: {}", e.what()));
  }
  DesignIdentity d;
  d.source = file;
  auto field = [&](const nlohmann::json& obj, const char* path, const char* key) -> const nlohmann::json& {
    if (!obj.is_object() || !obj.contains(key))
      throw Error(file.string(), fmt::format("field '{}' missing; recompile the design with this version of dorefa", path));
    return obj.at(key);
  };
  try {
    d.model_name = field(field(j, "model", "model"), "model.name", "name").get<std::string>();
    const auto& sys = field(j, "system", "system");
    d.design_hash = field(sys, "system.design_hash", "design_hash").get<std::string>();
    d.pixels = field(sys, "system.pixels", "pixels").get<std::uint32_t>();
    d.image_bytes = field(sys, "system.image_bytes", "image_bytes").get<std::uint32_t>();
    d.num_classes = field(sys, "system.num_classes", "num_classes").get<std::uint32_t>();
    d.ideal_cycles = field(j, "ideal_cycles_per_image", "ideal_cycles_per_image").get<std::int64_t>();
    if (j.contains("clock_mhz")) d.clock_mhz = j.at("clock_mhz").get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(file.string(), fmt::format("malformed field: {}", e.what()));
  }
  if (d.design_hash.size() != 16 || d.design_hash.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw Error(file.string(), fmt::format("system.design_hash is '{}', expected 16 lowercase hex digits", d.design_hash));
  if (d.pixels == 0 || d.num_classes == 0 || d.image_bytes < d.pixels || d.image_bytes % 8)
    throw Error(file.string(), fmt::format("system.pixels {}, image_bytes {}, num_classes {}: expected pixels >= 1, "
                                           "image_bytes a multiple of 8 >= pixels, classes >= 1",
                                           d.pixels, d.image_bytes, d.num_classes));
  return d;
}

}  // namespace dorefa::board
