#pragma once
// Checkpoints: one libtorch archive (`*.pt`: the network's parameters and buffers, the
// optimizer state when resumable, and the metadata JSON) plus the same metadata as a
// readable `*.json` beside it. Both are written atomically (temp file + rename), so a run
// killed at any moment leaves the previous checkpoint intact; the archive's embedded copy
// of the metadata is the authoritative one.
//
// Metadata fields: format, model, config_toml (the effective config), bits (per layer),
// epoch (completed), history (per-epoch metrics), best {epoch, val_acc}, test_acc (best
// checkpoint, after training), dataset {name, train/test checksums, val_size}, rng (the
// seeding scheme that makes each epoch a function of (seed, epoch)), macs.
#include <torch/torch.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "train/config.hpp"
#include "train/network.hpp"

namespace dorefa::train {

inline constexpr const char* kCheckpointFormat = "dorefa-train-checkpoint/1";

struct Checkpoint {
  ModelConfig config;
  Network network{nullptr};  // in eval mode
  nlohmann::json metadata;
};

// Writes `path` (.pt) and its .json sibling; `optimizer` may be null (best checkpoints).
void save_checkpoint(const std::filesystem::path& path, Network& network, torch::optim::Optimizer* optimizer,
                     const nlohmann::json& metadata);

// Loads config, network and metadata; throws dorefa::Error naming the file on any fault.
Checkpoint load_checkpoint(const std::filesystem::path& path);

// Restores the optimizer state saved with a resumable checkpoint.
void load_optimizer_state(const std::filesystem::path& path, torch::optim::Optimizer& optimizer);

// The .json path that accompanies a .pt checkpoint.
std::filesystem::path metadata_path(const std::filesystem::path& checkpoint);

}  // namespace dorefa::train
