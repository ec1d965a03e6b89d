// 64-bit DDR words -> ELEMS 8-bit pixel elements per beat for the core (element 0 in the
// low byte), with tlast on each image's last beat. An image occupies IMAGE_BYTES = PIXELS
// rounded up to a multiple of 8 bytes in DDR, so every image starts a new word; the
// padding bytes of its last word are dropped. Element 0 of a word is its least significant
// byte (little-endian DDR order). ELEMS divides 8 and PIXELS (hw/folding.hpp
// input_elems_choices), so beats never straddle words or images. Because tlast comes from
// this counter, the core always receives whole images.
module shell_pixel_unpack #(
    parameter int PIXELS = 784,
    parameter int ELEMS = 1
) (
    input  logic                 clk,
    input  logic                 rst_n,
    // The AXI-Stream port set of every rtl/ module (docs/rtl/interfaces.md), spelled out
    // per module: the SystemVerilog subset we keep to (Yosys 0.23) has no interfaces.
    input  logic [63:0]          s_axis_tdata,
    input  logic                 s_axis_tvalid,
    output logic                 s_axis_tready,
    output logic [8*ELEMS-1:0]   m_axis_tdata,
    output logic                 m_axis_tvalid,
    input  logic                 m_axis_tready,
    output logic                 m_axis_tlast
);
  localparam int PW = $clog2(PIXELS + 1);
  localparam int BEATS = 8 / ELEMS;  // beats per word
  localparam int BW = BEATS > 1 ? $clog2(BEATS) : 1;

  logic [63:0] buf_q;
  logic [BW-1:0] beat_q;   // beat of buf_q now at the output
  logic [PW-1:0] pix_q;    // index of the beat's first element within the image
  logic have_q;
  logic fire, last_piece;

  assign m_axis_tdata = buf_q[8*ELEMS-1:0];
  assign m_axis_tvalid = have_q;
  assign m_axis_tlast = pix_q == PW'(PIXELS - ELEMS);
  assign fire = m_axis_tvalid && m_axis_tready;
  assign last_piece = beat_q == BW'(BEATS - 1) || m_axis_tlast;
  assign s_axis_tready = !have_q || (fire && last_piece);

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      have_q <= 1'b0;
      beat_q <= '0;
      pix_q <= '0;
    end else begin
      if (fire) pix_q <= m_axis_tlast ? '0 : pix_q + PW'(ELEMS);
      if (s_axis_tvalid && s_axis_tready) begin
        have_q <= 1'b1;
        beat_q <= '0;
      end else if (fire) begin
        if (last_piece) have_q <= 1'b0;
        beat_q <= beat_q + 1'b1;
      end
    end
  end

  generate
    if (ELEMS == 8) begin : g_word
      always_ff @(posedge clk) begin
        if (s_axis_tvalid && s_axis_tready) buf_q <= s_axis_tdata;
      end
    end else begin : g_shift
      always_ff @(posedge clk) begin
        if (s_axis_tvalid && s_axis_tready) buf_q <= s_axis_tdata;
        else if (fire) buf_q <= {(8 * ELEMS)'(0), buf_q[63:8*ELEMS]};
      end
    end
  endgenerate
endmodule
