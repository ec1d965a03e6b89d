"""Stand-in for the few PYNQ v2.6 calls board/pynq/dorefa_overlay.py uses, for its tests.

The device behind it is the real RTL: `Overlay(bitfile)` starts `dorefa simulate DESIGN
--serve` (the Verilated system_top: shell + core + a DDR model with an AXI protocol
checker; protocol in src/hw/system_harness.hpp), and

  MMIO(base, length).read/write  -> `r OFF` / `w OFF VALUE` (AXI4-Lite accesses)
  allocate(shape, dtype)         -> a numpy array in host memory whose physical_address
                                    lies in the server's simulated DDR window
  buffer.flush()                 -> `wm ADDR HEX` (the CPU's writes reach DDR)
  buffer.invalidate()            -> `rm ADDR N`   (DDR's contents reach the CPU)

So a driver that forgets a flush sends stale DDR to the device, and one that forgets an
invalidate reads stale results, as on the board. Only these calls exist: anything else
the driver tried would fail here with AttributeError. Behaviour copied from PYNQ v2.6:
a missing .bit raises IOError('Bitstream file ... does not exist.'), a missing .hwh
ValueError, MMIO.write takes a Python int (or bytes) only, offsets must be word aligned.

Environment:
  DOREFA_PYNQ_DESIGN  the compiled design folder the "bitstream" stands for (required)
  DOREFA_CLI          the dorefa executable (default: `dorefa` on PATH)
  DOREFA_PYNQ_SERVE_ARGS  extra arguments for `dorefa simulate --serve` (e.g. "--seed 3")
Test hooks (not PYNQ API, underscore names): _server() returns the running server (its
.request(line) sends a raw protocol line, e.g. "fault read LO HI"); _shutdown() quits
it and returns (violations, error_responses) from its `bye` line.
"""
import atexit
import os
import shlex
import subprocess
import sys

import numpy as np

__version__ = "2.6.0+dorefa-standin"

# The register window Vivado's address editor gives the first M_AXI_GP0 slave.
_REG_BASE = 0x43C00000
_REG_RANGE = 0x10000
_PAGE = 4096
_HEX_CHUNK = 1 << 16  # bytes per `wm` line

_current = None  # the one running server: one PL, one device, as on a board


