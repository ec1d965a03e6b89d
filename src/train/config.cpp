#include "train/config.hpp"

#include <cctype>
#include <set>
#include <sstream>
#include <type_traits>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::train {
namespace {

[[noreturn]] void fail(const ModelConfig& cfg, const std::string& layer, const std::string& field,
                       const std::string& what) {
  std::string where = cfg.source.empty() ? std::string("config") : cfg.source;
  if (!layer.empty()) where += ": layer '" + layer + "'";
  if (!field.empty()) where += " field '" + field + "'";
  throw Error(where, what);
}

std::string node_type_name(const toml::node& n) {
  std::ostringstream os;
  os << n.type();
  return os.str();
}

// Reads an integer field if present; complains about the type otherwise.
template <typename T>
void read_int(const ModelConfig& cfg, const toml::table& t, const std::string& layer, const char* key, T& out) {
  const toml::node* n = t.get(key);
  if (!n) return;
  auto v = n->value_exact<std::int64_t>();
  if (!v) fail(cfg, layer, key, "expected an integer, found " + node_type_name(*n));
  out = T(*v);
}

void read_double(const ModelConfig& cfg, const toml::table& t, const std::string& layer, const char* key,
                 double& out) {
  const toml::node* n = t.get(key);
  if (!n) return;
  if (auto v = n->value_exact<double>()) {
    out = *v;
  } else if (auto i = n->value_exact<std::int64_t>()) {
    out = double(*i);
  } else {
    fail(cfg, layer, key, "expected a number, found " + node_type_name(*n));
  }
}

void read_string(const ModelConfig& cfg, const toml::table& t, const std::string& layer, const char* key,
                 std::string& out) {
  const toml::node* n = t.get(key);
  if (!n) return;
  auto v = n->value_exact<std::string>();
  if (!v) fail(cfg, layer, key, "expected a string, found " + node_type_name(*n));
  out = *v;
}

void check_keys(const ModelConfig& cfg, const toml::table& t, const std::string& layer, const std::string& section,
                const std::set<std::string>& allowed) {
  for (const auto& [k, v] : t) {
    std::string key(k.str());
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(cfg, layer, key, fmt::format("unknown field in {} (expected one of: {})", section, list));
    }
  }
}

bool valid_bits(int b) { return (b >= 1 && b <= 8) || b == kFullPrecision; }

// The [train] fields, listed once: f(key, member) for each. parse_config reads them (and
// accepts no other key), to_toml writes them.
template <class Train, class F>
void train_fields(Train& tc, F&& f) {
  f("dataset", tc.dataset), f("optimizer", tc.optimizer), f("lr", tc.lr), f("momentum", tc.momentum);
  f("weight_decay", tc.weight_decay), f("schedule", tc.schedule), f("step_epochs", tc.step_epochs);
  f("step_gamma", tc.step_gamma), f("batch_size", tc.batch_size), f("epochs", tc.epochs), f("seed", tc.seed);
  f("augment_pad", tc.augment_pad), f("val_size", tc.val_size);
}

}  // namespace

// One switch per enum, like the other *_name functions (C++ has no enum reflection).
std::string layer_type_name(LayerType type) {
  switch (type) {
    case LayerType::kConv: return "conv";
    case LayerType::kDense: return "dense";
    case LayerType::kMaxPool: return "maxpool";
  }
  return "?";
}

std::vector<const LayerConfig*> ModelConfig::weight_layers() const {
  std::vector<const LayerConfig*> out;
  for (const auto& l : layers)
    if (l.type != LayerType::kMaxPool) out.push_back(&l);
  return out;
}

std::int64_t ModelConfig::macs() const {
  std::int64_t total = 0;
  for (const auto& l : layers) {
    if (l.type == LayerType::kConv)
      total += l.output.elements() * l.kernel * l.kernel * l.input.channels;
    else if (l.type == LayerType::kDense)
      total += l.input.elements() * l.channels;
  }
  return total;
}

