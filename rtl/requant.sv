// Requantization output stage (docs/integer-model.md, "requant") for the raw accumulators
// of an mvtu (OUTPUT_MODE = 1), per output channel o:
//   out = clamp(((acc + bias[o]) * mult[o] + 2^(shift[o]-1)) >> shift[o], 0, 2^OUT_BITS - 1)
// with an arithmetic shift (shift 0: no rounding term). Every intermediate is as wide as
// its operands need (sum SUMW, product PRODW, rounded value YW bits), so the result is
// exact for every value the parameter widths can hold: the generator sizes BIAS_BITS and
// MULT_BITS from the layer's values, and the int64 of the integer model never wraps
// (qmodel::validate), so this equals the runtime's int64 arithmetic bit for bit.
//
// A beat carries PE channels; LANES of them go through the arithmetic per cycle, so a
// beat takes K = PE/LANES cycles (the mvtu in front emits one beat per SF = MW/SIMD
// cycles: the generator picks the fewest lanes with K <= SF, which saves multipliers).
// Beat g of a vector holds channels g*PE ... g*PE+PE-1 (NF = CHANNELS/PE beats).
//
// Pipeline (all stages advance together when the output register can move):
//   0 issue: lane group k of the beat (group 0 straight from the stream, the rest
//            replayed from the held beat), parameter address
//   1 read : accumulators of the group, parameter word
//   2 sum  : acc + bias
//   3 mul  : (acc + bias) * mult as two partial products (mult[16:0] and mult[..:17]),
//            each one DSP48 column (25 x 18) for sums up to 25 bits
//   4 round: partial products added, + 2^(shift-1)
//   5 out  : arithmetic shift, clamp to 0 .. 2^OUT_BITS-1, into the beat being assembled
module requant #(
    parameter int CHANNELS = 8,   // output channels of the layer (mvtu MH)
    parameter int PE = 4,         // channels per beat (the mvtu's PE)
    parameter int LANES = 2,      // channels computed per cycle, divides PE
    parameter int ACC_BITS = 16,  // signed accumulators in
    parameter int BIAS_BITS = 16,  // signed bias field
    parameter int MULT_BITS = 24,  // unsigned multiplier field (mult < 2^MULT_BITS)
    parameter int SHIFT_MAX = 62,  // largest shift in the image (<= 63, 6-bit field)
    parameter int OUT_BITS = 8,   // unsigned output levels
    parameter PARAM_FILE = "",    // "" = no image (memory left uninitialized)
    localparam int PW = BIAS_BITS + MULT_BITS + 6  // one channel's parameter field
) (
    // The AXI-Stream port set of every rtl/ module (docs/rtl/interfaces.md), spelled out
    // per module: the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces.
    input  logic                    clk,
    input  logic                    rst_n,
    input  logic [PE*ACC_BITS-1:0]  s_axis_tdata,
    input  logic                    s_axis_tvalid,
    output logic                    s_axis_tready,
    input  logic                    s_axis_tlast,  // passed on with its beat
    output logic [PE*OUT_BITS-1:0]  m_axis_tdata,
    output logic                    m_axis_tvalid,
    input  logic                    m_axis_tready,
    output logic                    m_axis_tlast
);
  localparam int NF = CHANNELS / PE;
  localparam int K = PE / LANES;
  localparam int DEPTH = NF * K;
  localparam int AW = (DEPTH > 1) ? $clog2(DEPTH) : 1;
  localparam int KW = (K > 1) ? $clog2(K) : 1;
  localparam int GA = LANES * ACC_BITS;  // accumulator bits of one lane group
  localparam int GO = LANES * OUT_BITS;  // output bits of one lane group
  localparam int SUMW = ((ACC_BITS > BIAS_BITS) ? ACC_BITS : BIAS_BITS) + 1;
  // The multiplier in two unsigned parts: a DSP48E1 multiplies 25 x 18 bits signed, so
  // an unsigned 17-bit part is one B operand.
  localparam int ML = (MULT_BITS > 17) ? 17 : MULT_BITS;
  localparam int MH = (MULT_BITS > 17) ? MULT_BITS - 17 : 1;  // 1: unused (mult_hi = 0)
  localparam int PLW = SUMW + ML + 1;
  localparam int PHW = SUMW + MH + 1;
  localparam int PRODW = SUMW + MULT_BITS + 1;
  // |prod| < 2^(PRODW-1) and 2^(shift-1) <= 2^(SHIFT_MAX-1): their sum fits YW signed bits.
  localparam int YW = (PRODW + 1 > SHIFT_MAX + 1) ? PRODW + 1 : SHIFT_MAX + 1;
  localparam int TOP = (1 << OUT_BITS) - 1;

  logic en;  // the whole pipeline advances
  assign en = !m_axis_tvalid || m_axis_tready;

  // ---------------- stage 0: issue ----------------
  logic [KW-1:0] k0;
  logic [AW-1:0] a0;
  logic tok0, adv0, tl0;
  logic [GA-1:0] x0;
  assign tok0 = (k0 == '0) ? s_axis_tvalid : 1'b1;
  assign adv0 = en && tok0;
  assign s_axis_tready = en && (k0 == '0);

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      k0 <= '0;
      a0 <= '0;
    end else if (adv0) begin
      k0 <= (k0 == KW'(K - 1)) ? '0 : k0 + 1'b1;
      a0 <= (a0 == AW'(DEPTH - 1)) ? '0 : a0 + 1'b1;
    end
  end

  genvar gi;
  generate
    if (K > 1) begin : g_hold
      // Groups 1 .. K-1 of the beat taken with group 0, as an array: indexing it is a
      // K:1 mux (a variable part-select of the flat beat would synthesize as a shifter).
      logic [GA-1:0] hold[0:K-1];
      logic hold_last;
      for (gi = 0; gi < K; gi = gi + 1) begin : g_grp
        always_ff @(posedge clk) begin
          if (s_axis_tvalid && s_axis_tready) hold[gi] <= s_axis_tdata[gi*GA+:GA];
        end
      end
      always_ff @(posedge clk) begin
        if (s_axis_tvalid && s_axis_tready) hold_last <= s_axis_tlast;
      end
      assign x0 = (k0 == '0) ? s_axis_tdata[GA-1:0] : hold[k0];
      assign tl0 = (k0 == '0) ? s_axis_tlast : hold_last;
    end else begin : g_nohold
      assign x0 = s_axis_tdata;
      assign tl0 = s_axis_tlast;
    end
  endgenerate

  // ---------------- stage 1: read ----------------
  /* verilator lint_off UNDRIVEN */
  logic [LANES*PW-1:0] pmem[0:DEPTH-1];
  /* verilator lint_on UNDRIVEN */
  // Guarded like the mvtu's ROMs: reading the module with default parameters (Yosys
  // before chparam, lint) opens no file.
  if (PARAM_FILE != "") begin : g_pinit
    initial $readmemh(PARAM_FILE, pmem);
  end
  logic [LANES*PW-1:0] p1;
  logic [GA-1:0] x1;
  logic [KW-1:0] k1, k2, k3, k4;
  logic v1, v2, v3, v4, tl1, tl2, tl3, tl4;
  always_ff @(posedge clk) begin
    if (en) begin
      p1 <= pmem[a0];
      x1 <= x0;
      k1 <= k0;
      tl1 <= tl0;
      k2 <= k1;
      tl2 <= tl1;
      k3 <= k2;
      tl3 <= tl2;
      k4 <= k3;
      tl4 <= tl3;
    end
  end

  // ---------------- stages 2 .. 5, per lane ----------------
  logic [GO-1:0] o5;  // the group's levels
  genvar l;
  generate
    for (l = 0; l < LANES; l = l + 1) begin : g_lane
      logic [PW-1:0] pf;
      logic signed [ACC_BITS-1:0] acc1;
      logic signed [BIAS_BITS-1:0] bias1;
      logic [MULT_BITS-1:0] mult1;
      logic [5:0] sh1;
      assign pf = p1[l*PW+:PW];
      assign sh1 = pf[5:0];
      assign mult1 = pf[6+:MULT_BITS];
      assign bias1 = pf[6+MULT_BITS+:BIAS_BITS];
      assign acc1 = x1[l*ACC_BITS+:ACC_BITS];

      // stage 2: sum
      logic signed [SUMW-1:0] sum2;
      logic [ML-1:0] ml2;
      logic [MH-1:0] mh2;
      logic [5:0] sh2, sh3, sh4;
      always_ff @(posedge clk) begin
        if (en) begin
          sum2 <= SUMW'(acc1) + SUMW'(bias1);
          ml2 <= mult1[ML-1:0];
          sh2 <= sh1;
          sh3 <= sh2;
          sh4 <= sh3;
        end
      end
      if (MULT_BITS > 17) begin : g_mh
        always_ff @(posedge clk) begin
          if (en) mh2 <= mult1[MULT_BITS-1:17];
        end
      end else begin : g_nomh
        assign mh2 = '0;
      end

      // stage 3: partial products (registered at the multipliers)
      logic signed [PLW-1:0] pl3;
      logic signed [PHW-1:0] ph3;
      always_ff @(posedge clk) begin
        if (en) begin
          pl3 <= PLW'(sum2) * $signed({1'b0, ml2});
          ph3 <= PHW'(sum2) * $signed({1'b0, mh2});
        end
      end

      // stage 4: product + 2^(shift-1)
      logic signed [YW-1:0] rnd3, y4;
      assign rnd3 = (sh3 == 6'd0) ? '0 : (YW'(1) << (sh3 - 6'd1));
      always_ff @(posedge clk) begin
        if (en) y4 <= YW'(pl3) + (YW'(ph3) <<< 17) + rnd3;
      end

      // stage 5: arithmetic shift and clamp. y4 < 0 gives a negative quotient: 0. Else
      // the logical shift of the non-negative y4 is the quotient.
      logic [YW-1:0] q4;
      logic [OUT_BITS-1:0] lvl;
      assign q4 = y4 >> sh4;
      always_comb begin
        if (y4[YW-1]) lvl = '0;
        else if (q4 > YW'(TOP)) lvl = OUT_BITS'(TOP);
        else lvl = q4[OUT_BITS-1:0];
      end
      assign o5[l*OUT_BITS+:OUT_BITS] = lvl;
    end
  endgenerate

  // ---------------- stage 5: assemble the beat ----------------
  logic [PE*OUT_BITS-1:0] beat;
  generate
    if (K > 1) begin : g_asm
      // Group slots written by decoded enables, the last group taken straight into the beat.
      for (gi = 0; gi < K; gi = gi + 1) begin : g_slot
        logic [GO-1:0] slot_q;
        always_ff @(posedge clk) begin
          if (en && v4 && k4 == KW'(gi)) slot_q <= o5;
        end
        assign beat[gi*GO+:GO] = (k4 == KW'(gi)) ? o5 : slot_q;
      end
    end else begin : g_noasm
      /* verilator lint_off UNUSEDSIGNAL */
      logic [KW-1:0] unused_k4;
      /* verilator lint_on UNUSEDSIGNAL */
      assign unused_k4 = k4;
      assign beat = o5;
    end
  endgenerate

  always_ff @(posedge clk) begin
    if (en) begin
      m_axis_tdata <= beat;
      m_axis_tlast <= tl4;
    end
  end

  // ---------------- valid bits ----------------
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      v1 <= 1'b0;
      v2 <= 1'b0;
      v3 <= 1'b0;
      v4 <= 1'b0;
      m_axis_tvalid <= 1'b0;
    end else if (en) begin
      v1 <= tok0;
      v2 <= v1;
      v3 <= v2;
      v4 <= v3;
      m_axis_tvalid <= v4 && (k4 == KW'(K - 1));
    end
  end
endmodule
