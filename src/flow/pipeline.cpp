#include "flow/pipeline.hpp"

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "flow/lower_stage.hpp"
#include "flow/stage_key.hpp"
#include "hw/sim_harness.hpp"
#include "hw/activity.hpp"
#include "hw/generator.hpp"
#include "hw/simulate.hpp"
#include "hw/yosys.hpp"
#include "qmodel/model_file.hpp"
#include "report/html_report.hpp"
#include "report/power_summary.hpp"
#include "report/run_report.hpp"
#include "train/config.hpp"
#include "train/trainer.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace dorefa::flow {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// stages.json: for each stage, the key of what it consumed; equal key + output present = skip.
class StageLog {
 public:
  explicit StageLog(fs::path path) : path_(std::move(path)) {
    if (fs::exists(path_)) state_ = json::parse(util::read_file_text(path_), nullptr, /*allow_exceptions=*/false);
    if (!state_.is_object()) state_ = json::object();
  }
  bool done(const std::string& stage, const std::string& key, const fs::path& output) const {
    return state_.contains(stage) && state_[stage].value("key", "") == key && fs::exists(output);
  }
  void record(const std::string& stage, const std::string& key) {
    state_[stage] = {{"key", key}};
    util::write_file_atomic(path_, state_.dump(2) + "\n");
  }
  // Before a stage reruns: its old record must not vouch for outputs the rerun replaces
  // (a failed rerun leaves them behind, and a later run with the old key would trust them).
  void forget(const std::string& stage) {
    if (state_.erase(stage) > 0) util::write_file_atomic(path_, state_.dump(2) + "\n");
  }

 private:
  fs::path path_;
  json state_;
};

json read_json(const fs::path& path) { return json::parse(util::read_file_text(path)); }

void banner(int step, const char* name, const std::string& detail) {
  fmt::print("\n== [{}/7] {}: {}\n", step, name, detail);
  std::fflush(stdout);
}

hw::SynthOptions synth_options(const fs::path& dir) {
  hw::DesignInfo design = hw::load_design(dir);
  hw::SynthOptions o;
  o.top = design.top;
  for (const auto& s : design.sources) o.sources.push_back(dir / s);
  o.work_dir = dir / "synth";
  o.include_dirs = {dir};  // $readmemh paths are relative to the design folder
  return o;
}

// The figures of a run so far, as summary.json, report.html and report.md.
PipelineResult write_report(const fs::path& out, json& summary) {
  summary["subtitle"] = fmt::format("dorefa-pynq, PYNQ-Z2 (XC7Z020) at 100 MHz; run folder {}", out.string());
  PipelineResult result{out / "summary.json", out / "report.html", out / "report.md"};
  util::write_file_atomic(result.summary_json, summary.dump(2) + "\n");
  util::write_file_atomic(result.report_html, report::render_html(summary));
  util::write_file_atomic(result.report_md, report::render_markdown(summary));
  return result;
}

void record_gate(json& summary, const std::string& stage, bool passed, const std::string& message) {
  if (!summary.contains("gates")) summary["gates"] = json::object();
  summary["gates"][stage] = {{"passed", passed}, {"message", message}};
}

// A verification gate failed: the report says so (in red, instead of that stage's figures)
// and the run stops with an internal-fault exit. The stage is not recorded as done.
[[noreturn]] void stop_the_line(const fs::path& out, json& summary, const std::string& stage, const std::string& where,
                                const std::string& message) {
  record_gate(summary, stage, false, message);
  PipelineResult r = write_report(out, summary);
  throw Error(where, fmt::format("{} gate failed: {} (report: {})", stage, message, r.report_html.string()),
              ErrorKind::kInternal);
}

// The design folder's own files (sources, memory images, design.json, model.dqm), not
// the simulation, synthesis and activity (`dorefa power`) outputs written into it.
const std::vector<std::string> kDesignOutputs = {"obj_dir", "sim", "synth", "obj_dir_activity", "power"};

}  // namespace

std::string lower_stage_key(const fs::path& checkpoint, const LowerOptions& o, const std::string& lowering_version) {
  return StageKey()
      .file("checkpoint", checkpoint)
      .text("lowering", lowering_version)
      .text("options", fmt::format("verify={} gate={} dataset={} ptq={} calibration={} percentile={} images={} fault={}",
                                   o.max_images, o.gate(), o.dataset, o.ptq, o.calibration, o.percentile,
                                   o.calibration_images, int(o.fault)))
      .hex();
}

