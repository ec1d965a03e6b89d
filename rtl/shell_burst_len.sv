// Length of the next AXI3 INCR burst of the shell's DMA masters (shell_dma_read,
// shell_dma_write; 64-bit beats): len = min(MAX_BURST, left_i, beats to the next 4 KB
// boundary), since an AXI burst must not cross 4 KB. 1..MAX_BURST when left_i != 0.
module shell_burst_len #(
    parameter int MAX_BURST = 16  // <= 16 (AXI3)
) (
    input  logic [8:0]  page_word_i,  // bits 11:3 of the next burst address: its word in the 4 KB page
    input  logic [31:0] left_i,       // beats still to request
    output logic [4:0]  len_o
);
  logic [9:0] room;  // beats to the next 4 KB boundary, 1..512

  always_comb begin
    room = 10'd512 - {1'b0, page_word_i};
    len_o = 5'(MAX_BURST);
    if (left_i < 32'(len_o)) len_o = 5'(left_i);
    if (room < 10'(len_o)) len_o = 5'(room);
  end
endmodule
