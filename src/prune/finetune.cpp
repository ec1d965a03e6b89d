#include "prune/finetune.hpp"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "data/split.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace dorefa::prune {

torch::Tensor dataset_images(const data::Dataset& ds, std::size_t begin, std::size_t count) {
  torch::Tensor images = torch::empty({int64_t(count), ds.rows, ds.cols, ds.channels}, torch::kUInt8);
  std::memcpy(images.data_ptr<std::uint8_t>(), ds.images.data() + begin * ds.image_bytes(), count * ds.image_bytes());
  return images;
}

torch::Tensor dataset_labels(const data::Dataset& ds, std::size_t begin, std::size_t count) {
  torch::Tensor labels = torch::empty({int64_t(count)}, torch::kInt64);
  auto* p = labels.data_ptr<int64_t>();
  for (std::size_t i = 0; i < count; ++i) p[i] = ds.labels[begin + i];
  return labels;
}

double accuracy(train::Network& net, const data::Dataset& ds) {
  const bool was_training = net->is_training();
  net->eval();
  torch::NoGradGuard no_grad;
  std::int64_t correct = 0;
  const std::size_t kBatch = 1000;
  for (std::size_t b = 0; b < ds.size(); b += kBatch) {
    std::size_t n = std::min(kBatch, ds.size() - b);
    torch::Tensor logits = net->forward(dataset_images(ds, b, n));
    correct += logits.argmax(1).eq(dataset_labels(ds, b, n)).sum().item<int64_t>();
  }
  if (was_training) net->train();
  return ds.size() ? 100.0 * double(correct) / double(ds.size()) : 0.0;
}

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

  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(net->latent_weights());
  groups.emplace_back(net->other_parameters());
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  if (tc.optimizer == "sgd") {
    optimizer = std::make_unique<torch::optim::SGD>(groups, torch::optim::SGDOptions(lr0).momentum(tc.momentum));
    static_cast<torch::optim::SGDOptions&>(optimizer->param_groups()[0].options()).weight_decay(tc.weight_decay);
    static_cast<torch::optim::SGDOptions&>(optimizer->param_groups()[1].options()).weight_decay(0);
  } else {
    optimizer = std::make_unique<torch::optim::Adam>(groups, torch::optim::AdamOptions(lr0));
    static_cast<torch::optim::AdamOptions&>(optimizer->param_groups()[0].options()).weight_decay(tc.weight_decay);
    static_cast<torch::optim::AdamOptions&>(optimizer->param_groups()[1].options()).weight_decay(0);
  }
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
    std::vector<std::size_t> order = data::epoch_order(train_set.size(), opt.seed, std::uint64_t(epoch) + 7919);
    net->train();
    util::Progress progress(fmt::format("fine-tune {}/{}", epoch + 1, opt.epochs), std::size_t(steps), "batch");
    double loss_sum = 0, lr = lr0;
    std::size_t seen = 0, correct = 0;
    torch::Tensor images = torch::empty({int64_t(batch), train_set.rows, train_set.cols, train_set.channels},
                                        torch::kUInt8);
    torch::Tensor labels = torch::empty({int64_t(batch)}, torch::kInt64);
    for (std::int64_t s = 0; s < steps; ++s) {
      // Cosine from lr0 to 0 over the whole fine-tune (per step).
      lr = lr0 * 0.5 * (1.0 + std::cos(M_PI * double(std::int64_t(epoch) * steps + s) / double(total)));
      for (auto& g : optimizer->param_groups()) g.options().set_lr(lr);
      auto* dst = images.data_ptr<std::uint8_t>();
      auto* lab = labels.data_ptr<int64_t>();
      for (std::size_t i = 0; i < batch; ++i) {
        std::size_t idx = order[std::size_t(s) * batch + i];
        std::memcpy(dst + i * train_set.image_bytes(), train_set.image(idx).data(), train_set.image_bytes());
        lab[i] = train_set.labels[idx];
      }
      optimizer->zero_grad();
      torch::Tensor logits = net->forward(images);
      torch::Tensor loss = torch::nn::functional::cross_entropy(logits, labels);
      torch::Tensor total_loss = loss;
      if (opt.slimming > 0)
        for (const auto& g : gammas) total_loss = total_loss + opt.slimming * g.abs().sum();
      total_loss.backward();
      optimizer->step();
      loss_sum += loss.item<double>() * double(batch);
      correct += std::size_t(logits.argmax(1).eq(labels).sum().item<int64_t>());
      seen += batch;
      if (opt.verbose)
        progress.advance(1, fmt::format("loss {:.4f} acc {:.2f}% lr {:.2e}", loss_sum / double(seen),
                                        100.0 * double(correct) / double(seen), lr));
    }
    FinetuneEpoch rec;
    rec.epoch = epoch + 1;
    rec.lr = lr;
    rec.train_loss = loss_sum / double(std::max<std::size_t>(seen, 1));
    rec.train_acc = 100.0 * double(correct) / double(std::max<std::size_t>(seen, 1));
    rec.seconds = progress.elapsed_seconds();
    rec.val_acc = accuracy(net, val_set);
    if (opt.verbose)
      progress.finish(fmt::format("loss {:.4f} acc {:.2f}% val {:.2f}%", rec.train_loss, rec.train_acc, rec.val_acc));
    history.push_back(rec);
  }
  net->eval();
  return history;
}

}  // namespace dorefa::prune
