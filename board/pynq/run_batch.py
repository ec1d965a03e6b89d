#!/usr/bin/env python3
"""Classify the bundle's sample images on the PYNQ-Z2 and check every result.

    sudo python3 run_batch.py --bit dorefa.bit --design design/design.json \\
        --images sample/images.bin --expected sample/expected_classes.bin \\
        [--labels sample/labels.bin] [--expected-scores sample/expected_scores.bin] \\
        [--log run.json] [--idle-s 10] [--busy-s 20]

Files (docs/board/pynq.md): images.bin raw uint8, N images of PIXELS bytes each (HWC, no
header, no padding); expected_classes.bin N uint16 little-endian (the integer CPU runtime's
class per image); labels.bin N uint8 (optional, for accuracy); expected_scores.bin N x
NUM_CLASSES int64 little-endian (optional: then every score is compared too).

Sequence: an idle interval (nothing running; none with --idle-s 0), a busy interval (the whole sample classified
again and again for at least --busy-s, every pass checked), then --latency-runs batches of
one image. The log (--log) is `dorefa-board-run/1` (docs/power-model.md), on the wall clock
so that `dorefa report RUN --power-log METER.csv --board-log LOG` can align it with a USB
power meter. Exit status: 0 every result matched; 1 a mismatch; 2 bad input files or
arguments, or a missing file (bitstream, design, sample); 3 a device error (hash mismatch,
time-out, STATUS.ERROR).
"""
import argparse
import datetime
import json
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dorefa_overlay import BitstreamNotFound, DorefaAccelerator, DorefaError  # noqa: E402

EXIT_MISMATCH, EXIT_INPUT, EXIT_DEVICE = 1, 2, 3


class InputError(Exception):
    pass


def iso(t):
    """Unix seconds as ISO-8601 UTC with milliseconds (the log's and the meter's clock)."""
    s = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).isoformat(timespec="milliseconds")
    return s.replace("+00:00", "Z")


def read_raw(path, dtype, what):
    if not os.path.isfile(path):
        raise InputError("{}: {} not found".format(path, what))
    data = np.fromfile(path, dtype=np.uint8)
    itemsize = np.dtype(dtype).itemsize
    if data.size % itemsize:
        raise InputError("{}: {} bytes is not a whole number of {} values ({} bytes each)".format(
            path, data.size, np.dtype(dtype).name, itemsize))
    return data.view(dtype)


def load_sample(args, pixels, num_classes):
    images = read_raw(args.images, np.uint8, "images (raw uint8, N x {} pixels)".format(pixels))
    if images.size == 0 or images.size % pixels:
        raise InputError("{}: {} bytes is not a whole number of images of {} pixels (the design's input)".format(
            args.images, images.size, pixels))
    n = images.size // pixels
    images = images.reshape(n, pixels)
    expected = read_raw(args.expected, "<u2", "expected classes (uint16 little-endian, one per image)")
    if expected.size != n:
        raise InputError("{}: {} classes for {} images in {}".format(args.expected, expected.size, n, args.images))
    labels = None
    if args.labels:
        labels = read_raw(args.labels, np.uint8, "labels (uint8, one per image)")
        if labels.size != n:
            raise InputError("{}: {} labels for {} images".format(args.labels, labels.size, n))
    scores = None
    if args.expected_scores:
        scores = read_raw(args.expected_scores, "<i8", "expected scores (int64 little-endian, N x classes)")
        if scores.size != n * num_classes:
            raise InputError("{}: {} scores, expected {} images x {} classes".format(
                args.expected_scores, scores.size, n, num_classes))
        scores = scores.reshape(n, num_classes)
    if args.max_images:
        n = min(n, args.max_images)
        images, expected = images[:n], expected[:n]
        labels = labels[:n] if labels is not None else None
        scores = scores[:n] if scores is not None else None
    return images, expected.astype(np.int64), labels, scores


def run_pass(acc, images, batch, want_scores, timeout_s):
    """Classifies all images in batches of at most `batch`; returns classes, scores, per-batch results."""
    classes, scores, results = [], [], []
    for k in range(0, images.shape[0], batch):
        r = acc.classify(images[k:k + batch], scores=want_scores, timeout_s=timeout_s)
        classes.append(r.classes)
        if want_scores:
            scores.append(r.scores)
        results.append(r)
    return np.concatenate(classes), (np.concatenate(scores) if want_scores else None), results


