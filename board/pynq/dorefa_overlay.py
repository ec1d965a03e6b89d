"""PYNQ v2.6 driver for a `dorefa compile` accelerator on the PYNQ-Z2 (docs/board/pynq.md).

    from dorefa_overlay import DorefaAccelerator
    acc = DorefaAccelerator("dorefa.bit", "design/design.json")   # checks ID, VERSION, hash
    r = acc.classify(images, scores=True)        # images: uint8 (N, pixels) or (N, H, W[, C])
    r.classes, r.scores, r.busy_cycles, r.wall_s

The device is the system shell (docs/board/registers.md): the ARM writes the buffer
registers and CONTROL.START once per batch, the shell's DMA reads every image from DDR and
writes one result record per image back; the ARM polls STATUS until DONE. Every offset,
field, constant and error code comes from the design's generated `host/regmap.json`
(src/hw/register_map.cpp), never from this file.

Only calls a PYNQ v2.6 image has are used: `pynq.Overlay(bitfile)` and its `ip_dict`,
`pynq.MMIO(base, length).read(off)/.write(off, int)`, and `pynq.allocate(shape, dtype)`
buffers with `.physical_address`, `.flush()`, `.invalidate()`, `.freebuffer()`.
Python 3.6+ and numpy 1.16+ (the v2.6 image has Python 3.8).
"""
import collections
import json
import os
import time

import numpy as np

__all__ = ["DorefaAccelerator", "BatchResult", "RegisterMap", "DorefaError", "DeviceError", "DeviceTimeout",
           "DesignMismatch", "BitstreamNotFound", "ImageShapeError"]

# Where the register window sits when the overlay's ip_dict does not name it: the first
# M_AXI_GP0 slave as Vivado's address editor assigns it on a Zynq-7000.
DEFAULT_BASE_ADDR = 0x43C00000
DEFAULT_ADDR_RANGE = 0x10000


class DorefaError(RuntimeError):
    """Base of the driver's errors."""


class BitstreamNotFound(DorefaError, FileNotFoundError):
    """The .bit file (or the design's JSON files) is not where the caller said."""


class DesignMismatch(DorefaError):
    """The loaded bitstream is not the one design.json describes (ID, VERSION, hash, shape)."""


class DeviceError(DorefaError):
    """STATUS.ERROR was set at the end of a batch, or the results are inconsistent."""

    def __init__(self, message, code=None, code_name=None):
        super().__init__(message)
        self.code = code
        self.code_name = code_name


class DeviceTimeout(DorefaError, TimeoutError):
    """No STATUS.DONE within the time-out; the device was soft-reset before this is raised."""


class ImageShapeError(DorefaError, ValueError):
    """The images are not uint8 arrays of the model's input size."""


class RegisterMap:
    """The register map read from `host/regmap.json` (generated, never edited)."""

    def __init__(self, path):
        self.path = str(path)
        try:
            with open(self.path) as f:
                j = json.load(f)
        except FileNotFoundError:
            raise BitstreamNotFound("register map {} not found (the design folder's host/regmap.json, "
                                    "written by `dorefa compile`)".format(self.path))
        except ValueError as e:
            raise DorefaError("register map {}: not valid JSON ({})".format(self.path, e))
        try:
            self.generated_from = j.get("generated_from", "")
            self.offsets = {r["name"]: int(r["offset"]) for r in j["registers"]}
            self.fields = {}
            for r in j["registers"]:
                for fl in r["fields"]:
                    self.fields[(r["name"], fl["name"])] = (int(fl["lsb"]), int(fl["width"]))
            self.constants = {k: int(v) for k, v in j["constants"].items()}
            self.error_codes = {k: int(v) for k, v in j["error_codes"].items()}
        except (KeyError, TypeError) as e:
            raise DorefaError("register map {}: missing or malformed entry {}".format(self.path, e))
        self.error_names = {v: k for k, v in self.error_codes.items()}
        self.window_bytes = 1 << int(j.get("address_bits", 8))

    def offset(self, reg):
        try:
            return self.offsets[reg]
        except KeyError:
            raise DorefaError("register map {}: no register {} (a map from another shell version?)"
                              .format(self.path, reg))

    def field(self, reg, name, value):
        """The value of field REG.NAME in a register value."""
        lsb, width = self.fields[(reg, name)]
        return (int(value) >> lsb) & ((1 << width) - 1)

    def bits(self, reg, name, value=1):
        """A register value with field REG.NAME set to VALUE (a command word)."""
        lsb, width = self.fields[(reg, name)]
        return (int(value) & ((1 << width) - 1)) << lsb

    def error_name(self, code):
        return self.error_names.get(int(code), "unknown error code")


