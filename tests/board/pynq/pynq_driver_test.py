#!/usr/bin/env python3
"""The PYNQ v2.6 driver (board/pynq/) against the real RTL: Verilator's system_top behind a
stand-in `pynq` package (tests/board/pynq/standin/pynq/, forwarding to `dorefa simulate
DESIGN --serve`).

The fixture is made here with the real commands: `dorefa synthetic mlp-w2a2` + `dorefa
compile`, real MNIST test images, and the expected classes and scores from the integer CPU
runtime (`dorefa infer --reference`). Checked: a batch bit-exact (every class and score),
run_batch.py (exit status, mismatch detection, its dorefa-board-run/1 log), the notebook's
code cells, and the errors: design hash mismatch, time-out, DDR read/write error responses,
wrong image size, missing bitstream. The simulation server's AXI checker must report 0
protocol violations for every server started.

    DOREFA_CLI=build/dorefa /usr/bin/python3 tests/board/pynq/pynq_driver_test.py [WORK_DIR]

WORK_DIR (or $DOREFA_PYNQ_TEST_WORK; default: a fresh temp folder) keeps the design, so the
Verilator build is reused. Further arguments select tests, as unittest's (BatchTest, ...).
"""
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
BOARD_PYNQ = os.path.join(ROOT, "board", "pynq")
STANDIN = os.path.join(HERE, "standin")
sys.path[:0] = [STANDIN, BOARD_PYNQ]

import pynq  # noqa: E402  (the stand-in)
import dorefa_overlay as drv  # noqa: E402

N_IMAGES = 24
FIRST_IMAGE = 100  # MNIST test images FIRST_IMAGE .. FIRST_IMAGE + N_IMAGES - 1
FX = None  # the fixture (set up once, in setUpModule)


def dorefa_cli():
    cli = os.environ.get("DOREFA_CLI")
    if cli:
        return cli
    for built in (os.path.join(ROOT, "build", "dorefa"), os.path.join(ROOT, "build", "src", "cli", "dorefa")):
        if os.path.exists(built):
            return built
    return shutil.which("dorefa") or "dorefa"


def run(args, **kw):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, **kw)
    if p.returncode != 0:
        raise RuntimeError("`{}` exited {}:\n{}{}".format(" ".join(args), p.returncode, p.stdout[-2000:],
                                                           p.stderr[-2000:]))
    return p.stdout


def load_json(path):
    with open(path) as f:
        return json.load(f)


