// Matrix-vector-threshold unit (one conv or dense layer), folded PE x SIMD: every cycle
// PE output channels each take SIMD products of the input vector. A vector of MW
// elements arrives as SF = MW/SIMD beats; it is consumed straight from the stream while
// output group 0 is computed and kept in a buffer that groups 1 .. NF-1 (NF = MH/PE)
// replay, so one group follows the next without a gap: SF*NF cycles per vector.
//
// Pipeline (all stages advance together when the output register can move):
//   0 issue: counters, input handshake, memory addresses
//   1 read : weight word, buffered input beat, registered stream beat
//   2 dot  : PE dot products of SIMD terms (adder trees)
//   3 acc  : accumulate over SF beats; threshold word read for the finished group
//   4 out  : thresholds -> levels (OUTPUT_MODE 0) or accumulators (OUTPUT_MODE 1)
module mvtu #(
    parameter int MW = 8,
    parameter int MH = 4,
    parameter int SIMD = 2,
    parameter int PE = 2,
    parameter int IN_BITS = 2,
    parameter int W_BITS = 1,
    parameter int ACC_BITS = 16,
    parameter int OUTPUT_MODE = 0,
    parameter int OUT_BITS = 2,
    parameter int NUM_VEC = 1,
    parameter int USE_DSP = 1,  // W_BITS = 8: 1 = `*` (DSP48), 0 = LUT shift-add
    parameter int DOT_PIPE = 1,  // 1 = register in the middle of the adder trees
    parameter WEIGHT_FILE = "",  // "" = no image (memory left uninitialized)
    parameter THRESH_FILE = "",
    localparam int OUT_ELEM = (OUTPUT_MODE == 0) ? OUT_BITS : ACC_BITS
) (
    // The AXI-Stream port set of every rtl/ module (docs/rtl/interfaces.md), spelled out
    // per module: the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces.
    input  logic                     clk,
    input  logic                     rst_n,
    input  logic [SIMD*IN_BITS-1:0]  s_axis_tdata,
    input  logic                     s_axis_tvalid,
    output logic                     s_axis_tready,
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic                     s_axis_tlast,  // NUM_VEC defines the image
    /* verilator lint_on UNUSEDSIGNAL */
    output logic [PE*OUT_ELEM-1:0]   m_axis_tdata,
    output logic                     m_axis_tvalid,
    input  logic                     m_axis_tready,
    output logic                     m_axis_tlast
);
  localparam int SF = MW / SIMD;
  localparam int NF = MH / PE;
  localparam int NT = (1 << OUT_BITS) - 1;
  localparam int INW = SIMD * IN_BITS;
  localparam int WW = PE * SIMD * W_BITS;
  localparam int TW = PE * NT * ACC_BITS;
  localparam int SW = (SF > 1) ? $clog2(SF) : 1;
  localparam int GW = (NF > 1) ? $clog2(NF) : 1;
  localparam int VW = (NUM_VEC > 1) ? $clog2(NUM_VEC) : 1;
  localparam int WAW = (SF * NF > 1) ? $clog2(SF * NF) : 1;
  localparam int LV = $clog2(SIMD);
  // With DOT_PIPE the adder trees get a register at half their depth (stage 2a below).
  // (Registering DSP products at the multiplier instead measured slower: the whole tree
  // then sits in one cycle, 8.2 vs 7.3 ns Yosys sta for 25 x 17-bit products.)
  localparam int DSP = (W_BITS >= 8 && USE_DSP != 0) ? 1 : 0;
  localparam int PIPE = (DOT_PIPE != 0 && LV >= 2) ? 1 : 0;
  localparam int REG_DEPTH = (PIPE != 0) ? LV / 2 : -1;
  // Dot-product width: binary 2*sum_pos - sum_all; otherwise signed products summed.
  localparam int DOTW = (W_BITS == 1) ? IN_BITS + LV + 2 : IN_BITS + W_BITS + LV;

  logic en;  // the whole pipeline advances
  assign en = !m_axis_tvalid || m_axis_tready;

  // ---------------- stage 0: issue ----------------
  logic [SW-1:0] s0;
  logic [GW-1:0] g0;
  logic [VW-1:0] v0;
  logic [WAW-1:0] wa0;
  logic tok0, adv0, first0, last0, tl0;
  assign tok0 = (g0 == '0) ? s_axis_tvalid : 1'b1;
  assign adv0 = en && tok0;
  assign s_axis_tready = en && (g0 == '0);
  assign first0 = (s0 == '0);
  assign last0 = (s0 == SW'(SF - 1));
  assign tl0 = last0 && (g0 == GW'(NF - 1)) && (v0 == VW'(NUM_VEC - 1));

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      s0 <= '0;
      g0 <= '0;
      v0 <= '0;
      wa0 <= '0;
    end else if (adv0) begin
      wa0 <= (wa0 == WAW'(SF * NF - 1)) ? '0 : wa0 + 1'b1;
      if (last0) begin
        s0 <= '0;
        if (g0 == GW'(NF - 1)) begin
          g0 <= '0;
          v0 <= (v0 == VW'(NUM_VEC - 1)) ? '0 : v0 + 1'b1;
        end else begin
          g0 <= g0 + 1'b1;
        end
      end else begin
        s0 <= s0 + 1'b1;
      end
    end
  end

  // ---------------- stage 1: memory read ----------------
  logic v1, first1, last1, tl1;
  /* verilator lint_off UNUSEDSIGNAL */
  logic from_in1;  // unused when NF = 1 (no replay)
  /* verilator lint_on UNUSEDSIGNAL */
  logic [GW-1:0] g1;
  logic [INW-1:0] in_q, x1;
  logic [WW-1:0] w1;

  /* verilator lint_off UNDRIVEN */
  logic [WW-1:0] wmem[0:SF*NF-1];
  /* verilator lint_on UNDRIVEN */
  // Guarded so that reading the module with its default parameters (as Yosys does
  // before any chparam) does not try to open a file.
  if (WEIGHT_FILE != "") begin : g_winit
    initial $readmemh(WEIGHT_FILE, wmem);
  end
  always_ff @(posedge clk) begin
    if (en) w1 <= wmem[wa0];
  end

  always_ff @(posedge clk) begin
    if (en) begin
      in_q <= s_axis_tdata;
      first1 <= first0;
      last1 <= last0;
      tl1 <= tl0;
      g1 <= g0;
      from_in1 <= (g0 == '0);
    end
  end

  generate
    if (NF > 1) begin : g_ibuf
      logic [INW-1:0] ibuf[0:SF-1];
      logic [INW-1:0] ib_q;
      always_ff @(posedge clk) begin
        if (s_axis_tvalid && s_axis_tready) ibuf[s0] <= s_axis_tdata;
      end
      always_ff @(posedge clk) begin
        if (en) ib_q <= ibuf[s0];
      end
      assign x1 = from_in1 ? in_q : ib_q;
    end else begin : g_noibuf
      assign x1 = in_q;
    end
  endgenerate

  // ---------------- stage 2: dot products ----------------
  logic v2, first2, last2, tl2;
  logic [GW-1:0] g2;
  logic [PE*DOTW-1:0] dot_c, dot2;

  genvar p, j, q;
  generate
    if (W_BITS == 1) begin : g_bin
      // w = +1 (bit 1) / -1 (bit 0): sum_j w_j x_j = 2 * sum_{w_j=1} x_j - sum_j x_j.
      logic [IN_BITS+LV-1:0] sum_all;
      adder_tree #(.N(SIMD), .IN_W(IN_BITS), .SIGNED(0), .REG_DEPTH(REG_DEPTH)) u_all (
          .clk(clk), .en(en), .in(x1), .sum(sum_all));
      for (p = 0; p < PE; p = p + 1) begin : g_pe
        logic [INW-1:0] sel;
        logic [IN_BITS+LV-1:0] sum_pos;
        for (j = 0; j < SIMD; j = j + 1) begin : g_sel
          assign sel[j*IN_BITS+:IN_BITS] = w1[p*SIMD+j] ? x1[j*IN_BITS+:IN_BITS] : '0;
        end
        adder_tree #(.N(SIMD), .IN_W(IN_BITS), .SIGNED(0), .REG_DEPTH(REG_DEPTH)) u_pos (
            .clk(clk), .en(en), .in(sel), .sum(sum_pos));
        assign dot_c[p*DOTW+:DOTW] = {1'b0, sum_pos, 1'b0} - {2'b00, sum_all};
      end
    end else begin : g_mul
      localparam int PW = IN_BITS + W_BITS;  // signed product width
      for (p = 0; p < PE; p = p + 1) begin : g_pe
        logic [SIMD*PW-1:0] prods;
        for (j = 0; j < SIMD; j = j + 1) begin : g_prod
          logic [IN_BITS-1:0] x;
          logic [W_BITS-1:0] w;
          assign x = x1[j*IN_BITS+:IN_BITS];
          assign w = w1[(p*SIMD+j)*W_BITS+:W_BITS];
          if (DSP != 0) begin : g_dsp
            logic signed [PW-1:0] pr;
            assign pr = $signed({1'b0, x}) * $signed(w);
            assign prods[j*PW+:PW] = pr;
          end else if (IN_BITS < W_BITS) begin : g_lut_x
            // Shift-add over the (narrower, unsigned) input bits: IN_BITS-1 adders.
            logic [PW-1:0] pr, ws;
            assign ws = {{(PW - W_BITS) {w[W_BITS-1]}}, w};
            always_comb begin
              pr = '0;
              for (int b = 0; b < IN_BITS; b = b + 1) begin
                if (x[b]) pr = pr + (ws << b);
              end
            end
            assign prods[j*PW+:PW] = pr;
          end else begin : g_lut_w
            // Shift-add over the weight bits (two's complement, the MSB weighs
            // -2^(W-1)). Both LUT forms are written out so that synthesis never puts
            // them on a DSP. The partial products go through a balanced tree,
            // $clog2(W_BITS) adders deep: a chain of W_BITS-1 adders made an 8 x 8
            // lane the critical path of a W8A8 LeNet (13.9 ns Yosys sta).
            logic [W_BITS*PW-1:0] pp;
            /* verilator lint_off UNUSEDSIGNAL */
            logic [PW+$clog2(W_BITS)-1:0] pr_sum;  // the product fits PW bits
            /* verilator lint_on UNUSEDSIGNAL */
            for (q = 0; q < W_BITS; q = q + 1) begin : g_pp
              if (q < W_BITS - 1) begin : g_pos
                assign pp[q*PW+:PW] = w[q] ? (PW'(x) << q) : '0;
              end else begin : g_neg
                assign pp[q*PW+:PW] = w[q] ? PW'(-(PW'(x) << q)) : '0;
              end
            end
            adder_tree #(.N(W_BITS), .IN_W(PW), .SIGNED(1), .REG_DEPTH(-1)) u_pp (
                .clk(clk), .en(en), .in(pp), .sum(pr_sum));
            assign prods[j*PW+:PW] = pr_sum[PW-1:0];
          end
        end
        adder_tree #(.N(SIMD), .IN_W(PW), .SIGNED(1), .REG_DEPTH(REG_DEPTH)) u_sum (
            .clk(clk), .en(en), .in(prods), .sum(dot_c[p*DOTW+:DOTW]));
      end
    end
  endgenerate

  // Stage 2a (DOT_PIPE): the token's flags wait one cycle for the split adder trees.
  logic v1b, first1b, last1b, tl1b;
  logic [GW-1:0] g1b;
  generate
    if (PIPE != 0) begin : g_pipe
      always_ff @(posedge clk) begin
        if (en) begin
          first1b <= first1;
          last1b <= last1;
          tl1b <= tl1;
          g1b <= g1;
        end
      end
      always_ff @(posedge clk) begin
        if (!rst_n) v1b <= 1'b0;
        else if (en) v1b <= v1;
      end
    end else begin : g_nopipe
      assign {v1b, first1b, last1b, tl1b, g1b} = {v1, first1, last1, tl1, g1};
    end
  endgenerate

  always_ff @(posedge clk) begin
    if (en) begin
      dot2 <= dot_c;
      first2 <= first1b;
      last2 <= last1b;
      tl2 <= tl1b;
      g2 <= g1b;
    end
  end

  // ---------------- stage 3: accumulate ----------------
  logic v3, tl3;
  logic [PE*ACC_BITS-1:0] acc3;
  generate
    for (p = 0; p < PE; p = p + 1) begin : g_acc
      logic signed [ACC_BITS-1:0] d;
      assign d = ACC_BITS'($signed(dot2[p*DOTW+:DOTW]));
      always_ff @(posedge clk) begin
        if (en && v2) acc3[p*ACC_BITS+:ACC_BITS] <= first2 ? d : acc3[p*ACC_BITS+:ACC_BITS] + d;
      end
    end
  endgenerate
  always_ff @(posedge clk) begin
    if (en) tl3 <= tl2;
  end

  // ---------------- stage 4: output ----------------
  logic [PE*OUT_ELEM-1:0] out_c;
  generate
    if (OUTPUT_MODE == 0) begin : g_thr
      /* verilator lint_off UNDRIVEN */
      logic [TW-1:0] tmem[0:NF-1];
      /* verilator lint_on UNDRIVEN */
      // The same guarded $readmemh ROM as wmem (stage 1), kept inline rather than in a
      // shared ROM module: a plain array read under the stage's enable is the pattern
      // Yosys and Vivado infer block/distributed RAM from, with no hierarchy in between.
      logic [TW-1:0] t3;
      if (THRESH_FILE != "") begin : g_tinit
        initial $readmemh(THRESH_FILE, tmem);
      end
      always_ff @(posedge clk) begin
        if (en) t3 <= tmem[g2];
      end
      for (p = 0; p < PE; p = p + 1) begin : g_pe
        logic [OUT_BITS-1:0] cnt;
        always_comb begin
          cnt = '0;
          for (int t = 0; t < NT; t = t + 1) begin
            if ($signed(acc3[p*ACC_BITS+:ACC_BITS]) >= $signed(t3[(p*NT+t)*ACC_BITS+:ACC_BITS]))
              cnt = cnt + 1'b1;
          end
        end
        assign out_c[p*OUT_BITS+:OUT_BITS] = cnt;
      end
    end else begin : g_raw
      /* verilator lint_off UNUSEDSIGNAL */
      logic [GW-1:0] unused_g2;
      /* verilator lint_on UNUSEDSIGNAL */
      assign unused_g2 = g2;
      assign out_c = acc3;
    end
  endgenerate

  always_ff @(posedge clk) begin
    if (en) begin
      m_axis_tdata <= out_c;
      m_axis_tlast <= tl3;
    end
  end

  // ---------------- valid bits ----------------
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      v1 <= 1'b0;
      v2 <= 1'b0;
      v3 <= 1'b0;
      m_axis_tvalid <= 1'b0;
    end else if (en) begin
      v1 <= tok0;
      v2 <= v1b;
      v3 <= v2 && last2;
      m_axis_tvalid <= v3;
    end
  end
endmodule
