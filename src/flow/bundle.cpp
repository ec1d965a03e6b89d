#include "flow/bundle.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "board/board_run.hpp"
#include "board/design_identity.hpp"
#include "data/dataset.hpp"
#include "hw/generator.hpp"
#include "hw/sim_common.hpp"
#include "hw/system_generator.hpp"
#include "hw/vivado_filelist.hpp"
#include "runtime/reference.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

#ifndef DOREFA_SOURCE_ROOT
#define DOREFA_SOURCE_ROOT "."
#endif

namespace dorefa::flow {
namespace fs = std::filesystem;

namespace {

// The design folder's files a bundle carries: what Vivado and the host need, not the
// simulation and synthesis outputs (obj_dir*, sim/, synth/, ...).
bool bundled_design_entry(const fs::path& rel) {
  const std::string top = rel.begin()->string();
  if (rel.has_parent_path()) return top == "rtl" || top == "mem" || top == "host";
  const std::string ext = rel.extension().string();
  return ext == ".json" || ext == ".sv" || ext == ".v" || ext == ".dqm";
}

// ELF header: a 32-bit (EI_CLASS 1) little-endian executable for EM_ARM (40).
void check_armhf_binary(const fs::path& file) {
  if (!fs::exists(file))
    throw Error(file.string(), "the armhf host program does not exist: build it with scripts/setup.sh (build-armhf/), "
                               "or name it with --host-binary");
  const auto bytes = util::read_file_bytes(file);
  const bool elf = bytes.size() > 20 && bytes[0] == 0x7F && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
  if (!elf || bytes[4] != 1 || bytes[5] != 1 || (bytes[18] | bytes[19] << 8) != 40)
    throw Error(file.string(), "not a 32-bit little-endian ARM executable (the PYNQ-Z2's Cortex-A9 needs the armhf "
                               "build: build-armhf/src/board/dorefa-board)");
}

void copy_tree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

template <class T>
void write_array(const fs::path& file, const std::vector<T>& v) {
  util::write_file_atomic(file, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(v.data()),
                                                              v.size() * sizeof(T)));
}

}  // namespace

fs::path default_armhf_host_binary() {
  if (const char* env = std::getenv("DOREFA_ARMHF_HOST"); env && *env) return env;
  return fs::path(DOREFA_SOURCE_ROOT) / "build-armhf" / "src" / "board" / "dorefa-board";
}