def mnist_test_images(first, n):
    """Images and labels from the MNIST test set the project's data registry caches."""
    base = os.environ.get("DOREFA_DATA_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.environ.get("HOME") or "/tmp", ".cache"), "dorefa-pynq")
    folder = os.path.join(base, "mnist")
    raw = np.fromfile(os.path.join(folder, "t10k-images-idx3-ubyte"), dtype=np.uint8)
    lab = np.fromfile(os.path.join(folder, "t10k-labels-idx1-ubyte"), dtype=np.uint8)
    images = raw[16:].reshape(-1, 28 * 28)[first:first + n].copy()
    return images, lab[8:][first:first + n].copy()


def cpu_reference(cli, model, images, work):
    """Class and int64 scores of each image from the integer CPU runtime's reference
    interpreter: `dorefa infer MODEL --image X.pgm --reference` (runtime::run_reference)."""
    classes, scores = [], []
    for i, img in enumerate(images):
        pgm = os.path.join(work, "ref_{}.pgm".format(i))
        with open(pgm, "wb") as f:
            f.write(b"P5\n28 28\n255\n" + img.tobytes())
        out = run([cli, "infer", model, "--image", pgm, "--reference"])
        m_cls = re.search(r"^class\s+(\d+)\s*$", out, re.M)
        m_sc = re.search(r"^scores\s+(.*)$", out, re.M)
        if not m_cls or not m_sc:
            raise RuntimeError("unexpected `dorefa infer` output:\n" + out)
        pairs = [p.split(":") for p in m_sc.group(1).split()]
        if [int(c) for c, _ in pairs] != list(range(len(pairs))):
            raise RuntimeError("unexpected score list: " + m_sc.group(1))
        classes.append(int(m_cls.group(1)))
        scores.append([int(v) for _, v in pairs])
        os.remove(pgm)
    return np.array(classes, dtype=np.int64), np.array(scores, dtype=np.int64)


class Fixture:
    def __init__(self, work):
        self.work = work
        self.cli = dorefa_cli()
        self.model = os.path.join(work, "model.dqm")
        self.design = os.path.join(work, "design")
        self.design_json = os.path.join(self.design, "design.json")
        run([self.cli, "synthetic", "mlp-w2a2", "--out", self.model, "--seed", "11"])
        run([self.cli, "compile", self.model, "--out", self.design])
        # The "bitstream": the stand-in's Overlay needs the files to exist, as PYNQ does.
        self.board = os.path.join(work, "board")
        os.makedirs(self.board, exist_ok=True)
        self.bit = os.path.join(self.board, "dorefa.bit")
        for ext in (".bit", ".hwh"):
            with open(os.path.join(self.board, "dorefa" + ext), "w") as f:
                f.write("stand-in for the Vivado output; the device is `dorefa simulate {} --serve`\n"
                        .format(self.design))
        self.images, self.labels = mnist_test_images(FIRST_IMAGE, N_IMAGES)
        self.classes, self.scores = cpu_reference(self.cli, self.model, self.images, work)
        # The sample files as the bundle carries them (docs/board/pynq.md).
        self.sample = os.path.join(work, "sample")
        os.makedirs(self.sample, exist_ok=True)
        self.images.tofile(os.path.join(self.sample, "images.bin"))
        self.labels.tofile(os.path.join(self.sample, "labels.bin"))
        self.classes.astype("<u2").tofile(os.path.join(self.sample, "expected_classes.bin"))
        self.scores.astype("<i8").tofile(os.path.join(self.sample, "expected_scores.bin"))
        os.environ["DOREFA_CLI"] = self.cli
        os.environ["DOREFA_PYNQ_DESIGN"] = self.design


def setUpModule():
    global FX
    work = os.environ.get("DOREFA_PYNQ_TEST_WORK") or tempfile.mkdtemp(prefix="dorefa-pynq-test-")
    os.makedirs(work, exist_ok=True)
    FX = Fixture(os.path.abspath(work))
    print("fixture   {} ({} MNIST test images, CPU reference classes {})".format(
        FX.design, N_IMAGES, FX.classes.tolist()), file=sys.stderr)


def tearDownModule():
    end_server()


def end_server():
    """Quits the running simulation server; no server so far may have seen an AXI violation."""
    pynq._shutdown()
    bad = [v for v, _ in pynq._history if v != 0]
    if bad:
        raise AssertionError("simulation servers reported AXI protocol violations: {}".format(bad))


def accelerator(**kw):
    end_server()
    return drv.DorefaAccelerator(FX.bit, FX.design_json, **kw)


class BatchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.acc = accelerator()

    def test_check_reads_the_design_identity(self):
        dev = self.acc.check()
        design = load_json(FX.design_json)["system"]
        self.assertEqual(dev["design_hash"], design["design_hash"])
        self.assertEqual(dev["id"], self.acc.regs.constants["SHELL_ID"])
        self.assertEqual((dev["pixels"], dev["image_bytes"], dev["num_classes"]), (784, 784, 10))
        self.assertEqual(dev["ip_name"], "dorefa")

    def test_batch_is_bit_exact_with_the_cpu_runtime(self):
        r = self.acc.classify(FX.images, scores=True, timeout_s=120)
        np.testing.assert_array_equal(r.classes, FX.classes)
        np.testing.assert_array_equal(r.scores, FX.scores)
        self.assertEqual(r.scores.dtype, np.int64)
        self.assertEqual(r.images, N_IMAGES)
        self.assertGreater(r.busy_cycles, N_IMAGES * 784)  # at least one pixel per cycle
        self.assertAlmostEqual(r.device_s, r.busy_cycles / 100e6)
        self.assertEqual(self.acc.counters()["IMAGES_DONE"], N_IMAGES)

    def test_class_only_records_and_image_shapes(self):
        # (N, H, W) and (N, H, W, C) are the same bytes as (N, pixels); class words only.
        for shape in ((N_IMAGES, 28, 28), (N_IMAGES, 28, 28, 1)):
            r = self.acc.classify(FX.images.reshape(shape), timeout_s=120)
            np.testing.assert_array_equal(r.classes, FX.classes)
            self.assertIsNone(r.scores)

    def test_batches_of_one_and_an_odd_split(self):
        for k in (1, 7):
            r = self.acc.classify(FX.images[k:k + k], scores=True, timeout_s=120)
            np.testing.assert_array_equal(r.scores, FX.scores[k:k + k])

    def test_wrong_image_size_is_refused_before_the_device(self):
        with self.assertRaisesRegex(drv.ImageShapeError, r"expected 784 pixels per image.*783"):
            self.acc.classify(FX.images[:, :783])
        with self.assertRaisesRegex(drv.ImageShapeError, r"expected 784 pixels per image.*\(3, 27, 28\)"):
            self.acc.classify(np.zeros((3, 27, 28), np.uint8))
        with self.assertRaisesRegex(drv.ImageShapeError, "dtype uint8.*float32"):
            self.acc.classify(FX.images.astype(np.float32))
        with self.assertRaisesRegex(drv.ImageShapeError, "at least one image"):
            self.acc.classify(np.zeros((0, 784), np.uint8))
        with self.assertRaisesRegex(drv.ImageShapeError, r"\(N, 784\)"):
            self.acc.classify(FX.images[0])
        self.assertTrue(self.acc.status()["IDLE"])

    def test_time_out_soft_resets_and_the_next_batch_works(self):
        with self.assertRaises(drv.DeviceTimeout) as cm:
            self.acc.classify(FX.images, timeout_s=1e-6)
        msg = str(cm.exception)
        self.assertIn("STATUS.DONE", msg)
        self.assertIn("1e-06 s", msg)
        self.assertIn("soft-reset", msg)
        self.assertIn("ERR_ABORTED", msg)
        st = self.acc.status()
        self.assertEqual((st["IDLE"], st["DONE"], st["ERROR_NAME"]), (1, 1, "ERR_ABORTED"))
        r = self.acc.classify(FX.images, scores=True, timeout_s=120)
        np.testing.assert_array_equal(r.scores, FX.scores)

    def test_ddr_error_responses_are_named(self):
        srv = pynq._server()
        lo, hi = srv.ddr_base, srv.ddr_base + srv.ddr_bytes
        for kind, name in (("read", "ERR_READ_RESPONSE"), ("write", "ERR_WRITE_RESPONSE")):
            srv.request("fault {} {} {}".format(kind, lo, hi))
            with self.assertRaises(drv.DeviceError) as cm:
                self.acc.classify(FX.images[:4], timeout_s=120)
            self.assertEqual(cm.exception.code_name, name)
            self.assertEqual(cm.exception.code, self.acc.regs.error_codes[name])
            self.assertIn("STATUS.ERROR = {}".format(name), str(cm.exception))
            # The shell ran the batch to its end: the next one is clean.
            r = self.acc.classify(FX.images[:4], scores=True, timeout_s=120)
            np.testing.assert_array_equal(r.scores, FX.scores[:4])

    def test_soft_reset_when_idle_clears_done_and_counters(self):
        self.acc.classify(FX.images[:2], timeout_s=120)
        st = self.acc.soft_reset()
        self.assertEqual((st["IDLE"], st["DONE"], st["ERROR"]), (1, 0, 0))
        self.assertEqual(self.acc.counters()["IMAGES_DONE"], 0)


class ErrorTest(unittest.TestCase):
    def test_design_hash_mismatch_names_both_hashes_and_files(self):
        other = tempfile.mkdtemp(prefix="other-design-", dir=FX.work)
        j = load_json(FX.design_json)
        real = j["system"]["design_hash"]
        fake = "{:016x}".format(int(real, 16) ^ 0x1)
        j2 = copy.deepcopy(j)
        j2["system"]["design_hash"] = fake
        other_json = os.path.join(other, "design.json")
        with open(other_json, "w") as f:
            json.dump(j2, f)
        regmap = os.path.join(FX.design, "host", "regmap.json")
        accelerator(regmap_json=regmap)  # the real design.json passes
        with self.assertRaises(drv.DesignMismatch) as cm:
            drv.DorefaAccelerator(FX.bit, other_json, regmap_json=regmap)
        msg = str(cm.exception)
        for part in (real, fake, FX.bit, other_json, "DESIGN_HASH_HI:LO", "system.design_hash"):
            self.assertIn(part, msg)

    def test_missing_bitstream_names_the_path(self):
        missing = os.path.join(FX.work, "nowhere", "dorefa.bit")
        with self.assertRaises(drv.BitstreamNotFound) as cm:
            drv.DorefaAccelerator(missing, FX.design_json)
        self.assertIn(missing, str(cm.exception))
        self.assertIsInstance(cm.exception, FileNotFoundError)
        # The stand-in fails as PYNQ v2.6 does when the driver's check is bypassed.
        with self.assertRaisesRegex(IOError, "Bitstream file .*nowhere/dorefa.bit does not exist"):
            pynq.Overlay(missing)

    def test_missing_register_map_names_the_path(self):
        with self.assertRaisesRegex(drv.BitstreamNotFound, "regmap-gone.json not found"):
            drv.DorefaAccelerator(FX.bit, FX.design_json, regmap_json=os.path.join(FX.work, "regmap-gone.json"))


class RunBatchTest(unittest.TestCase):
    def run_batch(self, *extra, expected=None):
        end_server()
        env = dict(os.environ, PYTHONPATH=STANDIN)
        log = os.path.join(FX.work, "run.json")
        summary = os.path.join(FX.work, "summary.json")
        for f in (log, summary):
            if os.path.exists(f):
                os.remove(f)
        args = [sys.executable, os.path.join(BOARD_PYNQ, "run_batch.py"), "--bit", FX.bit, "--design",
                FX.design_json, "--images", os.path.join(FX.sample, "images.bin"), "--expected",
                expected or os.path.join(FX.sample, "expected_classes.bin"), "--labels",
                os.path.join(FX.sample, "labels.bin"), "--idle-s", "0.2", "--gap-s", "0.05", "--busy-s", "0",
                "--latency-runs", "3", "--timeout-s", "120", "--log", log, "--summary", summary] + list(extra)
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=env)
        return p, log, summary

    def test_sample_matches_and_the_log_is_a_board_run_log(self):
        p, log, summary = self.run_batch("--expected-scores", os.path.join(FX.sample, "expected_scores.bin"),
                                         "--batch", "10")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("0 mismatches in 1 passes of 24 images (classes and all scores)", p.stdout)
        self.assertRegex(p.stdout, r"speed\s+\d+ images/s")
        self.assertRegex(p.stdout, r"latency\s+[\d.]+ us one image")
        j = load_json(log)
        # docs/power-model.md: exactly {format, intervals}; >= 1 idle and 1 busy (with images).
        self.assertEqual(set(j), {"format", "intervals"})
        self.assertEqual(j["format"], "dorefa-board-run/1")
        kinds = [i["kind"] for i in j["intervals"]]
        self.assertEqual(kinds, ["idle", "busy"])
        iso = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"
        for i in j["intervals"]:
            self.assertRegex(i["start"], iso)
            self.assertRegex(i["end"], iso)
            self.assertGreater(i["end"], i["start"])
        self.assertEqual(j["intervals"][1]["images"], N_IMAGES)
        s = load_json(summary)
        self.assertEqual((s["mismatches"], s["images"]), (0, N_IMAGES))
        self.assertGreater(s["images_per_s_device"], 0)

    def test_a_wrong_expected_class_fails_the_run(self):
        wrong = FX.classes.copy()
        wrong[5] = (wrong[5] + 1) % 10
        path = os.path.join(FX.work, "wrong_classes.bin")
        wrong.astype("<u2").tofile(path)
        p, log, _ = self.run_batch(expected=path)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("mismatch  image 5: device class {}, expected {}".format(FX.classes[5], wrong[5]), p.stdout)
        self.assertIn("1 mismatches", p.stdout)
        self.assertTrue(os.path.exists(log))

    def test_bad_sample_file_and_missing_bitstream_exit_2(self):
        short = os.path.join(FX.work, "short_classes.bin")
        FX.classes[:-1].astype("<u2").tofile(short)
        p, _, _ = self.run_batch(expected=short)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("23 classes for 24 images", p.stderr)
        p, _, _ = self.run_batch("--bit", os.path.join(FX.work, "missing.bit"))
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("missing.bit not found", p.stderr)


