#include "train/distributed.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "util/error.hpp"

namespace dorefa::train {
namespace {

int env_int(const char* name, int fallback, int lo, int hi) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  if (*end != '\0' || x < lo || x > hi)
    throw Error(fmt::format("environment variable {}", name),
                fmt::format("expected an integer {} .. {}, found '{}'", lo, hi, v));
  return int(x);
}

constexpr std::size_t kBucketBytes = 8u << 20;

}  // namespace

DistOptions dist_from_env() {
  DistOptions o;
  o.world = env_int("WORLD_SIZE", 1, 1, 4096);
  if (o.world == 1) return o;
  if (!std::getenv("RANK")) throw Error("environment variable RANK", "unset while WORLD_SIZE > 1 (expected 0 .. WORLD_SIZE-1)");
  o.rank = env_int("RANK", 0, 0, o.world - 1);
  if (const char* a = std::getenv("MASTER_ADDR"); a && *a) o.master_addr = a;
  o.master_port = env_int("MASTER_PORT", o.master_port, 1, 65535);
  o.timeout = std::chrono::seconds(env_int("DOREFA_DIST_TIMEOUT", 60, 1, 86400));
  return o;
}

struct DistGroup::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
};

DistGroup::DistGroup(const DistOptions& o) : options_(o), impl_(std::make_unique<Impl>()) {
  const std::string where = fmt::format("rank {} of {} ({}:{})", o.rank, o.world, o.master_addr, o.master_port);
  try {
    c10d::TCPStoreOptions so;
    so.port = std::uint16_t(o.master_port);
    so.isServer = o.rank == 0;
    so.numWorkers = std::size_t(o.world);
    so.waitWorkers = true;
    so.timeout = o.timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(o.master_addr, so);
    auto opts = c10d::ProcessGroupGloo::Options::create(o.timeout);
    // The address this rank reaches the master by is on a route the others can use too.
    opts->devices.push_back(o.master_addr == "127.0.0.1" || o.master_addr == "localhost"
                                ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                : c10d::ProcessGroupGloo::createDefaultDevice());
    impl_->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, o.rank, o.world, opts);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(where,
                fmt::format("could not join the process group within {} s: {}",
                            std::chrono::duration_cast<std::chrono::seconds>(o.timeout).count(), e.what()),
                ErrorKind::kInternal);
  }
}

DistGroup::~DistGroup() = default;

namespace {
template <class F>
void collective(const DistOptions& o, const char* what, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    throw Error(fmt::format("rank {} of {}", o.rank, o.world),
                fmt::format("{} failed (another rank died, or none answered within {} s): {}", what,
                            std::chrono::duration_cast<std::chrono::seconds>(o.timeout).count(), e.what()),
                ErrorKind::kInternal);
  }
}
}  // namespace

void DistGroup::allreduce_mean(const std::vector<torch::Tensor>& tensors) {
  std::size_t i = 0;
  while (i < tensors.size()) {
    // One bucket: consecutive tensors up to kBucketBytes, flattened into one buffer.
    std::size_t j = i, bytes = 0;
    std::vector<torch::Tensor> flat;
    while (j < tensors.size() && (j == i || bytes + std::size_t(tensors[j].nbytes()) <= kBucketBytes)) {
      bytes += std::size_t(tensors[j].nbytes());
      flat.push_back(tensors[j].reshape({-1}));
      ++j;
    }
    std::vector<torch::Tensor> buf{torch::cat(flat)};
    collective(options_, "all-reduce of the gradients", [&] { impl_->pg->allreduce(buf)->wait(); });
    buf[0].div_(double(options_.world));
    std::int64_t off = 0;
    for (std::size_t k = i; k < j; ++k) {
      const std::int64_t n = tensors[k].numel();
      tensors[k].copy_(buf[0].narrow(0, off, n).view_as(tensors[k]));
      off += n;
    }
    i = j;
  }
}

void DistGroup::broadcast(const std::vector<torch::Tensor>& tensors, int root) {
  for (const auto& t : tensors) {
    std::vector<torch::Tensor> one{t.is_contiguous() ? t : t.contiguous()};
    c10d::BroadcastOptions bo;
    bo.rootRank = root;
    collective(options_, "broadcast of the parameters", [&] { impl_->pg->broadcast(one, bo)->wait(); });
    if (!t.is_contiguous()) t.copy_(one[0]);
  }
}

double DistGroup::sum(double value) {
  std::vector<torch::Tensor> t{torch::tensor({value}, torch::kFloat64)};
  collective(options_, "all-reduce", [&] { impl_->pg->allreduce(t)->wait(); });
  return t[0].item<double>();
}

void DistGroup::barrier() {
  collective(options_, "barrier", [&] { impl_->pg->barrier()->wait(); });
}

int launch_local_ranks(int nproc, const std::vector<std::string>& argv, std::string* failure) {
  // A free port for the rendezvous: bind to 0, read it back, release it.
  int port = 29500;
  if (int s = ::socket(AF_INET, SOCK_STREAM, 0); s >= 0) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
      port = ntohs(a.sin_port);
    ::close(s);
  }
  std::vector<pid_t> pids;
  for (int r = 0; r < nproc; ++r) {
    const pid_t pid = ::fork();
    if (pid < 0) throw Error("train --nproc", fmt::format("fork failed: {}", std::strerror(errno)), ErrorKind::kInternal);
    if (pid == 0) {
      ::setenv("RANK", std::to_string(r).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
      std::vector<char*> args;
      for (const auto& s : argv) args.push_back(const_cast<char*>(s.c_str()));
      args.push_back(nullptr);
      ::execv("/proc/self/exe", args.data());
      std::fprintf(stderr, "rank %d: exec failed: %s\n", r, std::strerror(errno));
      ::_exit(1);
    }
    pids.push_back(pid);
  }
  int result = 0;
  std::size_t alive = pids.size();
  while (alive > 0) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) break;
    int rank = -1;
    for (std::size_t r = 0; r < pids.size(); ++r)
      if (pids[r] == pid) rank = int(r), pids[r] = -1;
    if (rank < 0) continue;
    --alive;
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && result == 0) {
      result = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
      if (failure)
        *failure = WIFEXITED(status) ? fmt::format("rank {} of {} exited with code {}", rank, nproc, WEXITSTATUS(status))
                                     : fmt::format("rank {} of {} was killed by signal {}", rank, nproc,
                                                   WTERMSIG(status));
      for (pid_t p : pids)
        if (p > 0) ::kill(p, SIGTERM);
    }
  }
  return result;
}

}  // namespace dorefa::train