std::string compile_stage_key(const fs::path& model_file, const fs::path& rtl_dir, const std::string& generator_version) {
  return StageKey()
      .file("model", model_file)
      .folder("rtl", rtl_dir, {"tb"})
      .text("generator", generator_version)
      .hex();
}

std::string simulate_stage_key(const fs::path& design_dir, const hw::SimOptions& o, const std::string& harness_source,
                               const std::string& verilator_version) {
  return StageKey()
      .folder("design", design_dir, kDesignOutputs)
      .text("harness", harness_source)
      .text("checker", executable_identity())  // run_reference and the comparison are dorefa's code
      .text("verilator", verilator_version)
      .text("options", fmt::format("data={}/{} images={} seed={} stall={},{} steady={} clock={} timeout={}", o.dataset,
                                   o.split, o.images, o.seed, o.stall_in, o.stall_out, o.steady_images, o.clock_mhz,
                                   o.timeout_cycles))
      .hex();
}

std::string activity_stage_key(const fs::path& design_dir, const hw::ActivityOptions& o,
                               const std::string& verilator_version) {
  return StageKey()
      .folder("design", design_dir, kDesignOutputs)
      .text("measurement", executable_identity())
      .text("verilator", verilator_version)
      .text("options", fmt::format("data={}/{} images={}", o.dataset, o.split, o.images))
      .hex();
}

std::string synth_stage_key(const fs::path& design_dir, const std::string& script, const std::string& yosys_version) {
  return StageKey()
      .folder("design", design_dir, kDesignOutputs)
      .text("script", script)
      .text("report", executable_identity())  // the stat parsing and the fit check are dorefa's code
      .text("yosys", yosys_version)
      .hex();
}

