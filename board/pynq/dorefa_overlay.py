"""PYNQ-Z2 driver for a `dorefa compile` accelerator (bitstream from board/vivado/).

    from dorefa_overlay import DorefaAccelerator
    acc = DorefaAccelerator("dorefa.bit", num_classes=10, pixels=784)
    classes, scores = acc.classify(images)          # images: uint8 array [N, 784] (HWC)

The top streams one 8-bit pixel per beat in and, per image, NUM_CLASSES int64 scores then
the class index out, with TLAST on the class beat. The AXI DMA's S2MM channel (simple
mode) ends a transfer at TLAST, so results are received one image per transfer while all
pixels of the batch go out in one MM2S transfer; the input side keeps the fabric busy.
"""
import time

import numpy as np
from pynq import Overlay, allocate


class DorefaAccelerator:
    def __init__(self, bitfile, num_classes=10, pixels=784):
        self.overlay = Overlay(bitfile)
        self.dma = self.overlay.dma
        self.num_classes = num_classes
        self.pixels = pixels
        self.beats = num_classes + 1

    def classify(self, images):
        images = np.ascontiguousarray(images, dtype=np.uint8).reshape(-1, self.pixels)
        n = images.shape[0]
        inp = allocate(shape=(n * self.pixels,), dtype=np.uint8)
        out = allocate(shape=(n, self.beats), dtype=np.int64)
        inp[:] = images.reshape(-1)
        start = time.perf_counter()
        self.dma.sendchannel.transfer(inp)
        for i in range(n):
            self.dma.recvchannel.transfer(out[i])
            self.dma.recvchannel.wait()
        self.dma.sendchannel.wait()
        self.seconds = time.perf_counter() - start
        result = np.array(out)
        inp.freebuffer()
        out.freebuffer()
        return result[:, -1].astype(np.int64), result[:, :-1]


if __name__ == "__main__":
    import sys

    acc = DorefaAccelerator(sys.argv[1] if len(sys.argv) > 1 else "dorefa.bit")
    imgs = np.fromfile(sys.argv[2], dtype=np.uint8) if len(sys.argv) > 2 else np.zeros(784 * 16, np.uint8)
    cls, _ = acc.classify(imgs)
    print("classes", cls[:16], "images/s %.0f" % (len(cls) / acc.seconds))