void validate(ModelConfig& cfg) {
  if (cfg.name.empty()) fail(cfg, "", "model.name", "missing model name");
  if (cfg.input.channels < 1 || cfg.input.height < 1 || cfg.input.width < 1)
    fail(cfg, "", "model.input", "expected [channels, height, width], all >= 1");
  if (cfg.num_classes < 2) fail(cfg, "", "model.classes", fmt::format("expected >= 2, found {}", cfg.num_classes));
  if (cfg.layers.empty()) fail(cfg, "", "layers", "no layers (expected at least one [[layers]] table)");

  int last_weight = -1, first_weight = -1;
  for (int i = 0; i < int(cfg.layers.size()); ++i) {
    if (cfg.layers[i].type != LayerType::kMaxPool) {
      if (first_weight < 0) first_weight = i;
      last_weight = i;
    }
  }
  if (first_weight < 0) fail(cfg, "", "layers", "no conv or dense layer");
  if (last_weight != int(cfg.layers.size()) - 1 || cfg.layers.back().type != LayerType::kDense)
    fail(cfg, cfg.layers.back().name, "type",
         "the last layer must be a dense layer producing the logits, found " + layer_type_name(cfg.layers.back().type));

  std::set<std::string> names;
  TensorShape shape = cfg.input;
  bool flat = false;
  int in_bits = 8;
  for (int i = 0; i < int(cfg.layers.size()); ++i) {
    LayerConfig& l = cfg.layers[i];
    if (l.name.empty()) fail(cfg, fmt::format("#{}", i + 1), "name", "missing layer name");
    for (char c : l.name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
        fail(cfg, l.name, "name", "layer names may only use letters, digits and '_'");
    if (!names.insert(l.name).second) fail(cfg, l.name, "name", "duplicate layer name");
    l.first = i == first_weight;
    l.last = i == last_weight;
    l.input = shape;
    l.input_bits = in_bits;
    if (l.type != LayerType::kMaxPool) {
      if (!valid_bits(l.w_bits)) fail(cfg, l.name, "w_bits", fmt::format("expected 1..8 or 32, found {}", l.w_bits));
      if (!valid_bits(l.a_bits)) fail(cfg, l.name, "a_bits", fmt::format("expected 1..8 or 32, found {}", l.a_bits));
      if (!(l.g_bits >= 1 && l.g_bits <= 16) && l.g_bits != kFullPrecision)
        fail(cfg, l.name, "g_bits", fmt::format("expected 1..16 or 32, found {}", l.g_bits));
      // The logits layer keeps 8-bit symmetric weights (its float bias and scale need them);
      // the first layer defaults to 8 bits but may go lower where that buys throughput
      // (k-bit weights on 8-bit pixels are LUT adders instead of DSP multipliers).
      if (l.last && l.w_bits != 8 && l.w_bits != kFullPrecision)
        fail(cfg, l.name, "w_bits",
             fmt::format("the last layer uses 8-bit symmetric weights (expected 8 or 32, found {})", l.w_bits));
      if (l.channels < 1) fail(cfg, l.name, "channels", fmt::format("expected >= 1, found {}", l.channels));
    }
    switch (l.type) {
      case LayerType::kConv: {
        if (flat) fail(cfg, l.name, "type", "a conv layer cannot follow a dense layer");
        if (l.kernel < 1) fail(cfg, l.name, "kernel", fmt::format("expected >= 1, found {}", l.kernel));
        if (l.stride < 1) fail(cfg, l.name, "stride", fmt::format("expected >= 1, found {}", l.stride));
        if (l.padding < 0 || l.padding >= l.kernel)
          fail(cfg, l.name, "padding", fmt::format("expected 0..{}, found {}", l.kernel - 1, l.padding));
        int h = shape.height + 2 * l.padding, w = shape.width + 2 * l.padding;
        if (l.kernel > h || l.kernel > w)
          fail(cfg, l.name, "kernel",
               fmt::format("shape mismatch: kernel {} larger than the padded {}x{} input (from {}x{}x{})", l.kernel, h,
                           w, shape.channels, shape.height, shape.width));
        shape = {l.channels, (h - l.kernel) / l.stride + 1, (w - l.kernel) / l.stride + 1};
        break;
      }
      case LayerType::kMaxPool: {
        if (flat) fail(cfg, l.name, "type", "a maxpool layer cannot follow a dense layer");
        if (i == 0 || cfg.layers[i - 1].type == LayerType::kMaxPool)
          fail(cfg, l.name, "type", "a maxpool layer must follow a conv layer (it pools quantized activations)");
        if (l.kernel < 1) fail(cfg, l.name, "kernel", fmt::format("expected >= 1, found {}", l.kernel));
        if (l.stride < 1) fail(cfg, l.name, "stride", fmt::format("expected >= 1, found {}", l.stride));
        if (l.kernel > shape.height || l.kernel > shape.width)
          fail(cfg, l.name, "kernel",
               fmt::format("shape mismatch: pool kernel {} larger than its {}x{} input", l.kernel, shape.height,
                           shape.width));
        shape = {shape.channels, (shape.height - l.kernel) / l.stride + 1, (shape.width - l.kernel) / l.stride + 1};
        break;
      }
      case LayerType::kDense:
        flat = true;
        shape = {l.channels, 1, 1};
        break;
    }
    l.output = shape;
    if (l.type != LayerType::kMaxPool) in_bits = l.a_bits;
  }
  const LayerConfig& last = cfg.layers.back();
  if (last.channels != cfg.num_classes)
    fail(cfg, last.name, "channels",
         fmt::format("shape mismatch: the last layer has {} outputs but the model has {} classes", last.channels,
                     cfg.num_classes));

  TrainConfig& t = cfg.train;
  if (t.optimizer != "adam" && t.optimizer != "sgd")
    fail(cfg, "", "train.optimizer", "expected adam or sgd, found '" + t.optimizer + "'");
  if (t.schedule != "cosine" && t.schedule != "step")
    fail(cfg, "", "train.schedule", "expected cosine or step, found '" + t.schedule + "'");
  if (!(t.lr > 0)) fail(cfg, "", "train.lr", fmt::format("expected > 0, found {}", t.lr));
  if (t.weight_decay < 0) fail(cfg, "", "train.weight_decay", "expected >= 0");
  if (t.momentum < 0 || t.momentum >= 1) fail(cfg, "", "train.momentum", "expected 0 <= momentum < 1");
  if (t.batch_size < 1) fail(cfg, "", "train.batch_size", fmt::format("expected >= 1, found {}", t.batch_size));
  if (t.epochs < 1) fail(cfg, "", "train.epochs", fmt::format("expected >= 1, found {}", t.epochs));
  if (t.step_epochs < 1) fail(cfg, "", "train.step_epochs", "expected >= 1");
  if (t.augment_pad < 0 || t.augment_pad > 8) fail(cfg, "", "train.augment_pad", "expected 0..8");
  if (t.val_size < 1) fail(cfg, "", "train.val_size", "expected >= 1");
}

ModelConfig parse_config(const std::string& text, const std::string& source) {
  ModelConfig cfg;
  cfg.source = source;
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw Error(fmt::format("{}:{}:{}", source, b.line, b.column), std::string(e.description()));
  }
  check_keys(cfg, root, "", "the top level", {"model", "layers", "train"});

  const toml::table* model = root["model"].as_table();
  if (!model) fail(cfg, "", "model", "missing [model] table");
  check_keys(cfg, *model, "", "[model]", {"name", "input", "classes", "w_bits", "a_bits", "g_bits", "description"});
  read_string(cfg, *model, "", "name", cfg.name);
  read_int(cfg, *model, "", "classes", cfg.num_classes);
  if (const toml::node* in = model->get("input")) {
    const toml::array* arr = in->as_array();
    if (!arr || arr->size() != 3) fail(cfg, "", "model.input", "expected [channels, height, width]");
    std::array<int, 3> v{};
    for (std::size_t i = 0; i < 3; ++i) {
      auto x = (*arr)[i].value_exact<std::int64_t>();
      if (!x) fail(cfg, "", "model.input", "expected integers [channels, height, width]");
      v[i] = int(*x);
    }
    cfg.input = {v[0], v[1], v[2]};
  }
  int def_w = kFullPrecision, def_a = kFullPrecision, def_g = kFullPrecision;
  read_int(cfg, *model, "", "w_bits", def_w);
  read_int(cfg, *model, "", "a_bits", def_a);
  read_int(cfg, *model, "", "g_bits", def_g);

  std::vector<std::pair<std::size_t, std::int64_t>> expected_in;  // (layer index, in_features)
  const toml::array* layers = root["layers"].as_array();
  if (!layers) fail(cfg, "", "layers", "missing [[layers]] tables");
  std::size_t count = layers->size();
  for (std::size_t i = 0; i < count; ++i) {
    const toml::table* lt = (*layers)[i].as_table();
    std::string id = fmt::format("#{}", i + 1);
    if (!lt) fail(cfg, id, "", "expected a table");
    LayerConfig l;
    read_string(cfg, *lt, id, "name", l.name);
    if (!l.name.empty()) id = l.name;
    std::string type;
    read_string(cfg, *lt, id, "type", type);
    if (type == "conv") {
      l.type = LayerType::kConv;
    } else if (type == "dense") {
      l.type = LayerType::kDense;
    } else if (type == "maxpool") {
      l.type = LayerType::kMaxPool;
    } else {
      fail(cfg, id, "type", "unknown layer type '" + type + "' (expected conv, dense or maxpool)");
    }
    if (l.type == LayerType::kMaxPool) {
      check_keys(cfg, *lt, id, "a maxpool layer", {"name", "type", "kernel", "stride"});
      l.kernel = 2;
      read_int(cfg, *lt, id, "kernel", l.kernel);
      l.stride = l.kernel;
      read_int(cfg, *lt, id, "stride", l.stride);
      cfg.layers.push_back(l);
      continue;
    }
    if (l.type == LayerType::kConv)
      check_keys(cfg, *lt, id, "a conv layer",
                 {"name", "type", "channels", "kernel", "stride", "padding", "w_bits", "a_bits", "g_bits"});
    else
      check_keys(cfg, *lt, id, "a dense layer", {"name", "type", "channels", "w_bits", "a_bits", "g_bits", "in_features"});
    read_int(cfg, *lt, id, "channels", l.channels);
    if (l.type == LayerType::kConv) {
      l.kernel = 3;
      read_int(cfg, *lt, id, "kernel", l.kernel);
      read_int(cfg, *lt, id, "stride", l.stride);
      read_int(cfg, *lt, id, "padding", l.padding);
    }
    bool first = cfg.weight_layers().empty();
    bool last = i + 1 == count;
    l.w_bits = (first || last) ? 8 : def_w;
    l.a_bits = def_a;
    l.g_bits = last ? kFullPrecision : def_g;
    read_int(cfg, *lt, id, "w_bits", l.w_bits);
    read_int(cfg, *lt, id, "a_bits", l.a_bits);
    read_int(cfg, *lt, id, "g_bits", l.g_bits);
    cfg.layers.push_back(l);
    if (const toml::node* inf = lt->get("in_features")) {
      // Optional hand-written cross-check; shapes are derived in validate(), checked below.
      auto v = inf->value_exact<std::int64_t>();
      if (!v) fail(cfg, id, "in_features", "expected an integer");
      expected_in.emplace_back(cfg.layers.size() - 1, *v);
    }
  }

  if (const toml::node* tn = root.get("train")) {
    const toml::table* t = tn->as_table();
    if (!t) fail(cfg, "", "train", "expected a [train] table");
    std::set<std::string> keys;
    train_fields(cfg.train, [&](const char* key, auto&) { keys.insert(key); });
    check_keys(cfg, *t, "", "[train]", keys);
    train_fields(cfg.train, [&](const char* key, auto& field) {
      using T = std::decay_t<decltype(field)>;
      if constexpr (std::is_same_v<T, std::string>) read_string(cfg, *t, "", key, field);
      else if constexpr (std::is_same_v<T, double>) read_double(cfg, *t, "", key, field);
      else read_int(cfg, *t, "", key, field);
    });
  }

  validate(cfg);
  for (auto [i, n] : expected_in) {
    const LayerConfig& l = cfg.layers[i];
    if (l.input.elements() != n)
      fail(cfg, l.name, "in_features",
           fmt::format("shape mismatch: the input has {} features ({}x{}x{}), config says {}", l.input.elements(),
                       l.input.channels, l.input.height, l.input.width, n));
  }
  return cfg;
}