PipelineResult run_pipeline(const PipelineOptions& options) {
  const fs::path out = options.out_dir;
  fs::create_directories(out);
  StageLog stages(out / "stages.json");
  json summary;

  // 1. Train (resumes from last.pt; a finished run only re-evaluates its best checkpoint),
  //    or take a given checkpoint as it is.
  train::ModelConfig config;
  train::TrainResult trained;
  if (options.checkpoint.empty()) {
    config = train::load_config(options.config);
    train::TrainOverrides overrides;
    overrides.epochs = options.epochs;
    if (!options.dataset.empty()) overrides.dataset = options.dataset;
    train::apply_overrides(config, overrides);
    banner(1, "train", fmt::format("{} ({}), {} epochs on {}, {:.2f}M MACs/image", config.name, train::bits_tag(config),
                                   config.train.epochs, config.train.dataset, double(config.macs()) / 1e6));
    train::TrainOptions train_options;
    train_options.out_dir = out / "train";
    train_options.resume = true;
    train_options.max_train = options.max_train;
    trained = train::train_model(config, train_options);
  } else {
    // The checkpoint's metadata (.json beside the .pt) holds its effective config.
    const fs::path meta_path = fs::path(options.checkpoint).replace_extension(".json");
    if (!fs::is_regular_file(options.checkpoint) || !fs::is_regular_file(meta_path))
      throw Error(options.checkpoint.string(), "checkpoint not found (expected a .pt with its .json beside it)");
    const json meta = read_json(meta_path);
    if (!meta.contains("config_toml") || !meta["config_toml"].is_string())
      throw Error(meta_path.string(), "field 'config_toml' missing: not a checkpoint's metadata");
    config = train::parse_config(meta["config_toml"].get<std::string>(), options.checkpoint.string());
    if (!options.dataset.empty()) config.train.dataset = options.dataset;
    trained.best_checkpoint = options.checkpoint;
    trained.epochs_done = meta.value("epoch", 0);
    if (meta.contains("best") && meta["best"].is_object()) {
      trained.best_epoch = meta["best"].value("epoch", 0);
      trained.best_val_acc = meta["best"].value("val_acc", 0.0);
    }
    if (meta.contains("test_acc") && meta["test_acc"].is_number()) trained.test_acc = meta["test_acc"].get<double>();
    banner(1, "train", fmt::format("skipped: {} ({}, {:.2f}M MACs/image), trained checkpoint {}", config.name,
                                   train::bits_tag(config), double(config.macs()) / 1e6, options.checkpoint.string()));
  }
  summary["title"] = fmt::format("{} on {}: from DoReFa training to the PYNQ-Z2 fabric", config.name,
                                 config.train.dataset);
  summary["dataset"] = config.train.dataset;
  summary["model"] = {{"name", config.name}, {"bits", train::bits_tag(config)}, {"macs", config.macs()},
                      {"config", (options.checkpoint.empty() ? options.config : options.checkpoint).string()}};
  if (options.ptq) summary["model"]["lowering"] = "ptq-w8a8";
  summary["training"] = {{"epochs", trained.epochs_done},
                         {"best_epoch", trained.best_epoch},
                         {"best_val_acc", trained.best_val_acc},
                         {"mean_epoch_seconds", trained.mean_epoch_seconds}};
  if (trained.test_acc >= 0) summary["training"]["test_acc"] = trained.test_acc;

  // 2. Lower to the integer model and verify it against the trained model, image by image.
  const fs::path model_file = out / "model.dqm";
  const fs::path lower_json = out / "lower.json";
  LowerOptions lo;
  lo.checkpoint = trained.best_checkpoint;
  lo.out = model_file;
  lo.max_images = options.verify_images;
  lo.ptq = options.ptq;
  lo.fault = options.lower_fault;
  lo.report_json = lower_json;  // written with the model, only when the gate passes
  const std::string lower_key = lower_stage_key(trained.best_checkpoint, lo, executable_identity());
  banner(2, "lower", fmt::format("{} -> {}", trained.best_checkpoint.string(), model_file.string()));
  if (stages.done("lower", lower_key, lower_json) && fs::exists(model_file)) {
    fmt::print("unchanged since the last run: {}\n", lower_json.string());
  } else {
    // No forget() here: a failed lowering writes neither model.dqm nor lower.json.
    LowerReport r = lower_and_verify(lo);
    if (!r.passed) {
      summary["lowering"] = r.to_json();
      stop_the_line(out, summary, "lowering", lower_json.string(), r.gate_message());
    }
    stages.record("lower", lower_key);
  }
  summary["lowering"] = read_json(lower_json);
  record_gate(summary, "lowering", true, "");
  fmt::print("integer model {:.2f}% vs trained {:.2f}%: same top-1 on {:.3f}% of {} test images\n",
             summary["lowering"].value("integer_accuracy_pct", 0.0), summary["lowering"].value("trained_accuracy_pct", 0.0),
             summary["lowering"].value("agreement_pct", 0.0), summary["lowering"].value("images", 0));

  // 3. Generate the accelerator.
  const fs::path design_dir = out / "design";
  const std::string compile_key = compile_stage_key(model_file, hw::default_rtl_dir(), executable_identity());
  banner(3, "compile", design_dir.string());
  if (!stages.done("compile", compile_key, design_dir / "design.json")) {
    stages.forget("compile");
    hw::CompileOptions co;
    co.out_dir = design_dir;
    co.model_file = model_file;
    hw::compile_design(qmodel::load_model(model_file), co);
    stages.record("compile", compile_key);
  }
  summary["design"] = read_json(design_dir / "design.json");
  fmt::print("ideal {} cycles/image, bottleneck {}\n", summary["design"].value("ideal_cycles_per_image", 0),
             summary["design"].value("bottleneck", ""));

  // 4. Cycle-accurate simulation on real test images, bit for bit against the CPU runtime:
  //    any mismatch or missing output stops the run.
  const fs::path sim_json = design_dir / "sim" / "results.json";
  if (options.simulate) {
    hw::SimOptions so;
    so.design_dir = design_dir;
    so.dataset = config.train.dataset;
    so.images = options.sim_images;
    const std::string sim_key = simulate_stage_key(design_dir, so, hw::sim_harness_source(), tool_version("verilator", "--version"));
    banner(4, "simulate", fmt::format("Verilator, {} test images with random stalls",
                                      options.sim_images ? std::to_string(options.sim_images) : "all"));
    // A cached result is trusted only if it passed the gate (`dorefa simulate
    // --allow-mismatch` may have rewritten it by hand since).
    const bool cached = stages.done("simulate", sim_key, sim_json) && read_json(sim_json).value("mismatches", 1) == 0;
    if (!cached) {
      stages.forget("simulate");
      hw::SimReport r;
      try {
        r = hw::simulate_design(so);
      } catch (const Error& e) {
        // A deadlock or a protocol error of the design: the same gate, with the report.
        if (e.kind() != ErrorKind::kInternal) throw;
        stop_the_line(out, summary, "simulation", design_dir.string(), e.detail());
      }
      if (r.mismatches > 0) {
        summary["simulation"] = read_json(sim_json);
        std::string first;
        for (const auto& m : r.first_mismatches)
          first += fmt::format("{}phase {} image {} ({})", first.empty() ? "" : ", ", m.phase, m.image, m.what);
        stop_the_line(out, summary, "simulation", design_dir.string(),
                      fmt::format("{} of {} RTL outputs differ from the integer runtime or are missing; first: {}",
                                  r.mismatches, r.outputs_checked, first));
      }
      stages.record("simulate", sim_key);
    }
    summary["simulation"] = read_json(sim_json);
    record_gate(summary, "simulation", true, "");
    const json& s = summary["simulation"];
    fmt::print("{} mismatches; {:.0f} cycles/image steady state ({:.0f} FPS), latency {:.2f} us\n",
               s.value("mismatches", 0), s.value("steady_cycles_per_image", 0.0), s.value("fps", 0.0),
               s.value("latency_us", 0.0));
  }

  // 5. Synthesis for the XC7Z020.
  const fs::path synth_json = design_dir / "synth" / "results.json";
  if (options.synthesize) {
    hw::SynthOptions so = synth_options(design_dir);
    const std::string synth_key = synth_stage_key(design_dir, hw::yosys_script(so), tool_version("yosys", "-V"));
    banner(5, "synthesize", "Yosys synth_xilinx -family xc7");
    if (!stages.done("synth", synth_key, synth_json)) {
      stages.forget("synth");
      hw::SynthReport report = hw::synthesize(so);
      util::write_file_atomic(synth_json, hw::synth_report_json(report));
      stages.record("synth", synth_key);
    }
    summary["synthesis"] = read_json(synth_json);
    const json& r = summary["synthesis"]["resources"];
    fmt::print("LUT {} FF {} BRAM36 {} DSP {}: fits {}\n", r.value("lut", 0), r.value("ff", 0),
               r.value("bram36_equivalent", 0.0), r.value("dsp48e1", 0), summary["synthesis"].value("fits", false));
  }

  // 6. Switching activity for the power estimate: a toggle-coverage build of the design on
  //    a few real test images (docs/power-model.md), cached like the simulation.
  if (options.synthesize && options.activity_images > 0) {
    hw::ActivityOptions ao;
    ao.design_dir = design_dir;
    ao.dataset = config.train.dataset;
    ao.images = options.activity_images;
    ao.out_json = report::activity_file(out);
    const std::string activity_key = activity_stage_key(design_dir, ao, tool_version("verilator", "--version"));
    banner(6, "activity", fmt::format("Verilator toggle coverage on {} test images", ao.images));
    if (!stages.done("activity", activity_key, ao.out_json)) {
      stages.forget("activity");
      hw::Activity a = hw::measure_activity(ao);
      stages.record("activity", activity_key);
      fmt::print("measured toggle rate {:.2f}% per bit per cycle over {} cycles\n", 100 * a.toggle_rate, a.cycles);
    }
  }

  // 7. Report: power estimate and the HTML/Markdown pages.
  banner(7, "report", out.string());
  // The estimate uses the activity `dorefa power` measured, and a board measurement that
  // `dorefa report --power-log` recorded stays in the report (docs/power-model.md).
  const fs::path activity = report::activity_file(out), measured = report::measured_file(out);
  json power = report::power_section(summary, fs::exists(activity) ? read_json(activity) : json());
  if (!power.empty()) summary["power"] = power;
  if (fs::exists(measured)) summary["measured_power"] = read_json(measured);
  // Likewise Vivado's reports that `dorefa report --vivado` recorded (docs/board/vivado.md).
  if (const fs::path vivado = report::vivado_file(out); fs::exists(vivado)) summary["vivado"] = read_json(vivado);
  if (const fs::path matrix = report::matrix_file(out); fs::exists(matrix)) {
    summary["eval_matrix"] = read_json(matrix);
    summary["eval_matrix"]["source"] = matrix.string();
  }
  PipelineResult result = write_report(out, summary);
  fmt::print("{}", report::render_markdown(summary));
  fmt::print("\nreport: {}\n", result.report_html.string());
  return result;
}

}  // namespace dorefa::flow