BundleReport make_bundle(const BundleOptions& o) {
  fs::path design_dir = o.design_dir;
  if (!fs::exists(design_dir / "design.json") && fs::exists(design_dir / "design" / "design.json"))
    design_dir = design_dir / "design";
  if (!fs::exists(design_dir / "design.json"))
    throw Error(o.design_dir.string(), "not a design folder (no design.json): run `dorefa compile MODEL --out DIR` first");
  design_dir = fs::absolute(design_dir);
  const fs::path root = o.source_root.empty() ? fs::path(DOREFA_SOURCE_ROOT) : o.source_root;
  const fs::path host = o.host_binary.empty() ? default_armhf_host_binary() : o.host_binary;
  check_armhf_binary(host);
  for (const char* need : {"board/vivado/build_bitstream.tcl", "board/pynq/dorefa_overlay.py", "board/run_on_board.sh",
                           "docs/board/README.md"})
    if (!fs::exists(root / need))
      throw Error((root / need).string(), "missing from the source tree the bundle is made from", ErrorKind::kInternal);

  // Everything is read and checked before anything is written.
  const board::DesignIdentity id = board::load_design_identity(design_dir);
  const hw::DesignInfo info = hw::load_design(design_dir);
  qmodel::Model storage;
  const qmodel::Model& model = hw::simulated_model(design_dir, info, nullptr, storage);
  const data::Dataset ds = hw::simulated_images(o.dataset, o.split, o.images, model, [&](const data::Dataset& d) {
    return d.image_bytes() == id.pixels;
  });
  const std::size_t n = ds.size(), rec = id.num_classes + 1;

  // Expected records: what the device writes with EMIT_SCORES = 1 (scores, class word).
  std::vector<std::uint64_t> records(n * rec);
  std::vector<std::uint16_t> classes(n);
  auto part = [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
      const runtime::Inference r = runtime::run_reference(model, ds.image(i));
      for (std::size_t c = 0; c < id.num_classes; ++c) records[i * rec + c] = std::uint64_t(r.scores[c]);
      records[i * rec + id.num_classes] = (std::uint64_t(i) << 32) | std::uint64_t(r.top1);
      classes[i] = std::uint16_t(r.top1);
    }
  };
  auto other_half = std::async(std::launch::async, part, n / 2, n);
  part(0, n / 2);
  other_half.get();
  std::size_t correct = 0;
  for (std::size_t i = 0; i < n; ++i) correct += classes[i] == ds.labels[i];

  const fs::path out = fs::absolute(o.out);
  const fs::path tmp = out.parent_path() / fmt::format(".{}.tmp-{}", out.filename().string(), ::getpid());
  fs::remove_all(tmp);
  try {
    fs::create_directories(tmp);
    for (const auto& e : fs::recursive_directory_iterator(design_dir)) {
      const fs::path rel = fs::relative(e.path(), design_dir);
      if (!e.is_regular_file() || !bundled_design_entry(rel)) continue;
      fs::create_directories(tmp / "design" / rel.parent_path());
      fs::copy_file(e.path(), tmp / "design" / rel);
    }
    hw::write_vivado_filelist(tmp / "design", tmp / "design" / "filelist.txt");
    copy_tree(root / "board" / "vivado", tmp / "vivado");
    copy_tree(root / "board" / "pynq", tmp / "pynq");
    fs::create_directories(tmp / "bin");
    fs::copy_file(host, tmp / "bin" / "dorefa-board");
    fs::copy_file(root / "board" / "run_on_board.sh", tmp / "run_on_board.sh");
    fs::copy_file(root / "docs" / "board" / "README.md", tmp / "README.md");
    for (const char* exe : {"bin/dorefa-board", "run_on_board.sh"})
      fs::permissions(tmp / exe, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::add);
    fs::create_directories(tmp / "overlay");
    fs::create_directories(tmp / "logs");

    const fs::path sample = tmp / "sample";
    fs::create_directories(sample);
    util::write_file_atomic(sample / "images.bin", std::span<const std::uint8_t>(ds.images.data(), n * id.pixels));
    write_array(sample / "labels.bin", std::vector<std::uint8_t>(ds.labels.begin(), ds.labels.begin() + long(n)));
    write_array(sample / "expected_classes.bin", classes);
    write_array(sample / "expected_records.bin", records);
    std::vector<std::int64_t> scores;  // the records without their class words (pynq/run_batch.py)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t c = 0; c < id.num_classes; ++c) scores.push_back(std::int64_t(records[i * rec + c]));
    write_array(sample / "expected_scores.bin", scores);
    nlohmann::json sj;
    sj["dataset"] = o.dataset + "/" + o.split;
    sj["first_image"] = 0;
    sj["images"] = n;
    sj["pixels"] = id.pixels;
    sj["num_classes"] = id.num_classes;
    sj["reference"] = "runtime::run_reference (the integer model's reference interpreter)";
    sj["reference_accuracy"] = double(correct) / double(n);
    util::write_file_atomic(sample / "sample.json", sj.dump(2) + "\n");
    // The host reads the sample back exactly as it will on the board.
    (void)board::load_sample(sample, id);

    BundleReport rep;
    rep.out = out;
    rep.model_name = id.model_name;
    rep.design_hash = id.design_hash;
    rep.images = n;
    rep.reference_accuracy = sj["reference_accuracy"];
    nlohmann::json files = nlohmann::json::array();
    for (const auto& e : fs::recursive_directory_iterator(tmp))
      if (e.is_regular_file()) rep.files.push_back(fs::relative(e.path(), tmp).generic_string());
    std::sort(rep.files.begin(), rep.files.end());
    for (const auto& f : rep.files) {
      const auto bytes = util::read_file_bytes(tmp / f);
      rep.bytes += bytes.size();
      files.push_back({{"path", f}, {"bytes", bytes.size()}, {"sha256", util::sha256_hex(bytes)}});
    }
    nlohmann::json bj;
    bj["format"] = "dorefa-bundle/1";
    bj["model"] = id.model_name;
    bj["design_hash"] = id.design_hash;
    bj["register_base"] = "0x43C00000";
    bj["sample"] = sj;
    bj["created"] = board::iso_utc_now();
    bj["files"] = files;
    util::write_file_atomic(tmp / "bundle.json", bj.dump(2) + "\n");
    rep.files.push_back("bundle.json");
    std::sort(rep.files.begin(), rep.files.end());

    // Into place: the old bundle is removed only once the new one is complete.
    const fs::path old = out.parent_path() / fmt::format(".{}.old-{}", out.filename().string(), ::getpid());
    if (fs::exists(out)) fs::rename(out, old);
    fs::rename(tmp, out);
    fs::remove_all(old);
    return rep;
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace dorefa::flow
