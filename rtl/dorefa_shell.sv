// System shell around a generated core (docs/board/registers.md): AXI4-Lite registers for
// the PS (M_AXI_GP0), and an AXI3 DMA master for S_AXI_HP0 that reads a whole batch of
// images from DDR, feeds the core ELEMS pixels per beat, and writes one result record per
// image back. One START = one batch; the ARM does nothing per image.
//
//   DDR --read DMA (64b)--> pixel unpack (8 px/word -> ELEMS px/beat, tlast) --> core
//   core --> result pack (scores?, class word) --> write DMA (64b) --> DDR
//
// The core sits outside this module (core_* ports) so the same shell wraps any generated
// `top`; its reset core_rst_n is pulsed after a SOFT_RESET once nothing is in flight on
// AXI, and the shell always hands it whole images, so the core restarts on an image
// boundary. Control: IDLE -START-> CHECK (length/alignment checks) -> RUN -> IDLE with
// DONE; SOFT_RESET in RUN -> DRAIN (stop issuing, let bursts in flight finish) -> RESET.
module dorefa_shell #(
    parameter logic [63:0] DESIGN_HASH     = 64'h0,
    parameter int          PIXELS          = 784,  // pixels (bytes) per image the core takes
    parameter int          ELEMS           = 1,    // of them per core input beat (divides 8 and PIXELS)
    parameter int          NUM_CLASSES     = 10,
    parameter int          AXIL_ADDR_W     = 8,
    parameter int          MAX_OUTSTANDING = 4,
    parameter int          RD_FIFO_DEPTH   = 64,
    parameter int          WR_FIFO_DEPTH   = 32
) (
    input  logic                   clk,
    input  logic                   rst_n,
    // The AXI4-Lite and AXI3 port sets are spelled out again in shell_axil_regs,
    // shell_dma_read/_write, tb/shell_tb_top.sv and the generated system_top.v
    // (src/hw/system_generator.cpp): the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces. Their
    // write and read channels look alike because AXI defines them alike.
    // AXI4-Lite slave (PS M_AXI_GP0)
    input  logic [AXIL_ADDR_W-1:0] s_axi_awaddr,
    input  logic                   s_axi_awvalid,
    output logic                   s_axi_awready,
    input  logic [31:0]            s_axi_wdata,
    input  logic [3:0]             s_axi_wstrb,
    input  logic                   s_axi_wvalid,
    output logic                   s_axi_wready,
    output logic [1:0]             s_axi_bresp,
    output logic                   s_axi_bvalid,
    input  logic                   s_axi_bready,
    input  logic [AXIL_ADDR_W-1:0] s_axi_araddr,
    input  logic                   s_axi_arvalid,
    output logic                   s_axi_arready,
    output logic [31:0]            s_axi_rdata,
    output logic [1:0]             s_axi_rresp,
    output logic                   s_axi_rvalid,
    input  logic                   s_axi_rready,
    // AXI3 master (PS S_AXI_HP0, 64-bit); constant ID 0, INCR, 8-byte beats
    output logic [31:0]            m_axi_araddr,
    output logic [3:0]             m_axi_arlen,
    output logic                   m_axi_arvalid,
    input  logic                   m_axi_arready,
    input  logic [63:0]            m_axi_rdata,
    input  logic [1:0]             m_axi_rresp,
    input  logic                   m_axi_rlast,
    input  logic                   m_axi_rvalid,
    output logic                   m_axi_rready,
    output logic [31:0]            m_axi_awaddr,
    output logic [3:0]             m_axi_awlen,
    output logic                   m_axi_awvalid,
    input  logic                   m_axi_awready,
    output logic [63:0]            m_axi_wdata,
    output logic [7:0]             m_axi_wstrb,
    output logic                   m_axi_wlast,
    output logic                   m_axi_wvalid,
    input  logic                   m_axi_wready,
    input  logic [1:0]             m_axi_bresp,
    input  logic                   m_axi_bvalid,
    output logic                   m_axi_bready,
    // the core (generated `top`): the AXI-Stream port set of every rtl/ module
    // (docs/rtl/interfaces.md) with a core_ prefix, spelled out: no SV interfaces (above)
    output logic                   core_rst_n,
    output logic [8*ELEMS-1:0]     core_s_axis_tdata,
    output logic                   core_s_axis_tvalid,
    input  logic                   core_s_axis_tready,
    output logic                   core_s_axis_tlast,
    input  logic [63:0]            core_m_axis_tdata,
    input  logic                   core_m_axis_tvalid,
    output logic                   core_m_axis_tready,
    input  logic                   core_m_axis_tlast
);
`include "dorefa_regmap.vh"
  localparam int IMAGE_BEATS = (PIXELS + 7) / 8;
  localparam int IMAGE_BYTES = 8 * IMAGE_BEATS;
  localparam int RESET_CYCLES = 8;
  localparam logic [63:0] REC_WORDS = 64'(NUM_CLASSES) + 64'd1;  // words per record with scores

  typedef enum logic [2:0] {
    S_IDLE,
    S_CHECK,
    S_RUN,
    S_DRAIN,
    S_RESET
  } state_t;
  state_t state_q;

  // registers
  logic start, soft_reset, emit_scores;
  logic [31:0] image_count, in_addr, in_bytes, out_addr, out_bytes;
  logic done_q, rejected_q;
  logic [3:0] error_q;
  logic [31:0] images_done_q, busy_cycles_q, in_stall_q, out_stall_q, images_in_q;
  logic emit_q;
  logic [31:0] b_count_q, b_in_addr_q, b_in_bytes_q, b_out_addr_q, b_out_bytes_q;  // latched at START
  logic [2:0] reset_count_q;
  // datapath
  logic dp_rst_n;
  logic rd_start, wr_start, abort;
  logic rd_idle, rd_err, wr_idle, wr_finished, wr_err;
  logic [63:0] in_need_q, out_need_q, rd_beats_q, wr_words_q;  // in_need_q, out_need_q: wires
  logic [63:0] unpack_tdata, pack_tdata;
  logic unpack_tvalid, unpack_tready, pack_tvalid, pack_tready, class_fire;

  assign dp_rst_n = rst_n && state_q != S_RESET;
  assign core_rst_n = dp_rst_n;
  assign abort = state_q == S_DRAIN;

  // Batch sizes, computed in CHECK by a shift-and-add over IMAGE_COUNT's 32 bits (one bit
  // per cycle): a `*` here would cost ~17 DSP48s that the core needs. 64-bit sums, so no
  // IMAGE_COUNT can wrap them. CHECK sees the registers as they were at START (a register
  // write and START are separate AXI-Lite transactions); the batch's registers are latched
  // at START, so writes during a batch do not affect it.
  //   rd_beats = IMAGE_COUNT * IMAGE_BEATS, in_need = 8 * rd_beats
  //   wr_words = IMAGE_COUNT * (EMIT_SCORES ? NUM_CLASSES + 1 : 1), out_need = 8 * wr_words
  logic [5:0] step_q;
  logic [31:0] count_sh_q;
  logic [63:0] beats_add_q, words_add_q;
  wire check_busy = state_q == S_CHECK && step_q != 6'd32;
  always_ff @(posedge clk) begin
    if (state_q == S_IDLE) begin
      step_q <= '0;
      count_sh_q <= image_count;
      rd_beats_q <= '0;
      wr_words_q <= '0;
      beats_add_q <= 64'(IMAGE_BEATS);
      words_add_q <= emit_scores ? REC_WORDS : 64'd1;
    end else if (check_busy) begin
      step_q <= step_q + 1'b1;
      count_sh_q <= count_sh_q >> 1;
      beats_add_q <= beats_add_q << 1;
      words_add_q <= words_add_q << 1;
      if (count_sh_q[0]) begin
        rd_beats_q <= rd_beats_q + beats_add_q;
        wr_words_q <= wr_words_q + words_add_q;
      end
    end
  end
  assign in_need_q = {rd_beats_q[60:0], 3'd0};
  assign out_need_q = {wr_words_q[60:0], 3'd0};

  logic [3:0] check_error;
  always_comb begin
    check_error = ERR_NONE;
    if (b_in_addr_q[2:0] != 3'd0 || b_out_addr_q[2:0] != 3'd0) check_error = ERR_MISALIGNED;
    if (64'(b_out_bytes_q) < out_need_q) check_error = ERR_OUT_TOO_SMALL;
    if (b_count_q == '0 || 64'(b_in_bytes_q) != in_need_q || rd_beats_q[63:32] != '0 || wr_words_q[63:32] != '0)
      check_error = ERR_BAD_LENGTH;
  end

  assign rd_start = state_q == S_CHECK && !check_busy && check_error == ERR_NONE;
  assign wr_start = rd_start;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      state_q <= S_IDLE;
      done_q <= 1'b0;
      rejected_q <= 1'b0;
      error_q <= ERR_NONE;
      emit_q <= 1'b0;
      reset_count_q <= '0;
    end else begin
      case (state_q)
        S_IDLE: begin
          if (soft_reset) begin
            done_q <= 1'b0;
            error_q <= ERR_NONE;
            rejected_q <= 1'b0;
            reset_count_q <= 3'(RESET_CYCLES - 1);
            state_q <= S_RESET;
          end else if (start) begin
            done_q <= 1'b0;
            error_q <= ERR_NONE;
            rejected_q <= 1'b0;
            emit_q <= emit_scores;
            b_count_q <= image_count;
            b_in_addr_q <= in_addr;
            b_in_bytes_q <= in_bytes;
            b_out_addr_q <= out_addr;
            b_out_bytes_q <= out_bytes;
            state_q <= S_CHECK;
          end
        end
        S_CHECK: begin
          if (soft_reset) begin  // nothing issued yet: straight to the reset
            error_q <= ERR_ABORTED;
            reset_count_q <= 3'(RESET_CYCLES - 1);
            state_q <= S_RESET;
          end else if (check_busy) begin
            // sizes being computed
          end else if (check_error != ERR_NONE) begin
            error_q <= check_error;
            done_q <= 1'b1;
            state_q <= S_IDLE;
          end else begin
            state_q <= S_RUN;
          end
        end
        S_RUN: begin
          if (soft_reset) begin
            error_q <= ERR_ABORTED;
            state_q <= S_DRAIN;
          end else if (wr_finished && wr_idle && rd_idle) begin
            error_q <= rd_err ? ERR_READ_RESPONSE : wr_err ? ERR_WRITE_RESPONSE : ERR_NONE;
            done_q <= 1'b1;
            state_q <= S_IDLE;
          end
        end
        S_DRAIN: begin
          if (rd_idle && wr_idle) begin
            reset_count_q <= 3'(RESET_CYCLES - 1);
            state_q <= S_RESET;
          end
        end
        default: begin  // S_RESET: datapath and core held in reset
          if (reset_count_q == '0) begin
            if (error_q == ERR_ABORTED) done_q <= 1'b1;
            state_q <= S_IDLE;
          end
          reset_count_q <= reset_count_q - 1'b1;
        end
      endcase
      if (start && state_q != S_IDLE) rejected_q <= 1'b1;
    end
  end

  // Counters: cleared by an accepted START (entering CHECK) and by SOFT_RESET when idle.
  wire clear_counters = state_q == S_IDLE && (start || soft_reset);
  wire running = state_q == S_CHECK || state_q == S_RUN;
  wire in_fire = core_s_axis_tvalid && core_s_axis_tready;
  always_ff @(posedge clk) begin
    if (!rst_n || clear_counters) begin
      images_done_q <= '0;
      busy_cycles_q <= '0;
      in_stall_q <= '0;
      out_stall_q <= '0;
      images_in_q <= '0;
    end else if (running) begin
      busy_cycles_q <= busy_cycles_q + 1'b1;
      if (class_fire) images_done_q <= images_done_q + 1'b1;
      if (in_fire && core_s_axis_tlast) images_in_q <= images_in_q + 1'b1;
      if (core_s_axis_tready && !core_s_axis_tvalid && images_in_q != b_count_q) in_stall_q <= in_stall_q + 1'b1;
      if (core_m_axis_tvalid && !core_m_axis_tready) out_stall_q <= out_stall_q + 1'b1;
    end
  end

  shell_axil_regs #(
      .ADDR_W(AXIL_ADDR_W),
      .DESIGN_HASH(DESIGN_HASH),
      .IMAGE_BYTES(IMAGE_BYTES),
      .NUM_CLASSES(NUM_CLASSES),
      .PIXELS(PIXELS)
  ) u_regs (
      .clk(clk), .rst_n(rst_n),
      .s_axi_awaddr(s_axi_awaddr), .s_axi_awvalid(s_axi_awvalid), .s_axi_awready(s_axi_awready),
      .s_axi_wdata(s_axi_wdata), .s_axi_wstrb(s_axi_wstrb), .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready),
      .s_axi_bresp(s_axi_bresp), .s_axi_bvalid(s_axi_bvalid), .s_axi_bready(s_axi_bready),
      .s_axi_araddr(s_axi_araddr), .s_axi_arvalid(s_axi_arvalid), .s_axi_arready(s_axi_arready),
      .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp), .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
      .start_o(start), .soft_reset_o(soft_reset), .emit_scores_o(emit_scores), .image_count_o(image_count),
      .in_addr_o(in_addr), .in_bytes_o(in_bytes), .out_addr_o(out_addr), .out_bytes_o(out_bytes),
      .idle_i(state_q == S_IDLE), .busy_i(state_q != S_IDLE), .done_i(done_q), .start_rejected_i(rejected_q),
      .error_i(error_q), .images_done_i(images_done_q), .busy_cycles_i(busy_cycles_q), .in_stall_i(in_stall_q),
      .out_stall_i(out_stall_q)
  );

  shell_dma_read #(
      .MAX_BURST(16),
      .MAX_OUTSTANDING(MAX_OUTSTANDING),
      .FIFO_DEPTH(RD_FIFO_DEPTH)
  ) u_rd (
      .clk(clk), .rst_n(dp_rst_n),
      .start_i(rd_start), .addr_i(b_in_addr_q), .beats_i(rd_beats_q[31:0]), .abort_i(abort), .idle_o(rd_idle),
      .resp_error_o(rd_err),
      .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen), .m_axi_arvalid(m_axi_arvalid),
      .m_axi_arready(m_axi_arready), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp), .m_axi_rlast(m_axi_rlast),
      .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready),
      .m_axis_tdata(unpack_tdata), .m_axis_tvalid(unpack_tvalid), .m_axis_tready(unpack_tready)
  );

  shell_pixel_unpack #(
      .PIXELS(PIXELS),
      .ELEMS(ELEMS)
  ) u_unpack (
      .clk(clk), .rst_n(dp_rst_n),
      .s_axis_tdata(unpack_tdata), .s_axis_tvalid(unpack_tvalid), .s_axis_tready(unpack_tready),
      .m_axis_tdata(core_s_axis_tdata), .m_axis_tvalid(core_s_axis_tvalid), .m_axis_tready(core_s_axis_tready),
      .m_axis_tlast(core_s_axis_tlast)
  );

  shell_result_pack #(
      .NUM_CLASSES(NUM_CLASSES)
  ) u_pack (
      .clk(clk), .rst_n(dp_rst_n),
      .start_i(rd_start), .emit_scores_i(emit_q),
      .s_axis_tdata(core_m_axis_tdata), .s_axis_tvalid(core_m_axis_tvalid), .s_axis_tready(core_m_axis_tready),
      .s_axis_tlast(core_m_axis_tlast),
      .m_axis_tdata(pack_tdata), .m_axis_tvalid(pack_tvalid), .m_axis_tready(pack_tready),
      .class_fire_o(class_fire)
  );

  shell_dma_write #(
      .MAX_BURST(16),
      .MAX_OUTSTANDING(MAX_OUTSTANDING),
      .FIFO_DEPTH(WR_FIFO_DEPTH)
  ) u_wr (
      .clk(clk), .rst_n(dp_rst_n),
      .start_i(wr_start), .addr_i(b_out_addr_q), .words_i(wr_words_q[31:0]), .abort_i(abort), .idle_o(wr_idle),
      .finished_o(wr_finished), .resp_error_o(wr_err),
      .s_axis_tdata(pack_tdata), .s_axis_tvalid(pack_tvalid), .s_axis_tready(pack_tready),
      .m_axi_awaddr(m_axi_awaddr), .m_axi_awlen(m_axi_awlen), .m_axi_awvalid(m_axi_awvalid),
      .m_axi_awready(m_axi_awready), .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
      .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready), .m_axi_bresp(m_axi_bresp),
      .m_axi_bvalid(m_axi_bvalid), .m_axi_bready(m_axi_bready)
  );
endmodule
