// Sliding-window generator for a KERNEL x KERNEL convolution with zero padding PAD and
// stride STRIDE. It steps once per pixel of the padded (IN_H+2*PAD) x (IN_W+2*PAD) grid:
// padding pixels are zeros made on the spot, real pixels are assembled from
// CHANNELS/IN_SIMD input beats. A line buffer of KERNEL-1 padded rows feeds a
// KERNEL x KERNEL window register; at every output position the window is copied into
// an output shift register that streams it in [ky][kx][c] order, OUT_SIMD elements per
// beat, while the window moves on. Stepping stalls only while the output register is
// still busy at the next output position, so a window leaves every NB cycles when the
// output side is the bottleneck, and a pixel enters every CB cycles when the input is.
module sliding_window #(
    parameter int CHANNELS = 2,
    parameter int ELEM_BITS = 2,
    parameter int IN_H = 6,
    parameter int IN_W = 6,
    parameter int KERNEL = 3,
    parameter int STRIDE = 1,
    parameter int PAD = 1,
    parameter int IN_SIMD = 1,
    parameter int OUT_SIMD = 2
) (
    // The AXI-Stream port set of every rtl/ module (docs/rtl/interfaces.md), spelled out
    // per module: the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces.
    input  logic                          clk,
    input  logic                          rst_n,
    input  logic [IN_SIMD*ELEM_BITS-1:0]  s_axis_tdata,
    input  logic                          s_axis_tvalid,
    output logic                          s_axis_tready,
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic                          s_axis_tlast,  // geometry defines the image
    /* verilator lint_on UNUSEDSIGNAL */
    output logic [OUT_SIMD*ELEM_BITS-1:0] m_axis_tdata,
    output logic                          m_axis_tvalid,
    input  logic                          m_axis_tready,
    output logic                          m_axis_tlast
);
  localparam int K = KERNEL;
  localparam int PIXW = CHANNELS * ELEM_BITS;
  localparam int INW = IN_SIMD * ELEM_BITS;
  localparam int OUTW = OUT_SIMD * ELEM_BITS;
  localparam int WINW = K * K * PIXW;
  localparam int HP = IN_H + 2 * PAD;
  localparam int WP = IN_W + 2 * PAD;
  localparam int OUT_H = (HP - K) / STRIDE + 1;
  localparam int OUT_W = (WP - K) / STRIDE + 1;
  localparam int LAST_Y = K - 1 + (OUT_H - 1) * STRIDE;  // grid row of the last window
  localparam int LAST_X = K - 1 + (OUT_W - 1) * STRIDE;
  localparam int CB = CHANNELS / IN_SIMD;  // input beats per pixel
  localparam int NB = K * K * CHANNELS / OUT_SIMD;  // output beats per window
  localparam int YW = $clog2(HP + 1);
  localparam int XW = $clog2(WP + 1);
  localparam int SW = $clog2(STRIDE + 1);
  localparam int CBW = $clog2(CB + 1);
  localparam int NBW = $clog2(NB + 1);

  // ---- position on the padded grid ----
  logic [YW-1:0] py;
  logic [XW-1:0] px, px_next;
  logic [SW-1:0] rph, cph;  // (py-(K-1)) mod STRIDE, (px-(K-1)) mod STRIDE
  logic is_pad, out_pos, last_pos;
  int yi, xi, xni;  // py, px, px_next as plain integers for the comparisons below
  assign yi = {{(32 - YW) {1'b0}}, py};
  assign xi = {{(32 - XW) {1'b0}}, px};
  assign xni = {{(32 - XW) {1'b0}}, px_next};

  assign is_pad = (yi < PAD) || (yi >= PAD + IN_H) || (xi < PAD) || (xi >= PAD + IN_W);
  assign out_pos = (yi >= K - 1) && (yi <= LAST_Y) && (rph == '0) &&
                   (xi >= K - 1) && (xi <= LAST_X) && (cph == '0);
  assign last_pos = (yi == LAST_Y) && (xi == LAST_X);
  assign px_next = (xi == WP - 1) ? '0 : px + 1'b1;

  // ---- output shift register ----
  logic [WINW-1:0] snap;
  logic [NBW-1:0] left;  // beats of snap still to send
  logic snap_last;
  logic ser_free;
  assign m_axis_tdata = snap[OUTW-1:0];
  assign m_axis_tvalid = (left != '0);
  assign m_axis_tlast = snap_last && (left == NBW'(1));
  assign ser_free = (left == '0) || (left == NBW'(1) && m_axis_tready);

  // ---- stepping ----
  logic [CBW-1:0] cb;
  logic last_beat;  // the beat on s_axis completes a pixel
  logic can_step, step;
  logic [PIXW-1:0] new_pixel;
  assign last_beat = (cb == CBW'(CB - 1));
  assign can_step = !out_pos || ser_free;
  assign step = can_step && (is_pad || (last_beat && s_axis_tvalid));
  assign s_axis_tready = !is_pad && (!last_beat || can_step);

  generate
    if (CB == 1) begin : g_pix1
      assign new_pixel = is_pad ? '0 : s_axis_tdata;
    end else begin : g_pixn
      logic [PIXW-INW-1:0] pix_q;  // earlier beats of the pixel, beat 0 lowest
      always_ff @(posedge clk) begin
        if (s_axis_tvalid && s_axis_tready && !last_beat)
          pix_q <= (PIXW - INW)'({s_axis_tdata, pix_q} >> INW);
      end
      assign new_pixel = is_pad ? '0 : {s_axis_tdata, pix_q};
    end
  endgenerate

  // ---- line buffer and window ----
  /* verilator lint_off UNUSEDSIGNAL */
  logic [WINW-1:0] win;  // column kx = 0 only ever moves on into snap (synthesis drops it)
  /* verilator lint_on UNUSEDSIGNAL */
  logic [WINW-1:0] win_next;
  logic [PIXW-1:0] column[0:K-1];  // pixels entering the window's right column, by ky
  assign column[K-1] = new_pixel;

  generate
    if (K > 1) begin : g_lb
      // Word px holds the pixels at column px of the K-1 rows above, row py-1 lowest.
      // The read is prefetched one step ahead (address px_next), so lb_q always holds
      // word px: a pixel comes back exactly WP steps after it was written.
      localparam int LBW = (K - 1) * PIXW;
      logic [LBW-1:0] lb_mem[0:WP-1];
      localparam int AW = $clog2(WP);
      logic [LBW-1:0] lb_q, lb_wdata;
      if (K > 2) begin : g_wd
        assign lb_wdata = {lb_q[LBW-PIXW-1:0], new_pixel};
      end else begin : g_wd2
        assign lb_wdata = new_pixel;
      end
      always_ff @(posedge clk) begin
        if (step) lb_mem[px[AW-1:0]] <= lb_wdata;
      end
      always_ff @(posedge clk) begin
        if (step) lb_q <= lb_mem[px_next[AW-1:0]];
      end
      genvar r;
      for (r = 0; r < K - 1; r = r + 1) begin : g_col
        assign column[K-2-r] = lb_q[r*PIXW+:PIXW];
      end
    end
  endgenerate

  genvar ky, kx;
  generate
    for (ky = 0; ky < K; ky = ky + 1) begin : g_wy
      for (kx = 0; kx < K - 1; kx = kx + 1) begin : g_wx
        assign win_next[(ky*K+kx)*PIXW+:PIXW] = win[(ky*K+kx+1)*PIXW+:PIXW];
      end
      assign win_next[(ky*K+K-1)*PIXW+:PIXW] = column[ky];
    end
  endgenerate

  always_ff @(posedge clk) begin
    if (step) win <= win_next;
    if (step && out_pos) snap <= win_next;
    else if (m_axis_tvalid && m_axis_tready) snap <= WINW'(snap >> OUTW);
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      py <= '0;
      px <= '0;
      rph <= '0;
      cph <= '0;
      cb <= '0;
      left <= '0;
      snap_last <= 1'b0;
    end else begin
      if (s_axis_tvalid && s_axis_tready) cb <= last_beat ? '0 : cb + 1'b1;
      if (step && out_pos) begin
        left <= NBW'(NB);
        snap_last <= last_pos;
      end else if (m_axis_tvalid && m_axis_tready) begin
        left <= left - 1'b1;
      end
      if (step) begin
        px <= px_next;
        cph <= (xni == K - 1 || cph == SW'(STRIDE - 1)) ? '0 : cph + 1'b1;
        if (px_next == '0) begin
          py <= (yi == HP - 1) ? '0 : py + 1'b1;
          rph <= (yi == K - 2 || rph == SW'(STRIDE - 1) || yi == HP - 1) ?
                 '0 : rph + 1'b1;
        end
      end
    end
  end
endmodule