ModelConfig load_config(const std::filesystem::path& path) {
  std::string text = util::read_file_text(path);
  return parse_config(text, path.string());
}

std::string to_toml(const ModelConfig& cfg) {
  toml::table root;
  toml::table model;
  model.insert("name", cfg.name);
  model.insert("input", toml::array{cfg.input.channels, cfg.input.height, cfg.input.width});
  model.insert("classes", cfg.num_classes);
  root.insert("model", std::move(model));
  toml::array layers;
  for (const auto& l : cfg.layers) {
    toml::table t;
    t.insert("name", l.name);
    t.insert("type", layer_type_name(l.type));
    if (l.type == LayerType::kMaxPool) {
      t.insert("kernel", l.kernel);
      t.insert("stride", l.stride);
    } else {
      t.insert("channels", l.channels);
      if (l.type == LayerType::kConv) {
        t.insert("kernel", l.kernel);
        t.insert("stride", l.stride);
        t.insert("padding", l.padding);
      }
      t.insert("w_bits", l.w_bits);
      t.insert("a_bits", l.a_bits);
      t.insert("g_bits", l.g_bits);
    }
    layers.push_back(std::move(t));
  }
  root.insert("layers", std::move(layers));
  toml::table train;
  train_fields(cfg.train, [&](const char* key, const auto& field) {
    if constexpr (std::is_same_v<std::decay_t<decltype(field)>, std::uint64_t>) train.insert(key, std::int64_t(field));
    else train.insert(key, field);
  });
  root.insert("train", std::move(train));
  std::ostringstream os;
  os << root << "\n";
  return os.str();
}