# One batch's outcome. classes: int64 (N,); scores: int64 (N, NUM_CLASSES) or None;
# busy_cycles: BUSY_CYCLES (device cycles of check + run, 32-bit); device_s: busy_cycles at
# the design's clock; wall_s: host time from the START write to the STATUS read showing DONE;
# total_s: the whole call (copy, flush, run, invalidate, checks).
BatchResult = collections.namedtuple(
    "BatchResult", "classes scores images busy_cycles device_s wall_s total_s in_stall_cycles out_stall_cycles")


def _load_json(path, what):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise BitstreamNotFound("{} {} not found".format(what, path))
    except ValueError as e:
        raise DorefaError("{} {}: not valid JSON ({})".format(what, path, e))


class DorefaAccelerator:
    """One accelerator: the overlay, its register window and the design it must hold.

    bitfile: the .bit (with its .hwh beside it, as pynq.Overlay needs); design_json: the
    design folder's design.json; regmap_json: its host/regmap.json (default: the path
    design.json names). ip_name: the ip_dict entry of the shell (default: found by type).
    check=False skips the identification check at construction (call .check() yourself).
    """

    def __init__(self, bitfile, design_json, regmap_json=None, ip_name=None, download=True, check=True):
        self.bitfile = os.path.abspath(str(bitfile))
        self.design_json = os.path.abspath(str(design_json))
        if not os.path.isfile(self.bitfile):
            raise BitstreamNotFound("bitstream {} not found: build it with board/vivado/ (docs/board/README.md) "
                                    "and copy it with its .hwh beside it".format(self.bitfile))
        design = _load_json(self.design_json, "design description")
        try:
            system = design["system"]
            self.design_hash = str(system["design_hash"]).lower()
            self.pixels = int(system["pixels"])
            self.image_bytes = int(system["image_bytes"])
            self.num_classes = int(system["num_classes"])
            regmap_rel = system.get("register_map", {}).get("json", "host/regmap.json")
        except (KeyError, TypeError, ValueError) as e:
            raise DorefaError("design description {}: no valid \"system\" entry ({}); recompile the design "
                              "with `dorefa compile`".format(self.design_json, e))
        self.model_name = str(design.get("model", {}).get("name", ""))
        self.input_shape = tuple(int(v) for v in design.get("model", {}).get("input", ()))  # (H, W, C)
        self.clock_hz = float(design.get("clock_mhz", 100.0)) * 1e6
        if regmap_json is None:
            regmap_json = os.path.join(os.path.dirname(self.design_json), regmap_rel)
        self.regs = RegisterMap(regmap_json)
        self._word = self.regs.constants["RECORD_WORD_BYTES"]
        self._index_lsb = self.regs.constants["CLASS_WORD_INDEX_LSB"]

        import pynq  # here, so that the module imports (and documents itself) off the board
        self._pynq = pynq
        self.overlay = pynq.Overlay(self.bitfile, download=download)
        self.ip_name, self.base_addr, self.addr_range = self._find_window(self.overlay.ip_dict, ip_name)
        self.mmio = pynq.MMIO(self.base_addr, self.addr_range)
        self.device = None
        if check:
            self.check()

    # ---- registers ----------------------------------------------------------------------
    def _find_window(self, ip_dict, ip_name):
        if ip_name is not None:
            if ip_name not in ip_dict:
                raise DorefaError("overlay {}: no IP named {} (ip_dict has: {})"
                                  .format(self.bitfile, ip_name, ", ".join(sorted(ip_dict)) or "nothing"))
            found = [ip_name]
        else:
            # The shell is the block design's module reference to system_top; its ip_dict type
            # is "xilinx.com:module_ref:system_top:1.0" (or user-named like "dorefa").
            found = [n for n, d in ip_dict.items()
                     if ":system_top:" in str(d.get("type", "")) or "system_top" in n or "dorefa" in n.lower()]
        if len(found) > 1:
            raise DorefaError("overlay {}: several IPs look like the dorefa shell ({}); pass ip_name="
                              .format(self.bitfile, ", ".join(sorted(found))))
        if not found:
            return None, DEFAULT_BASE_ADDR, DEFAULT_ADDR_RANGE
        d = ip_dict[found[0]]
        return found[0], int(d.get("phys_addr", DEFAULT_BASE_ADDR)), int(d.get("addr_range", DEFAULT_ADDR_RANGE))

    def read(self, reg):
        """Reads register REG (a name from regmap.json)."""
        return int(self.mmio.read(self.regs.offset(reg)))

    def write(self, reg, value):
        """Writes register REG; pynq's MMIO.write takes a Python int only."""
        self.mmio.write(self.regs.offset(reg), int(value) & 0xFFFFFFFF)

    def status(self):
        """STATUS decoded: {'IDLE', 'BUSY', 'DONE', 'START_REJECTED', 'ERROR', 'ERROR_NAME', 'raw'}."""
        s = self.read("STATUS")
        d = {name: self.regs.field("STATUS", name, s) for (reg, name) in self.regs.fields if reg == "STATUS"}
        d["ERROR_NAME"] = self.regs.error_name(d["ERROR"])
        d["raw"] = s
        return d

    def check(self):
        """Checks ID, VERSION, the design hash and the image/class sizes against design.json.

        Returns the device's identification as a dict; raises DesignMismatch naming the
        bitstream, design.json and both values on any difference.
        """
        c = self.regs.constants
        ident = self.read("ID")
        if ident != c["SHELL_ID"]:
            raise DesignMismatch("bitstream {}: ID register (0x{:02X} at 0x{:08X}) reads 0x{:08X}, expected "
                                 "SHELL_ID 0x{:08X}: this is not a dorefa shell, or the register window is wrong"
                                 .format(self.bitfile, self.regs.offset("ID"), self.base_addr, ident, c["SHELL_ID"]))
        version = self.read("VERSION")
        major = self.regs.field("VERSION", "MAJOR", version)
        want_major = self.regs.field("VERSION", "MAJOR", c["SHELL_VERSION"])
        if major != want_major:
            raise DesignMismatch("bitstream {}: VERSION 0x{:08X} (major {}), but {} is for major {}: rebuild the "
                                 "bitstream or use the driver files of its design".format(
                                     self.bitfile, version, major, self.regs.path, want_major))
        device_hash = "{:08x}{:08x}".format(self.read("DESIGN_HASH_HI"), self.read("DESIGN_HASH_LO"))
        if device_hash != self.design_hash:
            raise DesignMismatch("design hash mismatch: bitstream {} holds design {} (DESIGN_HASH_HI:LO), but {} "
                                 "says system.design_hash = {}: the bitstream was built for another model; use the "
                                 "design.json it was built from, or rebuild it".format(
                                     self.bitfile, device_hash, self.design_json, self.design_hash))
        sizes = {"IMAGE_BYTES": self.image_bytes, "NUM_CLASSES": self.num_classes, "PIXELS": self.pixels}
        for reg, want in sizes.items():
            got = self.read(reg)
            if got != want:
                raise DesignMismatch("bitstream {}: {} = {}, but {} says {}".format(
                    self.bitfile, reg, got, self.design_json, want))
        self.device = {"id": ident, "version": version, "design_hash": device_hash, "base_addr": self.base_addr,
                       "ip_name": self.ip_name, "model": self.model_name, **{k.lower(): v for k, v in sizes.items()}}
        return self.device

    def counters(self):
        """The batch counters: IMAGES_DONE, BUSY_CYCLES, IN_STALL_CYCLES, OUT_STALL_CYCLES."""
        return {reg: self.read(reg) for reg in ("IMAGES_DONE", "BUSY_CYCLES", "IN_STALL_CYCLES", "OUT_STALL_CYCLES")}

    def soft_reset(self, timeout_s=1.0):
        """CONTROL.SOFT_RESET: aborts a running batch (it ends DONE with ERR_ABORTED once the
        DDR bursts in flight complete) or, when idle, clears DONE, ERROR and the counters.
        Waits until STATUS.IDLE; returns STATUS decoded."""
        self.write("CONTROL", self.regs.bits("CONTROL", "SOFT_RESET"))
        t0 = time.perf_counter()
        while True:
            s = self.status()
            if s["IDLE"]:
                return s
            if time.perf_counter() - t0 > timeout_s:
                raise DeviceTimeout("soft reset: STATUS (0x{:02X}) = 0x{:08X} still not IDLE after {:g} s; the "
                                    "shell did not drain: reload the bitstream".format(
                                        self.regs.offset("STATUS"), s["raw"], timeout_s))

    # ---- one batch ----------------------------------------------------------------------
    def _as_batch(self, images):
        a = np.asarray(images)
        if a.dtype != np.uint8:
            raise ImageShapeError("images: expected dtype uint8 (the pixels as the integer model takes them), found "
                                  "{}; convert explicitly (no silent clamping)".format(a.dtype))
        if a.ndim < 2:
            raise ImageShapeError("images: expected (N, {}) or (N, H, W[, C]) with H*W*C = {}, found shape {}"
                                  .format(self.pixels, self.pixels, a.shape))
        n = a.shape[0]
        per = int(np.prod(a.shape[1:]))
        if per != self.pixels:
            raise ImageShapeError("images: expected {} pixels per image (design {}, input {}), found {} in shape {}"
                                  .format(self.pixels, self.model_name, "x".join(map(str, self.input_shape)) or "?",
                                          per, a.shape))
        if n < 1:
            raise ImageShapeError("images: expected at least one image, found shape {}".format(a.shape))
        if n >= 1 << 32:
            raise ImageShapeError("images: at most 2^32-1 images per batch (IMAGE_COUNT is 32-bit), found {}".format(n))
        return np.ascontiguousarray(a.reshape(n, per))

    def classify(self, images, scores=False, timeout_s=10.0):
        """Classifies a batch in one START; returns a BatchResult.

        images: uint8 (N, pixels) or (N, H, W[, C]) in HWC order. scores=True also returns
        the int64 scores (acc * mul + add, as the CPU runtime computes them). timeout_s:
        host seconds from START to DONE before the batch is aborted (soft reset) and
        DeviceTimeout raised.
        """
        t_call = time.perf_counter()
        batch = self._as_batch(images)
        n = batch.shape[0]
        words = (self.num_classes + 1) if scores else 1
        in_bytes, out_bytes = n * self.image_bytes, n * words * self._word
        if in_bytes >= 1 << 32 or out_bytes >= 1 << 32:
            raise ImageShapeError("images: {} images need {} input and {} result bytes; IN_BYTES and OUT_BYTES are "
                                  "32-bit: split the batch".format(n, in_bytes, out_bytes))
        before = self.status()
        if not before["IDLE"]:
            raise DeviceError("device busy before START: STATUS = 0x{:08X} (another process running a batch, or "
                              "an abort still draining); call soft_reset()".format(before["raw"]))
        inp = out = None
        try:
            inp = self._pynq.allocate(shape=(in_bytes,), dtype=np.uint8)
            out = self._pynq.allocate(shape=(n * words,), dtype=np.uint64)
            for buf, what in ((inp, "input"), (out, "result")):
                if buf.physical_address % self._word:
                    raise DeviceError("{} buffer at 0x{:X} is not {}-byte aligned".format(
                        what, buf.physical_address, self._word))
                if buf.physical_address + buf.nbytes > 1 << 32:
                    raise DeviceError("{} buffer 0x{:X}+{} crosses 4 GB: the shell's addresses are 32-bit".format(
                        what, buf.physical_address, buf.nbytes))
            # Each image at IN_ADDR + i * IMAGE_BYTES, zero-padded to IMAGE_BYTES (registers.md).
            view = np.asarray(inp).reshape(n, self.image_bytes)
            view[:, :self.pixels] = batch
            view[:, self.pixels:] = 0
            inp.flush()
            # Records the shell never wrote keep this pattern and fail the index check below.
            out[:] = np.uint64(0xFFFFFFFFFFFFFFFF)
            out.flush()

            self.write("IN_ADDR", inp.physical_address)
            self.write("IN_BYTES", in_bytes)
            self.write("OUT_ADDR", out.physical_address)
            self.write("OUT_BYTES", out_bytes)
            self.write("IMAGE_COUNT", n)
            self.write("FLAGS", self.regs.bits("FLAGS", "EMIT_SCORES", 1 if scores else 0))
            t0 = time.perf_counter()
            self.write("CONTROL", self.regs.bits("CONTROL", "START"))
            done_bit = self.regs.bits("STATUS", "DONE")
            status_off = self.regs.offset("STATUS")
            while True:
                s = int(self.mmio.read(status_off))
                if s & done_bit:
                    break
                if time.perf_counter() - t0 > timeout_s:
                    return self._timed_out(n, timeout_s)
            wall = time.perf_counter() - t0
            st = self.regs
            if st.field("STATUS", "START_REJECTED", s):
                raise DeviceError("START rejected (STATUS.START_REJECTED): the device was not idle")
            err = st.field("STATUS", "ERROR", s)
            if err:
                name = st.error_name(err)
                raise DeviceError("batch of {} images failed: STATUS.ERROR = {} ({}); IMAGES_DONE = {}; input "
                                  "0x{:X}+{}, results 0x{:X}+{}".format(
                                      n, name, err, self.read("IMAGES_DONE"), inp.physical_address, in_bytes,
                                      out.physical_address, out_bytes), code=err, code_name=name)
            counters = self.counters()
            out.invalidate()
            records = np.array(out, dtype=np.uint64).reshape(n, words)
        finally:
            for buf in (inp, out):
                if buf is not None:
                    buf.freebuffer()
        classes, score = self._decode(records, counters)
        return BatchResult(classes=classes, scores=score, images=n, busy_cycles=counters["BUSY_CYCLES"],
                           device_s=counters["BUSY_CYCLES"] / self.clock_hz, wall_s=wall,
                           total_s=time.perf_counter() - t_call, in_stall_cycles=counters["IN_STALL_CYCLES"],
                           out_stall_cycles=counters["OUT_STALL_CYCLES"])

    def _timed_out(self, n, timeout_s):
        images_done = self.read("IMAGES_DONE")
        status = self.read("STATUS")
        after = self.soft_reset()
        raise DeviceTimeout("no STATUS.DONE (STATUS at 0x{:02X}, bit {}) within {:g} s for a batch of {} images "
                            "(STATUS = 0x{:08X}, IMAGES_DONE = {}); the device was soft-reset (ERROR now {})".format(
                                self.regs.offset("STATUS"), self.regs.fields[("STATUS", "DONE")][0], timeout_s, n,
                                status, images_done, after["ERROR_NAME"]))

    def _decode(self, records, counters):
        n = records.shape[0]
        cw = records[:, -1]
        index = (cw >> np.uint64(self._index_lsb)).astype(np.int64)
        bad = np.nonzero(index != np.arange(n, dtype=np.int64))[0]
        if bad.size:
            i = int(bad[0])
            raise DeviceError("result record {} holds image index {} (class word 0x{:016X}), expected {}: {} of {} "
                              "records misplaced or never written (IMAGES_DONE = {})".format(
                                  i, int(index[i]), int(cw[i]), i, bad.size, n, counters["IMAGES_DONE"]))
        classes = (cw & np.uint64(0xFFFF)).astype(np.int64)
        stray = np.nonzero((cw & np.uint64(0xFFFF0000)) != 0)[0]
        wrong = np.nonzero(classes >= self.num_classes)[0]
        if stray.size or wrong.size:
            i = int(stray[0] if stray.size else wrong[0])
            raise DeviceError("result record {}: class word 0x{:016X} has bits 31:16 set or a class >= {}".format(
                i, int(cw[i]), self.num_classes))
        score = records[:, :-1].view(np.int64).copy() if records.shape[1] > 1 else None
        return classes, score
