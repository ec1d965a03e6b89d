// Core results -> result-record words for DDR. The core emits per image NUM_CLASSES int64
// score beats and then the class beat (docs/hw.md). With emit_scores_i the scores pass
// through; without, they are dropped. The class beat becomes the class word:
// bits 63:32 = image index in the batch (counted from start_i), bits 15:0 = class.
// Beats are counted, like the core's engines count them, so tlast is not needed.
module shell_result_pack #(
    parameter int NUM_CLASSES = 10
) (
    input  logic        clk,
    input  logic        rst_n,
    input  logic        start_i,        // new batch: image index back to 0
    input  logic        emit_scores_i,  // hold stable during a batch
    // The AXI-Stream port set of every rtl/ module (docs/rtl/interfaces.md), spelled out
    // per module: the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces.
    input  logic [63:0] s_axis_tdata,
    input  logic        s_axis_tvalid,
    output logic        s_axis_tready,
    input  logic        s_axis_tlast,
    output logic [63:0] m_axis_tdata,
    output logic        m_axis_tvalid,
    input  logic        m_axis_tready,
    output logic        class_fire_o    // a class beat was taken (one image done)
);
  localparam int BW = $clog2(NUM_CLASSES + 1);

  logic [BW-1:0] beat_q;  // 0..NUM_CLASSES-1 scores, NUM_CLASSES = class beat
  logic [31:0] image_q;
  logic is_class, fire;

  assign is_class = beat_q == BW'(NUM_CLASSES);
  assign m_axis_tvalid = s_axis_tvalid && (is_class || emit_scores_i);
  assign m_axis_tdata = is_class ? {image_q, 16'd0, s_axis_tdata[15:0]} : s_axis_tdata;
  assign s_axis_tready = m_axis_tready || (!is_class && !emit_scores_i);
  assign fire = s_axis_tvalid && s_axis_tready;
  assign class_fire_o = fire && is_class;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      beat_q <= '0;
      image_q <= '0;
    end else begin
      if (fire) beat_q <= is_class ? '0 : beat_q + 1'b1;
      if (start_i) image_q <= '0;
      else if (class_fire_o) image_q <= image_q + 1'b1;
    end
  end

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused_tlast;
  assign unused_tlast = s_axis_tlast;
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
