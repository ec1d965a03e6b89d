// Balanced adder tree over N operands of IN_W bits (signed when SIGNED = 1). Each level
// is one bit wider than the one below, so every adder is only as wide as its result can
// be; operands are padded to a power of two with zeros, which synthesis removes.
// REG_DEPTH < 0: purely combinational. REG_DEPTH = d >= 0: the nodes at depth d (root =
// 0, operands = $clog2(N)) are registers loaded when `en` is high, which splits the
// tree's delay and makes `sum` one cycle late.
/* verilator lint_off UNOPTFLAT */
module adder_tree #(
    parameter int N = 4,
    parameter int IN_W = 2,
    parameter int SIGNED = 0,
    parameter int REG_DEPTH = -1,
    localparam int LV = $clog2(N),
    localparam int OUT_W = IN_W + LV
) (
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic              clk,  // only with REG_DEPTH >= 0
    input  logic              en,
    /* verilator lint_on UNUSEDSIGNAL */
    input  logic [N*IN_W-1:0] in,
    output logic [OUT_W-1:0]  sum
);
  localparam int NP = 1 << LV;
  localparam int OW = OUT_W;

  // Heap-ordered nodes: node i has children 2i+1 and 2i+2, leaves are NP-1 ... 2NP-2.
  // split_var: Verilator keeps each node's slice as a variable of its own; as one packed
  // vector, every node's assignment depends on the whole vector and Verilator re-settles
  // it until nothing changes (UNOPTFLAT): a Verilated mvtu ran 2.7x (DSP and binary
  // lanes) to 4.7x (LUT multipliers) slower so. A comment to Yosys and Vivado.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [(2*NP-1)*OW-1:0] tree /*verilator split_var*/;
  /* verilator lint_on UNUSEDSIGNAL */

  genvar k, d;
  generate
    for (k = 0; k < NP; k = k + 1) begin : g_leaf
      if (k >= N) begin : g_zero
        assign tree[(NP-1+k)*OW+:OW] = '0;
      end else begin : g_op
        logic [IN_W-1:0] x;
        if (REG_DEPTH == LV) begin : g_reg
          always_ff @(posedge clk) begin
            if (en) x <= in[k*IN_W+:IN_W];
          end
        end else begin : g_wire
          assign x = in[k*IN_W+:IN_W];
        end
        if (LV == 0) begin : g_one
          assign tree[(NP-1+k)*OW+:OW] = x;
        end else begin : g_ext
          logic ext;
          assign ext = (SIGNED != 0) && x[IN_W-1];
          assign tree[(NP-1+k)*OW+:OW] = {{(OW - IN_W) {ext}}, x};
        end
      end
    end
    for (d = 0; d < LV; d = d + 1) begin : g_lvl
      localparam int W = IN_W + LV - d;  // result width at depth d
      for (k = 0; k < (1 << d); k = k + 1) begin : g_node
        localparam int I = (1 << d) - 1 + k;
        logic [W-2:0] a, b;
        logic [W-1:0] s, s_c;
        logic ea, eb;
        assign a = tree[(2*I+1)*OW+:W-1];
        assign b = tree[(2*I+2)*OW+:W-1];
        assign ea = (SIGNED != 0) && a[W-2];
        assign eb = (SIGNED != 0) && b[W-2];
        assign s_c = {ea, a} + {eb, b};
        if (REG_DEPTH == d) begin : g_reg
          always_ff @(posedge clk) begin
            if (en) s <= s_c;
          end
        end else begin : g_wire
          assign s = s_c;
        end
        if (d == 0) begin : g_root
          assign tree[I*OW+:OW] = s;
        end else begin : g_inner
          assign tree[I*OW+:OW] = {{(OW - W) {(SIGNED != 0) && s[W-1]}}, s};
        end
      end
    end
  endgenerate

  assign sum = tree[OW-1:0];
endmodule
/* verilator lint_on UNOPTFLAT */
