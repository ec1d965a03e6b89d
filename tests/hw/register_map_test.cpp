#include "hw/register_map.hpp"

#include <filesystem>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::hw {
namespace {

TEST(RegisterMap, OffsetsAreUniqueWordAlignedAndDecoded) {
  const RegisterMap& m = shell_register_map();
  std::set<std::uint32_t> offsets;
  std::set<std::string> names;
  for (const auto& r : m.registers) {
    EXPECT_EQ(r.offset % 4, 0u) << r.name;
    EXPECT_LT(r.offset, 1u << m.address_bits) << r.name << ": outside the decoded address bits";
    EXPECT_TRUE(offsets.insert(r.offset).second) << r.name << " shares offset " << r.offset;
    EXPECT_TRUE(names.insert(r.name).second) << r.name;
  }
  for (const char* required : {"ID", "VERSION", "DESIGN_HASH_LO", "DESIGN_HASH_HI", "CONTROL", "STATUS", "FLAGS",
                               "IMAGE_COUNT", "IN_ADDR", "IN_BYTES", "OUT_ADDR", "OUT_BYTES", "IMAGES_DONE",
                               "BUSY_CYCLES", "IN_STALL_CYCLES", "OUT_STALL_CYCLES"})
    EXPECT_NO_THROW(m.at(required)) << required;
  EXPECT_THROW(m.at("NO_SUCH_REGISTER"), Error);
}

TEST(RegisterMap, FieldsFitTheWordAndDoNotOverlap) {
  for (const auto& r : shell_register_map().registers) {
    std::uint64_t used = 0;
    for (const auto& f : r.fields) {
      ASSERT_GE(f.width, 1) << r.name << "." << f.name;
      ASSERT_LE(f.lsb + f.width, 32) << r.name << "." << f.name;
      const std::uint64_t mask = ((1ull << f.width) - 1) << f.lsb;
      EXPECT_EQ(used & mask, 0u) << r.name << "." << f.name << " overlaps another field";
      used |= mask;
    }
  }
}

TEST(RegisterMap, ErrorCodesAreDistinctAndFitTheStatusField) {
  const RegisterMap& m = shell_register_map();
  int bits = 0;
  for (const auto& f : m.at("STATUS").fields)
    if (f.name == "ERROR") bits = f.width;
  ASSERT_GT(bits, 0);
  std::set<std::uint32_t> codes;
  for (const auto& e : m.error_codes) {
    EXPECT_LT(e.value, 1u << bits) << e.name;
    EXPECT_TRUE(codes.insert(e.value).second) << e.name;
  }
  EXPECT_TRUE(codes.count(0));  // ERR_NONE
}

// Every generated form carries every register at its offset: RTL, C++, JSON.
TEST(RegisterMap, GeneratedHeadersAgreeWithTheTable) {
  const RegisterMap& m = shell_register_map();
  const std::string vh = regmap_verilog_header(m), h = regmap_cpp_header(m);
  const auto j = nlohmann::json::parse(regmap_json(m));
  EXPECT_NE(vh.find("Generated from src/hw/register_map.cpp"), std::string::npos);
  EXPECT_NE(h.find("Generated from src/hw/register_map.cpp"), std::string::npos);
  ASSERT_EQ(j.at("registers").size(), m.registers.size());
  for (std::size_t i = 0; i < m.registers.size(); ++i) {
    const auto& r = m.registers[i];
    char hex[8];
    std::snprintf(hex, sizeof hex, "%02X", r.offset);
    const std::string v = "localparam logic [" + std::to_string(m.address_bits - 1) + ":0] REG_" + r.name + " = " +
                          std::to_string(m.address_bits) + "'h" + hex + ";";
    EXPECT_NE(vh.find(v), std::string::npos) << v;
    std::string camel;
    bool up = true;
    for (char c : r.name) {
      if (c == '_') { up = true; continue; }
      camel += up ? c : char(std::tolower(static_cast<unsigned char>(c)));
      up = false;
    }
    const std::string cpp = "inline constexpr std::uint32_t k" + camel + " = 0x" + hex + ";";
    EXPECT_NE(h.find(cpp), std::string::npos) << cpp;
    EXPECT_EQ(j["registers"][i]["name"], r.name);
    EXPECT_EQ(j["registers"][i]["offset"].get<std::uint32_t>(), r.offset);
    EXPECT_EQ(j["registers"][i]["fields"].size(), r.fields.size());
  }
  for (const auto& e : m.error_codes) EXPECT_EQ(j["error_codes"][e.name].get<std::uint32_t>(), e.value);
}

// docs/board/registers.md carries the generated table verbatim: the docs cannot drift.
TEST(RegisterMap, DocsTableIsTheGeneratedOne) {
  const auto doc = util::read_file_text(std::filesystem::path(DOREFA_SOURCE_ROOT) / "docs/board/registers.md");
  EXPECT_NE(doc.find(regmap_markdown(shell_register_map())), std::string::npos)
      << "docs/board/registers.md is out of date: paste the output of `dorefa_regmap --markdown -`";
}

}  // namespace
}  // namespace dorefa::hw
