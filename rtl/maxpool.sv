// Streaming KERNEL x KERNEL max-pool with stride KERNEL on unsigned levels, HWC, SIMD
// channels per beat. A row buffer (one running max per output column and channel, in
// distributed RAM) collects the window over KERNEL input rows; the beat that completes a
// window goes to the output register. Rows/columns past OUT_H*KERNEL / OUT_W*KERNEL are
// read and dropped (floor). One input beat per cycle.
module maxpool #(
    parameter int CHANNELS = 4,
    parameter int ELEM_BITS = 2,
    parameter int SIMD = 2,
    parameter int IN_H = 4,
    parameter int IN_W = 4,
    parameter int KERNEL = 2
) (
    // The AXI-Stream port set of every rtl/ module (docs/rtl/interfaces.md), spelled out
    // per module: the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces.
    input  logic                       clk,
    input  logic                       rst_n,
    input  logic [SIMD*ELEM_BITS-1:0]  s_axis_tdata,
    input  logic                       s_axis_tvalid,
    output logic                       s_axis_tready,
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic                       s_axis_tlast,  // geometry defines the image
    /* verilator lint_on UNUSEDSIGNAL */
    output logic [SIMD*ELEM_BITS-1:0]  m_axis_tdata,
    output logic                       m_axis_tvalid,
    input  logic                       m_axis_tready,
    output logic                       m_axis_tlast
);
  localparam int K = KERNEL;
  localparam int B = ELEM_BITS;
  localparam int DW = SIMD * ELEM_BITS;
  localparam int CB = CHANNELS / SIMD;
  localparam int OUT_H = IN_H / K;
  localparam int OUT_W = IN_W / K;
  localparam int DEPTH = OUT_W * CB;
  localparam int AW = (DEPTH > 1) ? $clog2(DEPTH) : 1;
  localparam int CBW = (CB > 1) ? $clog2(CB) : 1;
  localparam int XW = $clog2(IN_W + 1);
  localparam int YW = $clog2(IN_H + 1);
  localparam int KW = (K > 1) ? $clog2(K) : 1;

  logic [CBW-1:0] cb;
  logic [XW-1:0] ix;
  logic [YW-1:0] iy;
  logic [KW-1:0] kx, ky;
  logic [AW-1:0] base;  // ox * CB
  logic [AW-1:0] addr;
  logic in_pool, first, final_beat, last_c, hs, en;

  assign addr = base + AW'(cb);
  assign in_pool = (iy < YW'(OUT_H * K)) && (ix < XW'(OUT_W * K));
  assign first = (kx == '0) && (ky == '0);
  assign final_beat = (kx == KW'(K - 1)) && (ky == KW'(K - 1));
  assign last_c = (cb == CBW'(CB - 1));
  assign en = !m_axis_tvalid || m_axis_tready;
  assign s_axis_tready = !(in_pool && final_beat) || en;
  assign hs = s_axis_tvalid && s_axis_tready;

  logic [DW-1:0] rowbuf[0:DEPTH-1];
  logic [DW-1:0] prev, cur;
  assign prev = rowbuf[addr];
  genvar e;
  generate
    for (e = 0; e < SIMD; e = e + 1) begin : g_max
      logic [B-1:0] a, b;
      assign a = s_axis_tdata[e*B+:B];
      assign b = prev[e*B+:B];
      assign cur[e*B+:B] = (first || a > b) ? a : b;
    end
  endgenerate

  always_ff @(posedge clk) begin
    if (hs && in_pool && !final_beat) rowbuf[addr] <= cur;
  end

  always_ff @(posedge clk) begin
    if (en) m_axis_tdata <= cur;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      cb <= '0;
      ix <= '0;
      iy <= '0;
      kx <= '0;
      ky <= '0;
      base <= '0;
      m_axis_tvalid <= 1'b0;
      m_axis_tlast <= 1'b0;
    end else begin
      if (en) begin
        m_axis_tvalid <= hs && in_pool && final_beat;
        m_axis_tlast <= (iy == YW'(OUT_H * K - 1)) && (ix == XW'(OUT_W * K - 1)) && last_c;
      end
      if (hs) begin
        cb <= last_c ? '0 : cb + 1'b1;
        if (last_c) begin
          if (ix == XW'(IN_W - 1)) begin
            // next input row
            ix <= '0;
            kx <= '0;
            base <= '0;
            ky <= (ky == KW'(K - 1)) ? '0 : ky + 1'b1;
            if (iy == YW'(IN_H - 1)) begin
              iy <= '0;
              ky <= '0;
            end else begin
              iy <= iy + 1'b1;
            end
          end else begin
            ix <= ix + 1'b1;
            if (kx == KW'(K - 1)) begin
              kx <= '0;
              base <= base + AW'(CB);
            end else begin
              kx <= kx + 1'b1;
            end
          end
        end
      end
    end
  end
endmodule