void set_hidden_bits(ModelConfig& cfg, int w, int a, int g) {
  for (auto& l : cfg.layers) {
    if (l.type == LayerType::kMaxPool) continue;
    if (!l.first && !l.last) l.w_bits = w;
    if (!l.last) {
      l.a_bits = a;
      l.g_bits = g;
    }
  }
  validate(cfg);
}

std::array<int, 3> parse_bits_triple(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream is(text);
  std::string part;
  while (std::getline(is, part, ',')) parts.push_back(part);
  if (parts.size() != 3) throw Error("bits '" + text + "'", "expected exactly three values W,A,G like 1,2,32");
  std::array<int, 3> v{};
  for (int i = 0; i < 3; ++i) {
    try {
      std::size_t used = 0;
      v[i] = std::stoi(parts[i], &used);
      if (used != parts[i].size()) throw std::invalid_argument(parts[i]);
    } catch (const std::exception&) {
      throw Error("bits '" + text + "'", "expected W,A,G integers like 1,2,32");
    }
  }
  if (!valid_bits(v[0]) || !valid_bits(v[1])) throw Error("bits '" + text + "'", "W and A must be 1..8 or 32");
  if (!((v[2] >= 1 && v[2] <= 16) || v[2] == kFullPrecision))
    throw Error("bits '" + text + "'", "G must be 1..16 or 32");
  return v;
}

std::string bits_tag(const ModelConfig& cfg) {
  const LayerConfig* pick = nullptr;
  for (const auto* l : cfg.weight_layers())
    if (!l->first && !l->last) {
      pick = l;
      break;
    }
  if (!pick) pick = cfg.weight_layers().front();
  return fmt::format("w{}a{}g{}", pick->w_bits, pick->a_bits, pick->g_bits);
}

}  // namespace dorefa::train