class _Server:
    """`dorefa simulate DESIGN --serve` as a child process, one request line per reply line."""

    def __init__(self, design):
        cli = os.environ.get("DOREFA_CLI", "dorefa")
        args = [cli, "simulate", design, "--serve"] + shlex.split(os.environ.get("DOREFA_PYNQ_SERVE_ARGS", ""))
        self.argv = args
        # Build logs (Verilator) go to stderr: passed through, so a slow first build shows.
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, universal_newlines=True,
                                     bufsize=1)
        line = self.proc.stdout.readline()
        parts = line.split()
        if len(parts) != 3 or parts[0] != "ready":
            rc = self.proc.wait()
            raise RuntimeError("pynq stand-in: `{}` did not start (exit {}, first line {!r})".format(
                " ".join(args), rc, line))
        self.ddr_base, self.ddr_bytes = int(parts[1]), int(parts[2])
        self.next_free = self.ddr_base
        self.live = {}
        self.closed = None

    def request(self, line):
        if self.closed is not None:
            raise RuntimeError("pynq stand-in: the simulation server has quit")
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise RuntimeError("pynq stand-in: the simulation server exited (code {}) after {!r}".format(
                self.proc.wait(), line[:80]))
        reply = reply.rstrip("\n")
        if reply.startswith("err"):
            raise RuntimeError("pynq stand-in: server refused {!r}: {}".format(line[:80], reply[4:]))
        return reply

    def value(self, line):
        reply = self.request(line)
        parts = reply.split()
        if len(parts) != 2 or parts[0] != "ok":
            raise RuntimeError("pynq stand-in: expected 'ok VALUE' for {!r}, found {!r}".format(line, reply))
        return int(parts[1])

    # DDR allocation: page aligned, like CMA; bump pointer, reset when nothing is live.
    def alloc(self, nbytes):
        size = max(_PAGE, (nbytes + _PAGE - 1) // _PAGE * _PAGE)
        if not self.live:
            self.next_free = self.ddr_base
        addr = self.next_free
        if addr + size > self.ddr_base + self.ddr_bytes:
            raise RuntimeError("Failed to allocate Memory! ({} bytes; the simulated DDR holds {} from 0x{:X})".format(
                nbytes, self.ddr_bytes, self.ddr_base))
        self.next_free = addr + size
        self.live[addr] = size
        return addr

    def free(self, addr):
        self.live.pop(addr, None)

    def quit(self):
        if self.closed is None:
            try:
                reply = self.request("quit").split()
                self.proc.wait(timeout=60)
                self.proc.stdin.close()
                self.proc.stdout.close()
                self.closed = (int(reply[1]), int(reply[2])) if len(reply) == 3 and reply[0] == "bye" else (-1, -1)
            except (RuntimeError, OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.closed = (-1, -1)
        return self.closed


def _server():
    if _current is None or _current.closed is not None:
        raise RuntimeError("pynq stand-in: no overlay loaded (create pynq.Overlay first)")
    return _current


_history = []  # (violations, error_responses) of every server that quit


def _shutdown():
    """Quits the server; returns (violations, error_responses) of its `bye` line."""
    global _current
    if _current is None:
        return (0, 0)
    s, _current = _current, None
    result = s.quit()
    _history.append(result)
    return result


def _at_exit():
    # A process using the stand-in (run_batch.py in the tests) fails if the AXI checker of
    # any of its servers saw a protocol violation, even though the driver itself passed.
    _shutdown()
    bad = [v for v, _ in _history if v != 0]
    if bad:
        sys.stderr.write("pynq stand-in: the simulation reported AXI protocol violations: {}\n".format(bad))
        sys.stderr.flush()
        os._exit(70)


atexit.register(_at_exit)


class Overlay:
    """pynq.Overlay(bitfile): 'downloads' the design by starting its simulation server."""

    def __init__(self, bitfile_name, dtbo=None, download=True, ignore_version=False, device=None):
        global _current
        if not isinstance(bitfile_name, str):
            raise TypeError("Bitstream name has to be a string.")
        if not os.path.isfile(bitfile_name):
            raise IOError("Bitstream file {} does not exist.".format(bitfile_name))
        self.bitfile_name = os.path.abspath(bitfile_name)
        hwh = os.path.splitext(self.bitfile_name)[0] + ".hwh"
        if not os.path.exists(hwh):
            raise ValueError("Cannot find HWH or TCL file for {}.".format(self.bitfile_name))
        design = os.environ.get("DOREFA_PYNQ_DESIGN")
        if not design:
            raise RuntimeError("pynq stand-in: set DOREFA_PYNQ_DESIGN to the design folder the bitstream stands for")
        # As board/vivado/build_bitstream.tcl names the cell: a module reference to system_top.
        self.ip_dict = {"dorefa": {"phys_addr": _REG_BASE, "addr_range": _REG_RANGE,
                                   "type": "xilinx.com:module_ref:system_top:1.0", "state": None,
                                   "fullpath": "dorefa", "parameters": {}, "registers": {}}}
        if download:
            _shutdown()  # a new bitstream replaces the old PL contents
            _current = _Server(design)
        self._server = _current

    def is_loaded(self):
        return self._server is not None and self._server is _current and _current.closed is None


class MMIO:
    """pynq.MMIO(base_addr, length): 32-bit register accesses in the shell's window."""

    def __init__(self, base_addr, length=4, debug=False, device=None):
        if base_addr < 0 or length < 0:
            raise ValueError("Base address or length cannot be negative.")
        if base_addr < _REG_BASE or base_addr + length > _REG_BASE + _REG_RANGE:
            raise ValueError("pynq stand-in: only the shell's window 0x{:X}+0x{:X} is simulated, not 0x{:X}+0x{:X}"
                             .format(_REG_BASE, _REG_RANGE, base_addr, length))
        self.base_addr = base_addr
        self.length = length

    def _offset(self, offset):
        if offset < 0:
            raise ValueError("Offset cannot be negative.")
        if offset % 4:
            raise MemoryError("Unaligned access: offset must be multiple of 4.")
        if offset + 4 > self.length:
            raise IndexError("pynq stand-in: offset 0x{:X} outside the mapped length 0x{:X}".format(offset,
                                                                                                self.length))
        return self.base_addr - _REG_BASE + offset

    def read(self, offset=0, length=4):
        if length != 4:
            raise ValueError("pynq stand-in: only 4-byte reads are simulated")
        return _server().value("r {}".format(self._offset(offset)))

    def write(self, offset, data):
        if type(data) is not int:  # as PYNQ v2.6: numpy integers are refused
            raise ValueError("Data type must be int or bytes.")
        if not 0 <= data < 1 << 32:
            raise ValueError("pynq stand-in: {} does not fit a 32-bit register".format(data))
        _server().request("w {} {}".format(self._offset(offset), data))


class PynqBuffer(np.ndarray):
    """The array pynq.allocate returns: host memory mirrored to simulated DDR by flush/invalidate."""

    def __new__(cls, shape, dtype, device_address, server):
        self = super().__new__(cls, shape, dtype)
        self.device_address = device_address
        self.coherent = False
        self._root = True
        self._srv = server
        self.fill(0)
        return self

    def __array_finalize__(self, obj):
        if isinstance(obj, PynqBuffer) and getattr(obj, "device_address", None) is not None:
            offset = self.__array_interface__["data"][0] - obj.__array_interface__["data"][0]
            self.device_address = obj.device_address + offset
            self.coherent = obj.coherent
            self._srv = obj._srv
        else:
            self.device_address = None
            self.coherent = None
            self._srv = None
        self._root = False

    @property
    def physical_address(self):
        return self.device_address

    def _bytes_view(self):
        if self.device_address is None:
            raise RuntimeError("pynq stand-in: not a buffer from pynq.allocate")
        if not self.flags["C_CONTIGUOUS"]:
            raise RuntimeError("pynq stand-in: flush/invalidate of a non-contiguous view")
        return self.reshape(-1).view(np.uint8)

    def flush(self):
        raw = np.asarray(self._bytes_view()).tobytes()
        for k in range(0, len(raw), _HEX_CHUNK):
            self._srv.request("wm {} {}".format(self.device_address + k, raw[k:k + _HEX_CHUNK].hex()))

    def invalidate(self):
        view = self._bytes_view()
        n = view.size
        for k in range(0, n, _HEX_CHUNK):
            m = min(_HEX_CHUNK, n - k)
            reply = self._srv.request("rm {} {}".format(self.device_address + k, m)).split()
            data = bytes.fromhex(reply[1]) if len(reply) > 1 else b""
            if reply[0] != "ok" or len(data) != m:
                raise RuntimeError("pynq stand-in: bad reply to rm: {!r}".format(" ".join(reply)[:80]))
            np.asarray(view)[k:k + m] = np.frombuffer(data, dtype=np.uint8)

    def freebuffer(self):
        if self._root and self._srv is not None:
            self._srv.free(self.device_address)
            self._srv = None

    def close(self):
        pass


def allocate(shape, dtype="u4", target=None, **kwargs):
    """pynq.allocate(shape, dtype): physically contiguous (here: inside the simulated DDR)."""
    srv = _server()
    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    buf = PynqBuffer(shape, dtype, srv.alloc(nbytes), srv)
    # Fresh CMA memory holds whatever was there: DDR gets garbage (not the previous batch's
    # data, not the host's zeros), so a driver that skips flush() or invalidate() fails.
    junk = _junk.randint(0, 256, size=nbytes, dtype=np.uint8).tobytes()
    for k in range(0, nbytes, _HEX_CHUNK):
        srv.request("wm {} {}".format(buf.device_address + k, junk[k:k + _HEX_CHUNK].hex()))
    return buf


_junk = np.random.RandomState(0xD0EF)
