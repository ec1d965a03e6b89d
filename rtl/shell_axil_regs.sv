// AXI4-Lite register file of the system shell (docs/board/registers.md). The register
// offsets and fields come from dorefa_regmap.vh, generated from src/hw/register_map.cpp.
// One write and one read in flight at a time; every access gets an OKAY response (unknown
// offsets read 0 and ignore writes). Address bits above REGMAP_ADDR_BITS are ignored.
module shell_axil_regs #(
    parameter int          ADDR_W      = 8,
    parameter logic [63:0] DESIGN_HASH = 64'h0,
    parameter int          IMAGE_BYTES = 784,
    parameter int          NUM_CLASSES = 10,
    parameter int          PIXELS      = 784
) (
    input  logic              clk,
    input  logic              rst_n,
    // AXI4-Lite slave (PS M_AXI_GP0), the port set of dorefa_shell's s_axi, spelled out:
    // the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces
    input  logic [ADDR_W-1:0] s_axi_awaddr,
    input  logic              s_axi_awvalid,
    output logic              s_axi_awready,
    input  logic [31:0]       s_axi_wdata,
    input  logic [3:0]        s_axi_wstrb,
    input  logic              s_axi_wvalid,
    output logic              s_axi_wready,
    output logic [1:0]        s_axi_bresp,
    output logic              s_axi_bvalid,
    input  logic              s_axi_bready,
    input  logic [ADDR_W-1:0] s_axi_araddr,
    input  logic              s_axi_arvalid,
    output logic              s_axi_arready,
    output logic [31:0]       s_axi_rdata,
    output logic [1:0]        s_axi_rresp,
    output logic              s_axi_rvalid,
    input  logic              s_axi_rready,
    // commands (one-cycle pulses) and configuration
    output logic              start_o,
    output logic              soft_reset_o,
    output logic              emit_scores_o,
    output logic [31:0]       image_count_o,
    output logic [31:0]       in_addr_o,
    output logic [31:0]       in_bytes_o,
    output logic [31:0]       out_addr_o,
    output logic [31:0]       out_bytes_o,
    // status and counters
    input  logic              idle_i,
    input  logic              busy_i,
    input  logic              done_i,
    input  logic              start_rejected_i,
    input  logic [3:0]        error_i,
    input  logic [31:0]       images_done_i,
    input  logic [31:0]       busy_cycles_i,
    input  logic [31:0]       in_stall_i,
    input  logic [31:0]       out_stall_i
);
`include "dorefa_regmap.vh"
  localparam int RA = REGMAP_ADDR_BITS;

  // ---- write channel: address and data latched independently, then applied together
  logic aw_full_q, w_full_q;
  logic [RA-1:0] waddr_q;
  logic [31:0] wdata_q;
  logic [3:0] wstrb_q;
  logic do_write;

  assign s_axi_awready = !aw_full_q;
  assign s_axi_wready = !w_full_q;
  assign s_axi_bresp = 2'b00;
  assign do_write = aw_full_q && w_full_q && !s_axi_bvalid;

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      aw_full_q <= 1'b0;
      w_full_q <= 1'b0;
      s_axi_bvalid <= 1'b0;
    end else begin
      if (s_axi_awvalid && s_axi_awready) aw_full_q <= 1'b1;
      if (s_axi_wvalid && s_axi_wready) w_full_q <= 1'b1;
      if (do_write) begin
        aw_full_q <= 1'b0;
        w_full_q <= 1'b0;
        s_axi_bvalid <= 1'b1;
      end else if (s_axi_bvalid && s_axi_bready) begin
        s_axi_bvalid <= 1'b0;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (s_axi_awvalid && s_axi_awready) waddr_q <= {s_axi_awaddr[RA-1:2], 2'b00};
    if (s_axi_wvalid && s_axi_wready) begin
      wdata_q <= s_axi_wdata;
      wstrb_q <= s_axi_wstrb;
    end
  end

  // Byte strobes: a read-write register keeps the bytes whose strobe is low.
  logic [31:0] wmask;
  assign wmask = {{8{wstrb_q[3]}}, {8{wstrb_q[2]}}, {8{wstrb_q[1]}}, {8{wstrb_q[0]}}};

  logic [31:0] flags_q;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      flags_q <= '0;
      image_count_o <= '0;
      in_addr_o <= '0;
      in_bytes_o <= '0;
      out_addr_o <= '0;
      out_bytes_o <= '0;
      start_o <= 1'b0;
      soft_reset_o <= 1'b0;
    end else begin
      start_o <= 1'b0;
      soft_reset_o <= 1'b0;
      if (do_write) begin
        case (waddr_q)
          REG_CONTROL: begin
            start_o <= wstrb_q[0] && wdata_q[CONTROL_START_BIT];
            soft_reset_o <= wstrb_q[0] && wdata_q[CONTROL_SOFT_RESET_BIT];
          end
          REG_FLAGS: flags_q <= (flags_q & ~wmask) | (wdata_q & wmask);
          REG_IMAGE_COUNT: image_count_o <= (image_count_o & ~wmask) | (wdata_q & wmask);
          REG_IN_ADDR: in_addr_o <= (in_addr_o & ~wmask) | (wdata_q & wmask);
          REG_IN_BYTES: in_bytes_o <= (in_bytes_o & ~wmask) | (wdata_q & wmask);
          REG_OUT_ADDR: out_addr_o <= (out_addr_o & ~wmask) | (wdata_q & wmask);
          REG_OUT_BYTES: out_bytes_o <= (out_bytes_o & ~wmask) | (wdata_q & wmask);
          default: ;
        endcase
      end
    end
  end
  assign emit_scores_o = flags_q[FLAGS_EMIT_SCORES_BIT];

  // ---- read channel: data captured when the address is accepted, held until taken
  logic [31:0] status, rmux;
  always_comb begin
    status = '0;
    status[STATUS_IDLE_BIT] = idle_i;
    status[STATUS_BUSY_BIT] = busy_i;
    status[STATUS_DONE_BIT] = done_i;
    status[STATUS_START_REJECTED_BIT] = start_rejected_i;
    status[STATUS_ERROR_LSB+:STATUS_ERROR_WIDTH] = error_i;
  end

  always_comb begin
    case ({s_axi_araddr[RA-1:2], 2'b00})
      REG_ID: rmux = SHELL_ID;
      REG_VERSION: rmux = SHELL_VERSION;
      REG_DESIGN_HASH_LO: rmux = DESIGN_HASH[31:0];
      REG_DESIGN_HASH_HI: rmux = DESIGN_HASH[63:32];
      REG_STATUS: rmux = status;
      REG_FLAGS: rmux = flags_q;
      REG_IMAGE_COUNT: rmux = image_count_o;
      REG_IN_ADDR: rmux = in_addr_o;
      REG_IN_BYTES: rmux = in_bytes_o;
      REG_OUT_ADDR: rmux = out_addr_o;
      REG_OUT_BYTES: rmux = out_bytes_o;
      REG_IMAGE_BYTES: rmux = 32'(IMAGE_BYTES);
      REG_NUM_CLASSES: rmux = 32'(NUM_CLASSES);
      REG_PIXELS: rmux = 32'(PIXELS);
      REG_IMAGES_DONE: rmux = images_done_i;
      REG_BUSY_CYCLES: rmux = busy_cycles_i;
      REG_IN_STALL_CYCLES: rmux = in_stall_i;
      REG_OUT_STALL_CYCLES: rmux = out_stall_i;
      default: rmux = '0;  // CONTROL reads 0, unknown offsets read 0
    endcase
  end

  assign s_axi_arready = !s_axi_rvalid;
  assign s_axi_rresp = 2'b00;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      s_axi_rvalid <= 1'b0;
    end else if (s_axi_arvalid && s_axi_arready) begin
      s_axi_rvalid <= 1'b1;
    end else if (s_axi_rvalid && s_axi_rready) begin
      s_axi_rvalid <= 1'b0;
    end
  end
  always_ff @(posedge clk) begin
    if (s_axi_arvalid && s_axi_arready) s_axi_rdata <= rmux;
  end

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused_addr_bits;
  assign unused_addr_bits = ^{s_axi_awaddr, s_axi_araddr};
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
