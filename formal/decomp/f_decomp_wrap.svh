// Body shared by the decompressor harnesses (included inside the wrapper module): the DUT's outputs,
// the probe wires (driven by formal/prove from the `// probe:` lines of the harness) and the port
// connections of the DUT and of f_decomp_props.
  logic                   word_ready_o, valid_o, last_o, empty_o, busy_o, err_o;
  logic [MaxCodeBits-1:0] code_o;
  logic [IdxBits-1:0]     index_o;
  logic [2:0]             err_code_o;
  (* keep *) logic [IdxBits:0] f_probe_len;
  (* keep *) logic [2:0]       f_probe_wt;

`define F_DECOMP_PORTS \
    .clk_i, .rst_ni, .start_i, .row_len_i, .code_bits_i, .wtype_i, .word_valid_i, .word_ready_o, \
    .word_i, .word_last_i, .valid_o, .ready_i, .code_o, .index_o, .last_o, .empty_o, .busy_o, \
    .err_o, .err_code_o, .clear_i
`define F_DECOMP_PROPS_PORTS \
    .clk_i, .rst_ni, .start_i, .row_len_i, .code_bits_i, .wtype_i, .word_valid_i, .word_ready_o, \
    .word_last_i, .valid_o, .ready_i, .code_o, .index_o, .last_o, .empty_o, .busy_o, \
    .err_o, .err_code_o, .clear_i, .f_probe_len_i(f_probe_len), .f_probe_wt_i(f_probe_wt)
