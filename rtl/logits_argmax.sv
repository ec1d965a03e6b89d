// Last stage of the network: score[o] = acc[o]*mul[o] + add[o] in signed 64 bits
// (docs/integer-model.md, "logits"), class = argmax, lowest index on ties. Works through
// the classes one at a time (2 cycles each), which is far faster than the mvtu feeding
// it. With EMIT_SCORES the scores go out first, one beat each, then the class.
module logits_argmax #(
    parameter int NUM_CLASSES = 10,
    parameter int PE = 2,
    parameter int ACC_BITS = 16,
    parameter PARAM_FILE = "",  // "" = no image (memory left uninitialized)
    parameter int EMIT_SCORES = 0,
    localparam int OUT_W = (EMIT_SCORES != 0) ? 64 : 16
) (
    // The AXI-Stream port set of every rtl/ module (docs/rtl/interfaces.md), spelled out
    // per module: the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces.
    input  logic                   clk,
    input  logic                   rst_n,
    input  logic [PE*ACC_BITS-1:0] s_axis_tdata,
    input  logic                   s_axis_tvalid,
    output logic                   s_axis_tready,
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic                   s_axis_tlast,  // NUM_CLASSES defines the image
    /* verilator lint_on UNUSEDSIGNAL */
    output logic [OUT_W-1:0]       m_axis_tdata,
    output logic                   m_axis_tvalid,
    input  logic                   m_axis_tready,
    output logic                   m_axis_tlast
);
  localparam int CW = $clog2(NUM_CLASSES + 1);
  localparam int LW = (PE > 1) ? $clog2(PE) : 1;
  localparam int PW = ACC_BITS + 32;

  typedef enum logic [2:0] {
    S_IN,
    S_MUL,
    S_ADD,
    S_SCORE,
    S_CLASS
  } state_t;
  state_t state;

  /* verilator lint_off UNDRIVEN */
  logic [95:0] pmem[0:NUM_CLASSES-1];
  /* verilator lint_on UNDRIVEN */
  generate
    if (PARAM_FILE != "") begin : g_pinit
      initial $readmemh(PARAM_FILE, pmem);
    end
  endgenerate

  logic [PE*ACC_BITS-1:0] hold;
  logic [LW-1:0] lane;
  logic [CW-1:0] cls, best_idx;
  logic signed [63:0] best, score;
  logic signed [PW-1:0] prod;
  logic signed [ACC_BITS-1:0] acc_sel;
  logic signed [31:0] mul_sel;
  logic signed [63:0] add_sel;
  logic [95:0] pword;
  logic lane_last, cls_last;

  assign pword = pmem[cls];
  assign mul_sel = pword[31:0];
  assign add_sel = pword[95:32];
  assign acc_sel = hold[lane*ACC_BITS+:ACC_BITS];
  assign score = 64'(prod) + add_sel;
  assign lane_last = (lane == LW'(PE - 1));
  assign cls_last = (cls == CW'(NUM_CLASSES - 1));
  assign s_axis_tready = (state == S_IN);

  always_ff @(posedge clk) begin
    if (s_axis_tvalid && s_axis_tready) hold <= s_axis_tdata;
    if (state == S_MUL) prod <= PW'(acc_sel) * PW'(mul_sel);
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      state <= S_IN;
      lane <= '0;
      cls <= '0;
      best_idx <= '0;
      best <= '0;
      m_axis_tvalid <= 1'b0;
      m_axis_tlast <= 1'b0;
      m_axis_tdata <= '0;
    end else begin
      case (state)
        S_IN: begin
          if (s_axis_tvalid) begin
            lane <= '0;
            state <= S_MUL;
          end
        end
        S_MUL: state <= S_ADD;
        S_ADD: begin
          if (cls == '0 || score > best) begin
            best <= score;
            best_idx <= cls;
          end
          if (EMIT_SCORES != 0) begin
            m_axis_tdata <= OUT_W'(score);
            m_axis_tvalid <= 1'b1;
            m_axis_tlast <= 1'b0;
            state <= S_SCORE;
          end else begin
            state <= S_SCORE;  // same bookkeeping, no beat
          end
        end
        S_SCORE: begin
          if (!m_axis_tvalid || m_axis_tready) begin
            m_axis_tvalid <= 1'b0;
            lane <= lane_last ? '0 : lane + 1'b1;
            if (cls_last) begin
              state <= S_CLASS;
              m_axis_tdata <= OUT_W'(best_idx);
              m_axis_tvalid <= 1'b1;
              m_axis_tlast <= 1'b1;
            end else begin
              cls <= cls + 1'b1;
              state <= lane_last ? S_IN : S_MUL;
            end
          end
        end
        S_CLASS: begin
          if (m_axis_tready) begin
            m_axis_tvalid <= 1'b0;
            m_axis_tlast <= 1'b0;
            cls <= '0;
            state <= S_IN;
          end
        end
        default: state <= S_IN;
      endcase
    end
  end
endmodule
