#include "train/epoch.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "data/augment.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace dorefa::train {

EpochRecord run_epoch(Network& net, torch::optim::Optimizer& optimizer, const EpochPlan& plan) {
  const data::Dataset& ds = *plan.train_set;
  net->train();
  std::clock_t cpu_start = std::clock();
  util::Progress progress(plan.label, std::size_t(plan.steps), "batch");
  double loss_sum = 0;
  std::size_t seen = 0, correct = 0;
  double lr = 0;
  for (std::int64_t s = 0; s < plan.steps; ++s) {
    if (s == plan.die_before_step) std::_Exit(9);
    lr = plan.lr(s);
    for (auto& g : optimizer.param_groups()) g.options().set_lr(lr);
    const std::size_t begin = std::size_t(s) * plan.batch;
    torch::Tensor images = batch_images(ds, plan.order, begin, plan.batch, plan.augment_pad, plan.augment_rng);
    torch::Tensor labels = batch_labels(ds, plan.order, begin, plan.batch);
    optimizer.zero_grad();
    torch::Tensor logits = net->forward(images);
    torch::Tensor loss = torch::nn::functional::cross_entropy(logits, labels);
    torch::Tensor total_loss = plan.extra_loss ? loss + plan.extra_loss() : loss;
    total_loss.backward();
    if (plan.after_backward) plan.after_backward();
    optimizer.step();
    loss_sum += loss.item<double>() * double(plan.batch);
    correct += std::size_t(logits.argmax(1).eq(labels).sum().item<int64_t>());
    seen += plan.batch;
    if (plan.verbose)
      progress.advance(1, fmt::format("loss {:.4f} acc {:.2f}% lr {:.2e}", loss_sum / double(seen),
                                      100.0 * double(correct) / double(seen), lr));
  }
  EpochRecord rec;
  rec.lr = lr;
  rec.train_loss = loss_sum / double(std::max<std::size_t>(seen, 1));
  rec.train_acc = 100.0 * double(correct) / double(std::max<std::size_t>(seen, 1));
  rec.seconds = progress.elapsed_seconds();
  rec.cpu_seconds = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (plan.before_validation) plan.before_validation();
  rec.val_acc = plan.val_set ? accuracy(net, *plan.val_set) : 0.0;
  if (plan.verbose)
    progress.finish(fmt::format("loss {:.4f} acc {:.2f}% val {:.2f}%", rec.train_loss, rec.train_acc, rec.val_acc));
  return rec;
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(Network& net, const TrainConfig& tc, double lr) {
  // Group 0: latent weights (decayed); group 1: BN parameters and biases (not decayed).
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(net->latent_weights());
  groups.emplace_back(net->other_parameters());
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  if (tc.optimizer == "adam") {
    optimizer = std::make_unique<torch::optim::Adam>(groups, torch::optim::AdamOptions(lr));
    static_cast<torch::optim::AdamOptions&>(optimizer->param_groups()[0].options()).weight_decay(tc.weight_decay);
    static_cast<torch::optim::AdamOptions&>(optimizer->param_groups()[1].options()).weight_decay(0);
  } else if (tc.optimizer == "sgd") {
    optimizer = std::make_unique<torch::optim::SGD>(groups, torch::optim::SGDOptions(lr).momentum(tc.momentum));
    static_cast<torch::optim::SGDOptions&>(optimizer->param_groups()[0].options()).weight_decay(tc.weight_decay);
    static_cast<torch::optim::SGDOptions&>(optimizer->param_groups()[1].options()).weight_decay(0);
  } else {
    throw Error("field 'train.optimizer'", "expected adam or sgd, found '" + tc.optimizer + "'");
  }
  return optimizer;
}

torch::Tensor batch_images(const data::Dataset& ds, std::span<const std::size_t> order, std::size_t begin,
                           std::size_t count, int pad, std::mt19937_64* rng) {
  torch::Tensor out = torch::empty({int64_t(count), ds.rows, ds.cols, ds.channels}, torch::kUInt8);
  std::uint8_t* dst = out.data_ptr<std::uint8_t>();
  const std::size_t bytes = ds.image_bytes();
  if (order.empty() && !(pad > 0 && rng)) {  // consecutive examples: one copy
    std::memcpy(dst, ds.images.data() + begin * bytes, count * bytes);
    return out;
  }
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t idx = order.empty() ? begin + i : order[begin + i];
    std::span<std::uint8_t> d(dst + i * bytes, bytes);
    if (pad > 0 && rng) {
      data::random_shift(ds.image(idx), d, ds.rows, ds.cols, ds.channels, pad, *rng);
    } else {
      auto s = ds.image(idx);
      std::copy(s.begin(), s.end(), d.begin());
    }
  }
  return out;
}

torch::Tensor batch_labels(const data::Dataset& ds, std::span<const std::size_t> order, std::size_t begin,
                           std::size_t count) {
  torch::Tensor out = torch::empty({int64_t(count)}, torch::kInt64);
  auto* p = out.data_ptr<int64_t>();
  for (std::size_t i = 0; i < count; ++i) p[i] = ds.labels[order.empty() ? begin + i : order[begin + i]];
  return out;
}

std::pair<std::size_t, std::size_t> count_correct(Network& net, const data::Dataset& ds) {
  bool was_training = net->is_training();
  net->eval();
  torch::NoGradGuard no_grad;
  std::size_t correct = 0;
  const std::size_t kBatch = 1000;
  for (std::size_t b = 0; b < ds.size(); b += kBatch) {
    std::size_t n = std::min(kBatch, ds.size() - b);
    torch::Tensor logits = net->forward(batch_images(ds, {}, b, n));
    correct += std::size_t(logits.argmax(1).eq(batch_labels(ds, {}, b, n)).sum().item<int64_t>());
  }
  if (was_training) net->train();
  return {correct, ds.size()};
}

double accuracy(Network& net, const data::Dataset& ds) {
  auto [c, n] = count_correct(net, ds);
  return n ? 100.0 * double(c) / double(n) : 0.0;
}

}  // namespace dorefa::train
