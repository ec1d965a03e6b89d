// Test-only top for the shell testbench: dorefa_shell around fake_core, wired like the
// generated system_top.v wires it around a real core.
module shell_tb_top #(
    parameter int PIXELS = 20,
    parameter int NUM_CLASSES = 4,
    parameter logic [63:0] DESIGN_HASH = 64'h0123456789ABCDEF
) (
    input  logic        clk,
    input  logic        rst_n,
    // dorefa_shell's AXI ports and the shell + core wiring of the generated system_top.v
    // (src/hw/system_generator.cpp), spelled out: the SystemVerilog subset we keep to
    // (Yosys 0.23) has no interfaces, and system_top.v instantiates `top`, not fake_core.
    input  logic [7:0]  s_axi_awaddr,
    input  logic        s_axi_awvalid,
    output logic        s_axi_awready,
    input  logic [31:0] s_axi_wdata,
    input  logic [3:0]  s_axi_wstrb,
    input  logic        s_axi_wvalid,
    output logic        s_axi_wready,
    output logic [1:0]  s_axi_bresp,
    output logic        s_axi_bvalid,
    input  logic        s_axi_bready,
    input  logic [7:0]  s_axi_araddr,
    input  logic        s_axi_arvalid,
    output logic        s_axi_arready,
    output logic [31:0] s_axi_rdata,
    output logic [1:0]  s_axi_rresp,
    output logic        s_axi_rvalid,
    input  logic        s_axi_rready,
    output logic [31:0] m_axi_araddr,
    output logic [3:0]  m_axi_arlen,
    output logic        m_axi_arvalid,
    input  logic        m_axi_arready,
    input  logic [63:0] m_axi_rdata,
    input  logic [1:0]  m_axi_rresp,
    input  logic        m_axi_rlast,
    input  logic        m_axi_rvalid,
    output logic        m_axi_rready,
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
  logic core_rst_n;
  logic [7:0] in_tdata;
  logic in_tvalid, in_tready, in_tlast;
  logic [63:0] out_tdata;
  logic out_tvalid, out_tready, out_tlast;

  dorefa_shell #(
      .DESIGN_HASH(DESIGN_HASH),
      .PIXELS(PIXELS),
      .NUM_CLASSES(NUM_CLASSES)
  ) u_shell (
      .clk(clk), .rst_n(rst_n),
      .s_axi_awaddr(s_axi_awaddr), .s_axi_awvalid(s_axi_awvalid), .s_axi_awready(s_axi_awready),
      .s_axi_wdata(s_axi_wdata), .s_axi_wstrb(s_axi_wstrb), .s_axi_wvalid(s_axi_wvalid), .s_axi_wready(s_axi_wready),
      .s_axi_bresp(s_axi_bresp), .s_axi_bvalid(s_axi_bvalid), .s_axi_bready(s_axi_bready),
      .s_axi_araddr(s_axi_araddr), .s_axi_arvalid(s_axi_arvalid), .s_axi_arready(s_axi_arready),
      .s_axi_rdata(s_axi_rdata), .s_axi_rresp(s_axi_rresp), .s_axi_rvalid(s_axi_rvalid), .s_axi_rready(s_axi_rready),
      .m_axi_araddr(m_axi_araddr), .m_axi_arlen(m_axi_arlen), .m_axi_arvalid(m_axi_arvalid),
      .m_axi_arready(m_axi_arready), .m_axi_rdata(m_axi_rdata), .m_axi_rresp(m_axi_rresp), .m_axi_rlast(m_axi_rlast),
      .m_axi_rvalid(m_axi_rvalid), .m_axi_rready(m_axi_rready),
      .m_axi_awaddr(m_axi_awaddr), .m_axi_awlen(m_axi_awlen), .m_axi_awvalid(m_axi_awvalid),
      .m_axi_awready(m_axi_awready), .m_axi_wdata(m_axi_wdata), .m_axi_wstrb(m_axi_wstrb), .m_axi_wlast(m_axi_wlast),
      .m_axi_wvalid(m_axi_wvalid), .m_axi_wready(m_axi_wready), .m_axi_bresp(m_axi_bresp),
      .m_axi_bvalid(m_axi_bvalid), .m_axi_bready(m_axi_bready),
      .core_rst_n(core_rst_n),
      .core_s_axis_tdata(in_tdata), .core_s_axis_tvalid(in_tvalid), .core_s_axis_tready(in_tready),
      .core_s_axis_tlast(in_tlast),
      .core_m_axis_tdata(out_tdata), .core_m_axis_tvalid(out_tvalid), .core_m_axis_tready(out_tready),
      .core_m_axis_tlast(out_tlast)
  );

  fake_core #(
      .PIXELS(PIXELS),
      .NUM_CLASSES(NUM_CLASSES)
  ) u_core (
      .clk(clk), .rst_n(core_rst_n),
      .s_axis_tdata(in_tdata), .s_axis_tvalid(in_tvalid), .s_axis_tready(in_tready), .s_axis_tlast(in_tlast),
      .m_axis_tdata(out_tdata), .m_axis_tvalid(out_tvalid), .m_axis_tready(out_tready), .m_axis_tlast(out_tlast)
  );
endmodule
