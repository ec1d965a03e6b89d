// AXI3 read master (PS S_AXI_HP0, 64-bit): reads BEATS consecutive 64-bit words from ADDR
// and streams them out in order. Bursts of at most MAX_BURST (<= 16) beats, INCR, never
// crossing a 4 KB boundary; at most MAX_OUTSTANDING bursts in flight. A burst is issued
// only when the FIFO has room for it and every beat already in flight (credit), so RREADY
// is never withheld for long and data is never dropped.
// abort_i stops issuing new bursts; bursts in flight complete (their data is still taken);
// idle_o says nothing is in flight, so the caller may then reset the datapath.
module shell_dma_read #(
    parameter int MAX_BURST       = 16,
    parameter int MAX_OUTSTANDING = 4,
    parameter int FIFO_DEPTH      = 64
) (
    input  logic        clk,
    input  logic        rst_n,
    // command and status, as shell_dma_write's: dorefa_shell drives both masters alike
    input  logic        start_i,      // one-cycle pulse: latch addr_i / beats_i
    input  logic [31:0] addr_i,       // 8-byte aligned
    input  logic [31:0] beats_i,
    input  logic        abort_i,
    output logic        idle_o,       // no burst pending or in flight
    output logic        resp_error_o, // an R beat with RRESP != OKAY since start
    // AXI read address / data channels: dorefa_shell's m_axi_ar*/r* spelled out, as
    // the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces
    output logic [31:0] m_axi_araddr,
    output logic [3:0]  m_axi_arlen,
    output logic        m_axi_arvalid,
    input  logic        m_axi_arready,
    input  logic [63:0] m_axi_rdata,
    input  logic [1:0]  m_axi_rresp,
    input  logic        m_axi_rlast,
    input  logic        m_axi_rvalid,
    output logic        m_axi_rready,
    // data out
    output logic [63:0] m_axis_tdata,
    output logic        m_axis_tvalid,
    input  logic        m_axis_tready
);
  localparam int CW = $clog2(FIFO_DEPTH + 1);
  localparam int OW = $clog2(MAX_OUTSTANDING + 1);

  logic active_q;
  logic [31:0] addr_q, left_q;      // next burst address, beats not yet requested
  logic [CW-1:0] credit_q;          // beats requested and not yet popped from the FIFO
  logic [OW-1:0] outstanding_q;     // bursts issued, RLAST not yet seen
  logic [4:0] len;                  // beats of the next burst, 1..MAX_BURST
  logic launch, pop, r_fire, ar_fire, last_fire;

  // len = min(MAX_BURST, left, beats to the next 4 KB boundary)
  shell_burst_len #(.MAX_BURST(MAX_BURST)) u_len (.page_word_i(addr_q[11:3]), .left_i(left_q), .len_o(len));

  assign launch = active_q && !abort_i && !m_axi_arvalid && left_q != '0 &&
                  outstanding_q != OW'(MAX_OUTSTANDING) && (32'(credit_q) + 32'(len) <= 32'(FIFO_DEPTH));
  assign ar_fire = m_axi_arvalid && m_axi_arready;
  assign r_fire = m_axi_rvalid && m_axi_rready;
  assign last_fire = r_fire && m_axi_rlast;
  assign pop = m_axis_tvalid && m_axis_tready;
  assign idle_o = !m_axi_arvalid && outstanding_q == '0;

  // The start/abort/launch bookkeeping has the shape of shell_dma_write's but not its
  // rules (read: launch on FIFO credit, count RLAST; write: launch on words already in the
  // FIFO, count B responses), so each master keeps its own.
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      active_q <= 1'b0;
      left_q <= '0;
      credit_q <= '0;
      outstanding_q <= '0;
      m_axi_arvalid <= 1'b0;
      resp_error_o <= 1'b0;
    end else begin
      if (start_i) begin
        active_q <= 1'b1;
        addr_q <= addr_i;
        left_q <= beats_i;
        resp_error_o <= 1'b0;
      end else if (abort_i) begin
        active_q <= 1'b0;
      end else if (launch) begin
        m_axi_arvalid <= 1'b1;
        m_axi_araddr <= addr_q;
        m_axi_arlen <= 4'(len - 5'd1);
        addr_q <= addr_q + {24'd0, len, 3'd0};
        left_q <= left_q - 32'(len);
      end
      if (ar_fire) m_axi_arvalid <= 1'b0;
      credit_q <= credit_q + (launch && !start_i ? CW'(len) : '0) - (pop ? CW'(1) : '0);
      outstanding_q <= outstanding_q + ((launch && !start_i) ? OW'(1) : '0) - (last_fire ? OW'(1) : '0);
      if (r_fire && m_axi_rresp != 2'b00) resp_error_o <= 1'b1;
    end
  end

  // Data FIFO; with credits it always has room, so RREADY follows its (registered) ready.
  // The same 64-bit axis_fifo instance as shell_dma_write's, wired to the other side.
  axis_fifo #(
      .DATA_WIDTH(64),
      .DEPTH(FIFO_DEPTH)
  ) u_fifo (
      .clk(clk), .rst_n(rst_n),
      .s_axis_tdata(m_axi_rdata), .s_axis_tvalid(m_axi_rvalid), .s_axis_tready(m_axi_rready), .s_axis_tlast(1'b0),
      .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
      /* verilator lint_off PINCONNECTEMPTY */
      .m_axis_tlast()
      /* verilator lint_on PINCONNECTEMPTY */
  );
endmodule
