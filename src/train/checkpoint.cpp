#include "train/checkpoint.hpp"

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::train {
namespace fs = std::filesystem;

fs::path metadata_path(const fs::path& checkpoint) {
  fs::path p = checkpoint;
  p.replace_extension(".json");
  return p;
}

void save_checkpoint(const fs::path& path, Network& network, torch::optim::Optimizer* optimizer,
                     const nlohmann::json& metadata) {
  std::string meta_text = metadata.dump(2);
  util::write_via_temp(path, [&](const fs::path& temp) {
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive model_archive;
    network->save(model_archive);
    archive.write("model", model_archive);
    if (optimizer) {
      torch::serialize::OutputArchive opt_archive;
      optimizer->save(opt_archive);
      archive.write("optimizer", opt_archive);
    }
    archive.write("metadata", c10::IValue(meta_text));
    archive.save_to(temp.string());
  });
  util::write_file_atomic(metadata_path(path), meta_text + "\n");
}

namespace {

torch::serialize::InputArchive open_archive(const fs::path& path) {
  if (!fs::exists(path)) throw Error(path.string(), "checkpoint file not found");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string());
  } catch (const c10::Error& e) {
    throw Error(path.string(), std::string("not a readable libtorch archive: ") + e.what_without_backtrace());
  }
  return archive;
}

}  // namespace

Checkpoint load_checkpoint(const fs::path& path) {
  torch::serialize::InputArchive archive = open_archive(path);
  Checkpoint ck;
  try {
    c10::IValue meta;
    if (!archive.try_read("metadata", meta) || !meta.isString())
      throw Error(path.string(), "archive has no metadata (not a dorefa checkpoint)");
    ck.metadata = nlohmann::json::parse(meta.toStringRef());
  } catch (const nlohmann::json::exception& e) {
    throw Error(path.string(), std::string("metadata is not valid JSON: ") + e.what());
  }
  if (ck.metadata.value("format", "") != kCheckpointFormat)
    throw Error(path.string(), fmt::format("checkpoint format '{}' (expected '{}')", ck.metadata.value("format", ""),
                                           kCheckpointFormat));
  ck.config = parse_config(ck.metadata.at("config_toml").get<std::string>(), path.string() + " [config_toml]");
  ck.network = Network(ck.config);
  try {
    torch::serialize::InputArchive model_archive;
    archive.read("model", model_archive);
    ck.network->load(model_archive);
  } catch (const c10::Error& e) {
    throw Error(path.string(), std::string("model parameters do not match the config: ") + e.what_without_backtrace());
  }
  ck.network->eval();
  return ck;
}

void load_optimizer_state(const fs::path& path, torch::optim::Optimizer& optimizer) {
  torch::serialize::InputArchive archive = open_archive(path);
  try {
    torch::serialize::InputArchive opt_archive;
    if (!archive.try_read("optimizer", opt_archive))
      throw Error(path.string(), "checkpoint has no optimizer state (not resumable; use last.pt)");
    optimizer.load(opt_archive);
  } catch (const c10::Error& e) {
    throw Error(path.string(), std::string("optimizer state does not match: ") + e.what_without_backtrace());
  }
}

}  // namespace dorefa::train
