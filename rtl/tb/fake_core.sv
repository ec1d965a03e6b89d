// Test-only stand-in for a generated core with the same ports as `top` (docs/hw.md), for
// the shell testbench: per image it takes PIXELS pixels (counting them, ignoring tlast,
// like the real engines), then emits NUM_CLASSES int64 scores and a class beat (tlast).
//   sum = sum of the pixels, x = xor of (pixel + index)
//   score[c] = sum * (c + 1) - x * c,  class = (sum + x) % NUM_CLASSES
// The C++ model in shell_tb.cpp computes the same. Output takes one beat per cycle with
// a 1-cycle bubble every few beats, input one pixel per cycle: both sides see back-pressure.
module fake_core #(
    parameter int PIXELS = 20,
    parameter int NUM_CLASSES = 4
) (
    input  logic        clk,
    input  logic        rst_n,
    // The AXI-Stream port set of every rtl/ module (docs/rtl/interfaces.md), spelled out
    // per module: the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces.
    input  logic [7:0]  s_axis_tdata,
    input  logic        s_axis_tvalid,
    output logic        s_axis_tready,
    input  logic        s_axis_tlast,
    output logic [63:0] m_axis_tdata,
    output logic        m_axis_tvalid,
    input  logic        m_axis_tready,
    output logic        m_axis_tlast
);
  logic out_q;
  logic [31:0] pix_q, beat_q;
  logic [63:0] sum_q, x_q;
  logic [2:0] bubble_q;

  assign s_axis_tready = !out_q;
  assign m_axis_tvalid = out_q && bubble_q != 3'd0;
  assign m_axis_tlast = beat_q == 32'(NUM_CLASSES);
  always_comb begin
    if (beat_q == 32'(NUM_CLASSES)) m_axis_tdata = 64'((sum_q + x_q) % 64'(NUM_CLASSES));
    else m_axis_tdata = sum_q * (64'(beat_q) + 64'd1) - x_q * 64'(beat_q);
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      out_q <= 1'b0;
      pix_q <= '0;
      beat_q <= '0;
      sum_q <= '0;
      x_q <= '0;
      bubble_q <= 3'd1;
    end else if (!out_q) begin
      if (s_axis_tvalid) begin
        sum_q <= sum_q + 64'(s_axis_tdata);
        x_q <= x_q ^ (64'(s_axis_tdata) + 64'(pix_q));
        if (pix_q == 32'(PIXELS - 1)) begin
          pix_q <= '0;
          out_q <= 1'b1;
          beat_q <= '0;
        end else begin
          pix_q <= pix_q + 1;
        end
      end
    end else begin
      bubble_q <= bubble_q + 1'b1;
      if (m_axis_tvalid && m_axis_tready) begin
        if (m_axis_tlast) begin
          out_q <= 1'b0;
          sum_q <= '0;
          x_q <= '0;
        end
        beat_q <= beat_q + 1;
      end
    end
  end

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused_tlast;
  assign unused_tlast = s_axis_tlast;
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
