// AXI3 write master (PS S_AXI_HP0, 64-bit): writes WORDS consecutive 64-bit words from
// its input stream to ADDR. Bursts of at most MAX_BURST (<= 16) beats, INCR, never
// crossing a 4 KB boundary, all strobes set (whole 8-byte words, 8-byte aligned). A burst
// is issued only when all its words are already in the FIFO, so WVALID never waits once
// raised; AWVALID and the burst's first WVALID rise together (neither waits for the
// other's READY, as AXI requires). At most MAX_OUTSTANDING bursts await their response.
// abort_i stops issuing bursts; an issued burst still sends all its beats; idle_o says
// nothing is pending.
module shell_dma_write #(
    parameter int MAX_BURST       = 16,
    parameter int MAX_OUTSTANDING = 4,
    parameter int FIFO_DEPTH      = 32
) (
    input  logic        clk,
    input  logic        rst_n,
    // command and status, as shell_dma_read's: dorefa_shell drives both masters alike
    input  logic        start_i,      // one-cycle pulse: latch addr_i / words_i
    input  logic [31:0] addr_i,       // 8-byte aligned
    input  logic [31:0] words_i,
    input  logic        abort_i,
    output logic        idle_o,       // no burst pending, no beat or response outstanding
    output logic        finished_o,   // every word of the batch issued (and idle_o: all written)
    output logic        resp_error_o, // a B response != OKAY since start
    // data in
    input  logic [63:0] s_axis_tdata,
    input  logic        s_axis_tvalid,
    output logic        s_axis_tready,
    // AXI write channels: dorefa_shell's m_axi_aw*/w*/b* spelled out, as
    // the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces
    output logic [31:0] m_axi_awaddr,
    output logic [3:0]  m_axi_awlen,
    output logic        m_axi_awvalid,
    input  logic        m_axi_awready,
    output logic [63:0] m_axi_wdata,
    output logic [7:0]  m_axi_wstrb,
    output logic        m_axi_wlast,
    output logic        m_axi_wvalid,
    input  logic        m_axi_wready,
    input  logic [1:0]  m_axi_bresp,
    input  logic        m_axi_bvalid,
    output logic        m_axi_bready
);
  localparam int CW = $clog2(FIFO_DEPTH + 1);
  localparam int OW = $clog2(MAX_OUTSTANDING + 1);

  logic active_q;
  logic [31:0] addr_q, left_q;    // next burst address, words not yet in a burst
  logic [CW-1:0] avail_q;         // words in the FIFO not yet given to a burst
  logic [4:0] wleft_q;            // beats of the current burst still to send
  logic [OW-1:0] outstanding_q;   // bursts issued, B not yet received
  logic [4:0] len;                // beats of the next burst, 1..MAX_BURST
  logic launch, push, w_fire, b_fire;
  logic fifo_valid;

  // len = min(MAX_BURST, left, beats to the next 4 KB boundary)
  shell_burst_len #(.MAX_BURST(MAX_BURST)) u_len (.page_word_i(addr_q[11:3]), .left_i(left_q), .len_o(len));

  assign push = s_axis_tvalid && s_axis_tready;
  assign launch = active_q && !abort_i && !start_i && !m_axi_awvalid && wleft_q == '0 && left_q != '0 &&
                  outstanding_q != OW'(MAX_OUTSTANDING) && 32'(avail_q) >= 32'(len);
  assign m_axi_wvalid = wleft_q != '0 && fifo_valid;
  assign m_axi_wlast = wleft_q == 5'd1;
  assign m_axi_wstrb = 8'hFF;
  assign m_axi_bready = 1'b1;
  assign w_fire = m_axi_wvalid && m_axi_wready;
  assign b_fire = m_axi_bvalid && m_axi_bready;
  assign idle_o = !m_axi_awvalid && wleft_q == '0 && outstanding_q == '0;
  assign finished_o = left_q == '0;

  // Shaped like shell_dma_read's bookkeeping, with the write rules (see there).
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      active_q <= 1'b0;
      left_q <= '0;
      avail_q <= '0;
      wleft_q <= '0;
      outstanding_q <= '0;
      m_axi_awvalid <= 1'b0;
      resp_error_o <= 1'b0;
    end else begin
      if (start_i) begin
        active_q <= 1'b1;
        addr_q <= addr_i;
        left_q <= words_i;
        resp_error_o <= 1'b0;
      end else if (abort_i) begin
        active_q <= 1'b0;
      end
      if (launch) begin
        m_axi_awvalid <= 1'b1;
        m_axi_awaddr <= addr_q;
        m_axi_awlen <= 4'(len - 5'd1);
        addr_q <= addr_q + {24'd0, len, 3'd0};
        left_q <= left_q - 32'(len);
        wleft_q <= len;
      end else if (w_fire) begin
        wleft_q <= wleft_q - 5'd1;
      end
      if (m_axi_awvalid && m_axi_awready) m_axi_awvalid <= 1'b0;
      avail_q <= avail_q + (push ? CW'(1) : '0) - (launch ? CW'(len) : '0);
      outstanding_q <= outstanding_q + (launch ? OW'(1) : '0) - (b_fire ? OW'(1) : '0);
      if (b_fire && m_axi_bresp != 2'b00) resp_error_o <= 1'b1;
    end
  end

  // Word FIFO: the same 64-bit axis_fifo instance as shell_dma_read's, here between the
  // input stream and W.
  axis_fifo #(
      .DATA_WIDTH(64),
      .DEPTH(FIFO_DEPTH)
  ) u_fifo (
      .clk(clk), .rst_n(rst_n),
      .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready), .s_axis_tlast(1'b0),
      .m_axis_tdata(m_axi_wdata), .m_axis_tvalid(fifo_valid), .m_axis_tready(w_fire),
      /* verilator lint_off PINCONNECTEMPTY */
      .m_axis_tlast()
      /* verilator lint_on PINCONNECTEMPTY */
  );
endmodule
