// Regroups a stream of ELEM_BITS-wide elements from IN_ELEMS to OUT_ELEMS elements per
// beat, keeping element order (element 0 in the low bits). One size must divide the other.
module axis_width_converter #(
    parameter int ELEM_BITS = 2,
    parameter int IN_ELEMS = 4,
    parameter int OUT_ELEMS = 2
) (
    // The AXI-Stream port set of every rtl/ module (docs/rtl/interfaces.md), spelled out
    // per module: the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces.
    input  logic                           clk,
    input  logic                           rst_n,
    input  logic [IN_ELEMS*ELEM_BITS-1:0]  s_axis_tdata,
    input  logic                           s_axis_tvalid,
    output logic                           s_axis_tready,
    input  logic                           s_axis_tlast,
    output logic [OUT_ELEMS*ELEM_BITS-1:0] m_axis_tdata,
    output logic                           m_axis_tvalid,
    input  logic                           m_axis_tready,
    output logic                           m_axis_tlast
);
  localparam int IW = IN_ELEMS * ELEM_BITS;
  localparam int OW = OUT_ELEMS * ELEM_BITS;

  generate
    if (IN_ELEMS == OUT_ELEMS) begin : g_wire
      assign m_axis_tdata = s_axis_tdata;
      assign m_axis_tvalid = s_axis_tvalid;
      assign s_axis_tready = m_axis_tready;
      assign m_axis_tlast = s_axis_tlast;
      /* verilator lint_off UNUSEDSIGNAL */
      logic unused_clk_rst;
      assign unused_clk_rst = clk ^ rst_n;
      /* verilator lint_on UNUSEDSIGNAL */
    end else if (IN_ELEMS > OUT_ELEMS) begin : g_down
      // Hold one input beat in a shift register, emit it in RATIO pieces.
      localparam int RATIO = IN_ELEMS / OUT_ELEMS;
      localparam int RW = $clog2(RATIO + 1);
      logic [IW-1:0] buf_q;
      logic [RW-1:0] left;  // pieces still to send from buf_q
      logic last_q;
      logic load;
      assign m_axis_tdata = buf_q[OW-1:0];
      assign m_axis_tvalid = (left != '0);
      assign m_axis_tlast = last_q && (left == RW'(1));
      assign s_axis_tready = (left == '0) || (left == RW'(1) && m_axis_tready);
      assign load = s_axis_tvalid && s_axis_tready;
      always_ff @(posedge clk) begin
        if (!rst_n) begin
          left <= '0;
          last_q <= 1'b0;
        end else if (load) begin
          left <= RW'(RATIO);
          last_q <= s_axis_tlast;
        end else if (m_axis_tvalid && m_axis_tready) begin
          left <= left - 1'b1;
        end
      end
      always_ff @(posedge clk) begin
        if (load) buf_q <= s_axis_tdata;
        else if (m_axis_tvalid && m_axis_tready) buf_q <= IW'(buf_q >> OW);
      end
    end else begin : g_up
      // Collect RATIO input beats; the output register is free again when it is taken.
      localparam int RATIO = OUT_ELEMS / IN_ELEMS;
      localparam int RW = $clog2(RATIO);
      logic [OW-1:0] acc_q;
      logic [RW-1:0] idx;
      logic full_q, last_q;
      logic take;
      assign m_axis_tdata = acc_q;
      assign m_axis_tvalid = full_q;
      assign m_axis_tlast = last_q;
      assign s_axis_tready = !full_q || m_axis_tready;
      assign take = s_axis_tvalid && s_axis_tready;
      always_ff @(posedge clk) begin
        if (!rst_n) begin
          idx <= '0;
          full_q <= 1'b0;
          last_q <= 1'b0;
        end else begin
          if (m_axis_tvalid && m_axis_tready) full_q <= 1'b0;
          if (take) begin
            if (idx == RW'(RATIO - 1)) begin
              idx <= '0;
              full_q <= 1'b1;
              last_q <= s_axis_tlast;
            end else begin
              idx <= idx + 1'b1;
            end
          end
        end
      end
      // The beat is assembled in a shift register: new beats enter at the top.
      always_ff @(posedge clk) begin
        if (take) acc_q <= {s_axis_tdata, acc_q[OW-1:IW]};
      end
    end
  endgenerate
endmodule
