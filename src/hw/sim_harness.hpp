#pragma once
// The C++ Verilator harness `dorefa simulate` compiles with a design: it drives the top's
// pixel stream and drains its result stream, cycle by cycle, and writes what came out.
#include <cstdint>
#include <string>

namespace dorefa::hw {

// One output record of the harness's binary results file (then `num_classes` int64 scores).
struct SimRecord {
  std::int32_t phase;        // 0 latency (empty pipeline), 1 back-to-back, 2 random stalls
  std::int32_t image;        // index into the images file
  std::int64_t first_in;     // cycle the image's first pixel was accepted
  std::int64_t last_out;     // cycle its class beat (tlast) was accepted
  std::int64_t class_index;  // the class beat's value
};

// Source text of the harness (a main() for Verilator's --exe). Its command line:
//   sim IMAGES_FILE RESULTS_FILE N PIXELS CLASSES STEADY_N STALL_IN STALL_OUT SEED TIMEOUT
// IMAGES_FILE holds N images of PIXELS bytes. Phase 0 runs image 0 alone; phase 1 runs
// images 0..STEADY_N-1 back to back without stalls; phase 2 runs all N with random stalls
// (input valid withheld with probability STALL_IN, output ready with STALL_OUT). Progress
// lines "progress PHASE DONE TOTAL CYCLE" go to stdout; a stall of TIMEOUT cycles with no
// output ends it with exit code 3 ("timeout ..." on stdout).
std::string sim_harness_source();

}  // namespace dorefa::hw
