#include "prune/finetune.hpp"

#include <cmath>

#include <fmt/format.h>

#include "data/split.hpp"
#include "util/error.hpp"

namespace dorefa::prune {

void recalibrate_batch_norm(train::Network& net, const data::Dataset& ds, int batches, int batch_size) {
  torch::NoGradGuard no_grad;
  net->train();
  const std::size_t bs = std::size_t(std::max(batch_size, 1));
  for (int b = 0; b < batches; ++b) {
    std::size_t begin = (std::size_t(b) * bs) % std::max<std::size_t>(ds.size() - std::min(ds.size(), bs) + 1, 1);
    std::size_t n = std::min(bs, ds.size() - begin);
    if (n == 0) break;
    net->forward(dataset_images(ds, begin, n));
  }
  net->eval();
}

std::vector<FinetuneEpoch> finetune(train::Network& net, const data::Dataset& train_set, const data::Dataset& val_set,
                                    const FinetuneOptions& opt) {
  std::vector<FinetuneEpoch> history;
  if (opt.epochs <= 0) {
    net->eval();
    return history;
  }
  const train::TrainConfig& tc = net->config().train;
  const double lr0 = opt.lr > 0 ? opt.lr : tc.lr;
  if (opt.slimming < 0) throw Error("--slimming", fmt::format("expected lambda >= 0, found {}", opt.slimming));

  std::unique_ptr<torch::optim::Optimizer> optimizer = train::make_optimizer(net, tc, lr0);
  std::vector<torch::Tensor> gammas;
  for (const auto& h : net->layers())
    if (h.has_weights() && h.bn.gamma.defined()) gammas.push_back(h.bn.gamma);

  const std::size_t batch = std::min<std::size_t>(std::size_t(tc.batch_size), train_set.size());
  if (batch == 0) throw Error("fine-tune", "no training images");
  std::int64_t steps = std::int64_t(train_set.size() / batch);
  if (opt.max_steps) steps = std::min<std::int64_t>(steps, std::int64_t(opt.max_steps));
  const std::int64_t total = steps * opt.epochs;

  for (int epoch = 0; epoch < opt.epochs; ++epoch) {
    torch::manual_seed(opt.seed * 1000003ULL + std::uint64_t(epoch));
    train::EpochPlan plan;
    plan.train_set = &train_set;
    plan.val_set = &val_set;
    plan.order = data::epoch_order(train_set.size(), opt.seed, std::uint64_t(epoch) + 7919);
    plan.batch = batch;
    plan.steps = steps;
    // Cosine from lr0 to 0 over the whole fine-tune (per step).
    plan.lr = [&](std::int64_t s) {
      return lr0 * 0.5 * (1.0 + std::cos(M_PI * double(std::int64_t(epoch) * steps + s) / double(total)));
    };
    if (opt.slimming > 0 && !gammas.empty())
      plan.extra_loss = [&] {
        torch::Tensor penalty = opt.slimming * gammas[0].abs().sum();
        for (std::size_t i = 1; i < gammas.size(); ++i) penalty = penalty + opt.slimming * gammas[i].abs().sum();
        return penalty;
      };
    plan.label = fmt::format("fine-tune {}/{}", epoch + 1, opt.epochs);
    plan.verbose = opt.verbose;
    FinetuneEpoch rec = train::run_epoch(net, *optimizer, plan);
    rec.epoch = epoch + 1;
    history.push_back(rec);
  }
  net->eval();
  return history;
}

}  // namespace dorefa::prune