class NotebookTest(unittest.TestCase):
    def test_notebook_code_cells_run(self):
        end_server()
        nb = load_json(os.path.join(BOARD_PYNQ, "dorefa.ipynb"))
        self.assertEqual(nb["nbformat"], 4)
        try:
            import matplotlib
            matplotlib.use("Agg")
            have_plt = True
        except ImportError:
            have_plt = False
        env = {"DOREFA_BIT": FX.bit, "DOREFA_DESIGN_JSON": FX.design_json, "DOREFA_SAMPLE_DIR": FX.sample,
               "DOREFA_TIMEOUT_S": "120"}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        ns = {"__name__": "__notebook__"}
        ran = skipped = 0
        try:
            for k, cell in enumerate(nb["cells"]):
                if cell["cell_type"] != "code":
                    continue
                src = "".join(cell["source"])
                if "plot" in cell["metadata"].get("tags", []) and not have_plt:
                    print("\nnotebook: skipped plotting cell {} (matplotlib is not installed here)".format(k),
                          file=sys.stderr)
                    skipped += 1
                    continue
                code = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith("%"))
                exec(compile(code, "dorefa.ipynb cell {}".format(k), "exec"), ns)
                ran += 1
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        self.assertGreaterEqual(ran, 6)
        self.assertLessEqual(skipped, 1)
        np.testing.assert_array_equal(ns["r8"].classes, FX.classes[:8])
        np.testing.assert_array_equal(ns["r8"].scores, FX.scores[:8])
        self.assertEqual(ns["mismatches"], 0)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        os.environ["DOREFA_PYNQ_TEST_WORK"] = sys.argv.pop(1)
    unittest.main(verbosity=2)
