// Test wrapper (not part of the library): one conv layer as src/hw/ builds it,
// sliding_window -> axis_fifo -> mvtu (thresholds) -> axis_fifo -> [maxpool 2x2], so the
// testbench checks that the window order and the weight-image order agree end to end.
module conv_layer #(
    // The parameters of the blocks it chains (sliding_window, mvtu), forwarded to them.
    parameter int CHANNELS = 2,
    parameter int IN_BITS = 2,
    parameter int IN_H = 6,
    parameter int IN_W = 6,
    parameter int KERNEL = 3,
    parameter int STRIDE = 1,
    parameter int PAD = 1,
    parameter int IN_SIMD = 1,
    parameter int SIMD = 3,
    parameter int PE = 2,
    parameter int MH = 4,
    parameter int W_BITS = 1,
    parameter int ACC_BITS = 12,
    parameter int OUT_BITS = 2,
    parameter int POOL = 0,
    parameter WEIGHT_FILE = "",
    parameter THRESH_FILE = ""
) (
    // The AXI-Stream port set of every rtl/ module (docs/rtl/interfaces.md), spelled out
    // per module: the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces.
    input  logic                     clk,
    input  logic                     rst_n,
    input  logic [IN_SIMD*IN_BITS-1:0] s_axis_tdata,
    input  logic                     s_axis_tvalid,
    output logic                     s_axis_tready,
    input  logic                     s_axis_tlast,
    output logic [PE*OUT_BITS-1:0]   m_axis_tdata,
    output logic                     m_axis_tvalid,
    input  logic                     m_axis_tready,
    output logic                     m_axis_tlast
);
  localparam int MW = KERNEL * KERNEL * CHANNELS;
  localparam int OUT_H = (IN_H + 2 * PAD - KERNEL) / STRIDE + 1;
  localparam int OUT_W = (IN_W + 2 * PAD - KERNEL) / STRIDE + 1;

  logic [SIMD*IN_BITS-1:0] w_d, f_d;
  logic w_v, w_r, w_l, f_v, f_r, f_l;
  logic [PE*OUT_BITS-1:0] m_d, g_d;
  logic m_v, m_r, m_l, g_v, g_r, g_l;

  sliding_window #(
      .CHANNELS(CHANNELS), .ELEM_BITS(IN_BITS), .IN_H(IN_H), .IN_W(IN_W), .KERNEL(KERNEL),
      .STRIDE(STRIDE), .PAD(PAD), .IN_SIMD(IN_SIMD), .OUT_SIMD(SIMD)
  ) u_swg (
      .clk, .rst_n, .s_axis_tdata, .s_axis_tvalid, .s_axis_tready, .s_axis_tlast,
      .m_axis_tdata(w_d), .m_axis_tvalid(w_v), .m_axis_tready(w_r), .m_axis_tlast(w_l)
  );
  axis_fifo #(.DATA_WIDTH(SIMD * IN_BITS), .DEPTH(4)) u_f0 (
      .clk, .rst_n, .s_axis_tdata(w_d), .s_axis_tvalid(w_v), .s_axis_tready(w_r), .s_axis_tlast(w_l),
      .m_axis_tdata(f_d), .m_axis_tvalid(f_v), .m_axis_tready(f_r), .m_axis_tlast(f_l)
  );
  mvtu #(
      .MW(MW), .MH(MH), .SIMD(SIMD), .PE(PE), .IN_BITS(IN_BITS), .W_BITS(W_BITS),
      .ACC_BITS(ACC_BITS), .OUTPUT_MODE(0), .OUT_BITS(OUT_BITS), .NUM_VEC(OUT_H * OUT_W),
      .WEIGHT_FILE(WEIGHT_FILE), .THRESH_FILE(THRESH_FILE)
  ) u_mvtu (
      .clk, .rst_n, .s_axis_tdata(f_d), .s_axis_tvalid(f_v), .s_axis_tready(f_r), .s_axis_tlast(f_l),
      .m_axis_tdata(m_d), .m_axis_tvalid(m_v), .m_axis_tready(m_r), .m_axis_tlast(m_l)
  );
  axis_fifo #(.DATA_WIDTH(PE * OUT_BITS), .DEPTH(2)) u_f1 (
      .clk, .rst_n, .s_axis_tdata(m_d), .s_axis_tvalid(m_v), .s_axis_tready(m_r), .s_axis_tlast(m_l),
      .m_axis_tdata(g_d), .m_axis_tvalid(g_v), .m_axis_tready(g_r), .m_axis_tlast(g_l)
  );
  generate
    if (POOL != 0) begin : g_pool
      maxpool #(
          .CHANNELS(MH), .ELEM_BITS(OUT_BITS), .SIMD(PE), .IN_H(OUT_H), .IN_W(OUT_W), .KERNEL(2)
      ) u_pool (
          .clk, .rst_n, .s_axis_tdata(g_d), .s_axis_tvalid(g_v), .s_axis_tready(g_r), .s_axis_tlast(g_l),
          .m_axis_tdata, .m_axis_tvalid, .m_axis_tready, .m_axis_tlast
      );
    end else begin : g_nopool
      assign m_axis_tdata = g_d;
      assign m_axis_tvalid = g_v;
      assign g_r = m_axis_tready;
      assign m_axis_tlast = g_l;
    end
  endgenerate
endmodule