def compare(classes, scores, expected, expected_scores, first, report_limit):
    """Number of images whose class (or any score) differs; prints the first few."""
    bad = classes != expected
    if expected_scores is not None:
        bad |= (scores != expected_scores).any(axis=1)
    idx = np.nonzero(bad)[0]
    for i in idx[:report_limit]:
        line = "mismatch  image {}: device class {}, expected {}".format(first + i, classes[i], expected[i])
        if expected_scores is not None and (scores[i] != expected_scores[i]).any():
            c = int(np.nonzero(scores[i] != expected_scores[i])[0][0])
            line += "; score[{}] device {}, expected {}".format(c, scores[i][c], expected_scores[i][c])
        print(line)
    return int(idx.size)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bit", required=True, help="bitstream (.bit, with its .hwh beside it)")
    p.add_argument("--design", required=True, help="the design's design.json")
    p.add_argument("--regmap", help="host/regmap.json (default: as design.json names it)")
    p.add_argument("--images", required=True, help="raw uint8 images, N x PIXELS")
    p.add_argument("--expected", required=True, help="expected classes, N x uint16 little-endian")
    p.add_argument("--labels", help="true labels, N x uint8 (optional: accuracy)")
    p.add_argument("--expected-scores", help="expected scores, N x NUM_CLASSES int64 little-endian (optional)")
    p.add_argument("--max-images", type=int, default=0, help="use only the first N images (0: all)")
    p.add_argument("--batch", type=int, default=0, help="images per START (0: all in one batch)")
    p.add_argument("--timeout-s", type=float, default=10.0, help="seconds per batch before abort")
    p.add_argument("--idle-s", type=float, default=10.0, help="idle interval before the busy one (s; 0: none)")
    p.add_argument("--gap-s", type=float, default=2.0, help="pause between intervals (s)")
    p.add_argument("--busy-s", type=float, default=20.0, help="repeat the sample for at least this long (s)")
    p.add_argument("--latency-runs", type=int, default=20, help="one-image batches for the latency")
    p.add_argument("--log", default="run.json", help="board run log to write (dorefa-board-run/1)")
    p.add_argument("--summary", help="also write the results (images/s, latency, mismatches) as JSON here")
    args = p.parse_args(argv)
    if args.idle_s < 0 or args.gap_s < 0 or args.busy_s < 0 or args.batch < 0 or args.latency_runs < 1:
        p.error("--idle-s, --gap-s, --busy-s, --batch must be >= 0; --latency-runs >= 1")

    try:
        acc = DorefaAccelerator(args.bit, args.design, regmap_json=args.regmap)
        images, expected, labels, expected_scores = load_sample(args, acc.pixels, acc.num_classes)
    except (InputError, BitstreamNotFound) as e:
        print("error: {}".format(e), file=sys.stderr)
        return EXIT_INPUT
    except DorefaError as e:
        print("error: {}".format(e), file=sys.stderr)
        return EXIT_DEVICE
    n = images.shape[0]
    batch = args.batch or n
    want_scores = expected_scores is not None
    dev = acc.device
    print("device    {} at 0x{:08X}: design {} ({}), shell {}.{}".format(
        dev["ip_name"] or "shell", dev["base_addr"], dev["design_hash"], dev["model"] or "?",
        dev["version"] >> 16, dev["version"] & 0xFFFF))
    print("sample    {} images of {} pixels, batches of {}, checking {}".format(
        n, acc.pixels, batch, "classes and scores" if want_scores else "classes"))

    intervals, mismatches, passes = [], 0, 0
    try:
        if args.idle_s > 0:  # 0: no idle interval (run_on_board.sh's C++ host logs one)
            t = time.time()
            time.sleep(args.idle_s)
            intervals.append({"kind": "idle", "start": iso(t), "end": iso(time.time())})
            time.sleep(args.gap_s)

        busy_start = time.time()
        first_results = None
        pass_walls = []
        while True:
            classes, scores, results = run_pass(acc, images, batch, want_scores, args.timeout_s)
            if first_results is None:
                first_results = (classes, results)
            passes += 1
            pass_walls.append(sum(r.wall_s for r in results))
            # Every pass is checked; the first one's mismatches are printed.
            mismatches += compare(classes, scores, expected, expected_scores, 0, 5 if passes == 1 else 0)
            if time.time() - busy_start >= args.busy_s:
                break
        busy_end = time.time()
        intervals.append({"kind": "busy", "start": iso(busy_start), "end": iso(busy_end), "images": passes * n})
        time.sleep(args.gap_s)

        lat = [acc.classify(images[i % n:i % n + 1], timeout_s=args.timeout_s) for i in range(args.latency_runs)]
    except DorefaError as e:
        print("error: {}".format(e), file=sys.stderr)
        return EXIT_DEVICE

    classes, results = first_results
    busy_cycles = sum(r.busy_cycles for r in results)
    wall = statistics.median(pass_walls)
    lat_wall = statistics.median(r.wall_s for r in lat)
    lat_cycles = statistics.median(r.busy_cycles for r in lat)
    summary = {
        "images": n, "passes": passes, "mismatches": mismatches, "design_hash": dev["design_hash"],
        "images_per_s": n / wall if wall > 0 else 0.0,
        "images_per_s_device": n * acc.clock_hz / busy_cycles if busy_cycles else 0.0,
        "images_per_s_end_to_end": passes * n / (busy_end - busy_start),
        "latency_s": lat_wall, "latency_device_s": lat_cycles / acc.clock_hz, "latency_device_cycles": lat_cycles,
        "busy_cycles_first_pass": busy_cycles, "clock_hz": acc.clock_hz,
    }
    if labels is not None:
        summary["accuracy"] = float((classes == labels).mean())
    print("results   {} mismatches in {} passes of {} images ({})".format(
        mismatches, passes, n, "classes and all scores" if want_scores else "classes"))
    if labels is not None:
        print("accuracy  {:.2f}% against labels".format(100 * summary["accuracy"]))
    print("speed     {:.0f} images/s (START to DONE, host clock); device {:.0f} images/s (BUSY_CYCLES at {:.0f} MHz);"
          " {:.0f} images/s end to end incl. copies".format(summary["images_per_s"], summary["images_per_s_device"],
                                                            acc.clock_hz / 1e6, summary["images_per_s_end_to_end"]))
    print("latency   {:.1f} us one image (START to DONE, median of {}); device {:.0f} cycles = {:.1f} us".format(
        lat_wall * 1e6, len(lat), lat_cycles, summary["latency_device_s"] * 1e6))

    log = {"format": "dorefa-board-run/1", "intervals": intervals}
    write_json(args.log, log)
    print("log       {}".format(args.log))
    if args.summary:
        write_json(args.summary, summary)
    return EXIT_MISMATCH if mismatches else 0


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
