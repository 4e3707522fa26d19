"""SystemVerilog emission for the hardened pipeline (one module per stage plus a top).

Conventions (docs/harden.md): clk_i, synchronous active-low rst_ni on control state only, valid/ready
streams (a beat moves when valid && ready), registers _q with next state _d, flat packed vectors
(Yosys 0.23 reads no packed multi-dimensional arrays), channel c of a pixel at [c*w +: w].
"""
import numpy as np

import cse as cse_mod
from hwmodel import bits_signed, tables


def clog2(n):
    return max(1, (n - 1).bit_length())


def lit(width, v):
    """A width-bit literal of the integer v (two's complement for negatives)."""
    return f"{width}'h{v & ((1 << width) - 1):x}"


def zext(sig, frm, to):
    return sig if to <= frm else f"{{{{{to - frm}{{1'b0}}}}, {sig}}}"


def slit(width, v):
    return f"$signed({lit(width, v)})"


def flat_const(width, values):
    """Concatenation of width-bit constants, values[0] in the least significant bits."""
    return "{" + ", ".join(lit(width, int(v)) for v in reversed(list(values))) + "}"


def balanced_sum(terms):
    """terms: list of (expr, sign). Returns an expression of sum(sign*expr) as a balanced tree."""
    if not terms:
        return None
    cur = list(terms)
    while len(cur) > 1:
        nxt = []
        for i in range(0, len(cur) - 1, 2):
            (e1, s1), (e2, s2) = cur[i], cur[i + 1]
            if s1 == s2:
                nxt.append((f"({e1} + {e2})", s1))
            elif s1 > 0:
                nxt.append((f"({e1} - {e2})", 1))
            else:
                nxt.append((f"({e2} - {e1})", 1))
        if len(cur) % 2:
            nxt.append(cur[-1])
        cur = nxt
    e, s = cur[0]
    return e if s > 0 else f"(-{e})"


class Emitter:
    def __init__(self):
        self.lines = []

    def __call__(self, s=""):
        self.lines.append(s)

    def text(self):
        return "\n".join(self.lines) + "\n"



def window_taps(o, s, counter, cbits, n_out, taps, size, assign):
    """An always_comb block giving, for each of `taps` window taps, the input index of output position
    `counter` (0..n_out-1, stride s.stride, padding s.pad, input extent `size`) through
    assign(tap, index, inside): position 0 as the defaults, the others in a case on the counter."""
    def line(pos):
        return " ".join(assign(t, pos * s.stride - s.pad + t, 0 <= pos * s.stride - s.pad + t < size)
                        for t in range(taps))
    o("  always_comb begin")
    for t in range(taps):
        o("    " + assign(t, -s.pad + t, 0 <= -s.pad + t < size))
    if n_out > 1:
        o(f"    unique case ({counter})")
        for pos in range(n_out):
            o(f"      {lit(cbits, pos)}: begin " + line(pos) + " end")
        o("      default: ;")
        o("    endcase")
    o("  end")

def _window_control(o, s, mod):
    """Line buffer, input/output counters and the window taps (shared by mvau and pool stages)."""
    fr, ny, nx = tables(s)
    yb, xb, oyb, oxb, sb = clog2(s.H), clog2(s.W), clog2(s.E), clog2(s.F), clog2(s.NB)
    ab = clog2(s.NB * s.W)
    pw = s.C * s.iw
    o("  // ---- input side: line buffer of NB rows x W pixels; rows continue across frames (global row")
    o("  // Y in slot Y mod NB), so the next frame enters while the current one finishes ----")
    o(f"  logic [{yb - 1}:0] in_y_q;     // row of the next input pixel")
    o(f"  logic [{xb - 1}:0] in_x_q;     // column of the next input pixel")
    o(f"  logic [{sb - 1}:0] in_slot_q;  // line-buffer slot of row in_y_q")
    o("  logic [1:0] diff_q;            // input frame - output frame (0..2)")
    o(f"  logic [{sb - 1}:0] base_q;     // slot of row 0 of the output frame")
    o(f"  logic [{oyb - 1}:0] oy_q;      // next output pixel (row, column)")
    o(f"  logic [{oxb - 1}:0] ox_q;")
    o(f"  logic [{pw - 1}:0] lb_q [{s.NB * s.W}];")
    o("  logic in_fire, in_last, win_ok, step, last_step, out_fire, frame_end;")
    o(f"  logic [{yb + 2}:0] row_lim;    // rows (of the output frame, the next frame counting from H) below")
    o("                                 // row_lim may be written: not needed by the current output")
    o(f"  logic [{yb - 1}:0] need_y;")
    o(f"  logic [{xb - 1}:0] need_x;")
    o("")
    o("  // Per output row: first input row still needed (+ NB = first row that may not be written yet) and")
    o("  // the input row whose arrival completes the window (the last output row waits for the whole frame).")
    o("  always_comb begin")
    o(f"    row_lim = {lit(yb + 3, fr[0] + s.NB)};")
    o(f"    need_y = {lit(yb, ny[0])};")
    if s.E > 1:
        o("    unique case (oy_q)")
        for oy in range(s.E):
            o(f"      {lit(oyb, oy)}: begin row_lim = {lit(yb + 3, fr[oy] + s.NB)}; "
              f"need_y = {lit(yb, ny[oy])}; end")
        o("      default: ;")
        o("    endcase")
    o("  end")
    o("")
    o("  always_comb begin")
    o(f"    need_x = {lit(xb, nx[0])};")
    if s.F > 1:
        o("    unique case (ox_q)")
        for ox in range(s.F):
            o(f"      {lit(oxb, ox)}: need_x = {lit(xb, nx[ox])};")
        o("      default: ;")
        o("    endcase")
    o("  end")
    o("")
    o(f"  assign in_ready_o = ((diff_q == 2'd0) && ({{3'b0, in_y_q}} < row_lim)) ||")
    o(f"                      ((diff_q == 2'd1) && ({{3'b0, in_y_q}} + {lit(yb + 3, s.H)} < row_lim));")
    o("  assign in_fire = in_valid_i && in_ready_o;")
    o("  assign win_ok = (diff_q != 2'd0) || (in_y_q > need_y) || ((in_y_q == need_y) && (in_x_q > need_x));")
    o("")
    o("  always_ff @(posedge clk_i) begin")
    o(f"    if (in_fire) lb_q[{zext('in_slot_q', sb, ab)} * {lit(ab, s.W)} + {zext('in_x_q', xb, ab)}] <= in_data_i;")
    o("  end")
    o("")
    # window taps
    o("  // ---- window: tap (r, s) of output (oy_q, ox_q) = input (oy*stride - pad + r, ox*stride - pad + s) ----")
    for r in range(s.R):
        o(f"  logic [{sb - 1}:0] row_rel_{r};  // (input row of window row {r}) mod NB, from the frame's row 0")
        o(f"  logic [{sb}:0] row_sum_{r};")
        o(f"  logic [{sb - 1}:0] row_slot_{r};")
        o(f"  logic [{ab - 1}:0] row_base_{r};  // slot * W of window row {r}")
        o(f"  logic row_ok_{r};")
        o(f"  assign row_sum_{r} = {{1'b0, base_q}} + {{1'b0, row_rel_{r}}};")
        o(f"  logic [{sb - 1}:0] row_dif_{r};  // row_sum - NB (mod 2^{sb}), used when row_sum >= NB")
        o(f"  assign row_dif_{r} = row_sum_{r}[{sb - 1}:0] - {lit(sb, s.NB)};")
        o(f"  assign row_slot_{r} = (row_sum_{r} >= {lit(sb + 1, s.NB)}) ? row_dif_{r} : "
          f"row_sum_{r}[{sb - 1}:0];")
        o(f"  assign row_base_{r} = {zext(f'row_slot_{r}', sb, ab)} * {lit(ab, s.W)};")
    for c in range(s.S):
        o(f"  logic [{ab - 1}:0] col_{c};")
        o(f"  logic col_ok_{c};")
    # window rows (slot in the line buffer) and columns of each output row / column, tap by tap
    window_taps(o, s, "oy_q", oyb, s.E, s.R, s.H, lambda r, iy, ok: (
        f"row_rel_{r} = {lit(sb, iy % s.NB if ok else 0)}; row_ok_{r} = 1'b{int(ok)};"))
    window_taps(o, s, "ox_q", oxb, s.F, s.S, s.W, lambda c, ix, ok: (
        f"col_{c} = {lit(ab, ix if ok else 0)}; col_ok_{c} = 1'b{int(ok)};"))
    o(f"  logic [{s.K * s.iw - 1}:0] win;   // tap k = (r*S + s)*C + c at [k*{s.iw} +: {s.iw}]")
    o(f"  logic [{s.R * s.S - 1}:0] win_pix_ok;  // the pixel of tap (r, s) lies inside the input (else: padding)")
    for r in range(s.R):
        for c in range(s.S):
            t = r * s.S + c
            o(f"  assign win[{(t + 1) * pw - 1}:{t * pw}] = lb_q[row_base_{r} + col_{c}];")
            o(f"  assign win_pix_ok[{t}] = row_ok_{r} & col_ok_{c};")
    o("")
    return yb, xb, oyb, oxb, sb


def _control_ff(o, s):
    yb, xb, oyb, oxb = clog2(s.H), clog2(s.W), clog2(s.E), clog2(s.F)
    sb = clog2(s.NB)
    o("  // ---- control registers ----")
    o(f"  assign frame_end = last_step && (oy_q == {lit(oyb, s.E - 1)}) && (ox_q == {lit(oxb, s.F - 1)});")
    o("  assign out_fire = out_valid_o && out_ready_i;")
    o(f"  assign in_last = in_fire && (in_x_q == {lit(xb, s.W - 1)}) && (in_y_q == {lit(yb, s.H - 1)});")
    hm = s.H % s.NB
    o(f"  logic [{sb}:0] base_sum;")
    o(f"  logic [{sb - 1}:0] next_base;  // (base + H) mod NB: row 0 of the next frame")
    o(f"  assign base_sum = {{1'b0, base_q}} + {lit(sb + 1, hm)};")
    o(f"  logic [{sb - 1}:0] base_dif;")
    o(f"  assign base_dif = base_sum[{sb - 1}:0] - {lit(sb, s.NB)};")
    o(f"  assign next_base = (base_sum >= {lit(sb + 1, s.NB)}) ? base_dif : base_sum[{sb - 1}:0];")
    o("  always_ff @(posedge clk_i) begin")
    o("    if (!rst_ni) begin")
    o("      in_y_q <= '0; in_x_q <= '0; in_slot_q <= '0; diff_q <= 2'd0; base_q <= '0;")
    o("      oy_q <= '0; ox_q <= '0; out_valid_q <= 1'b0;")
    if s.NF > 1:
        o("      nf_q <= '0;")
    if s.SF > 1:
        o("      sf_q <= '0;")
    o("    end else begin")
    o("      if (out_fire) out_valid_q <= 1'b0;")
    o("      if (step && last_step) out_valid_q <= 1'b1;")
    o("      if (in_fire) begin")
    o(f"        if (in_x_q == {lit(xb, s.W - 1)}) begin")
    o("          in_x_q <= '0;")
    o(f"          if (in_y_q == {lit(yb, s.H - 1)}) begin")
    o("            in_y_q <= '0;")
    o("          end else begin")
    o("            in_y_q <= in_y_q + 1'b1;")
    o("          end")
    o(f"          in_slot_q <= (in_slot_q == {lit(sb, s.NB - 1)}) ? '0 : in_slot_q + 1'b1;")
    o("        end else begin")
    o("          in_x_q <= in_x_q + 1'b1;")
    o("        end")
    o("      end")
    o("      if (step) begin")
    if s.SF > 1:
        o(f"        sf_q <= (sf_q == {lit(clog2(s.SF), s.SF - 1)}) ? '0 : sf_q + 1'b1;")
    if s.NF > 1:
        o(f"        if (last_sf) nf_q <= (nf_q == {lit(clog2(s.NF), s.NF - 1)}) ? '0 : nf_q + 1'b1;")
    o("        if (last_step) begin")
    o(f"          if (ox_q == {lit(oxb, s.F - 1)}) begin")
    o("            ox_q <= '0;")
    o(f"            oy_q <= (oy_q == {lit(oyb, s.E - 1)}) ? '0 : oy_q + 1'b1;")
    o("          end else begin")
    o("            ox_q <= ox_q + 1'b1;")
    o("          end")
    o("          if (frame_end) base_q <= next_base;")
    o("        end")
    o("      end")
    o("      diff_q <= diff_q + {1'b0, in_last} - {1'b0, step && frame_end};")
    o("    end")
    o("  end")


def _header(o, s, mod, extra):
    o(f"// {mod}: hardened stage {s.index} '{s.name}' ({s.kind}) -- generated by scripts/harden/harden.py, do not edit.")
    o(f"// Input  [C={s.C}, H={s.H}, W={s.W}] x {s.iw}-bit {'signed' if s.isg else 'unsigned'}, one pixel (all C "
      "channels) per beat, raster order.")
    o(f"// Output [M={s.M}, E={s.E}, F={s.F}] x {s.ow}-bit {'signed' if s.osg else 'unsigned'}, one pixel per beat, "
      "raster order.")
    o(f"// Window R={s.R} S={s.S} stride={s.stride} pad={s.pad}; line buffer NB={s.NB} rows.")
    for e in extra:
        o("// " + e)
    o("// Timing: an input pixel is accepted unless it would overwrite a row the current output still needs")
    o("// (rows continue across frames; at most one frame ahead); an output pixel's steps start once its window")
    o("// is complete; out_valid_o rises the cycle after its last step and a finished pixel waits in out_q")
    o("// (the last step stalls while out_q is full and not leaving). Cycle model: scripts/harden/hwmodel.py.")
    o("`default_nettype none")
    o("")
    o(f"module {mod} (")
    o("  input  logic clk_i,")
    o("  input  logic rst_ni,       // synchronous, active low; control state only")
    o("  input  logic in_valid_i,")
    o("  output logic in_ready_o,")
    o(f"  input  logic [{s.C * s.iw - 1}:0] in_data_i,")
    o("  output logic out_valid_o,")
    o("  input  logic out_ready_i,")
    o(f"  output logic [{s.M * s.ow - 1}:0] out_data_o")
    o(");")
    o("")


def emit_pool(s, mod):
    o = Emitter()
    _header(o, s, mod, [f"Max-pool {s.R}x{s.R}: every channel in one cycle ({'signed' if s.isg else 'unsigned'} compare)."])
    o("  logic out_valid_q;")
    o(f"  logic [{s.M * s.ow - 1}:0] out_q;")
    o("  assign out_valid_o = out_valid_q;")
    o("  assign out_data_o = out_q;")
    _window_control(o, s, mod)
    o("  assign last_step = 1'b1;")
    o("  assign step = win_ok && (!out_valid_q || out_ready_i);")
    o("  // win_pix_ok is all ones (no padding in a max-pool)")
    o("  /* verilator lint_off UNUSEDSIGNAL */")
    o("  logic unused_ok;")
    o("  assign unused_ok = &win_pix_ok;")
    o("  /* verilator lint_on UNUSEDSIGNAL */")
    cmp = "$signed(cand) > $signed(best)" if s.isg else "cand > best"
    o(f"  logic [{s.M * s.ow - 1}:0] pool_y;")
    o(f"  logic [{s.iw - 1}:0] best, cand;")
    o("  always_comb begin")
    o("    pool_y = '0;")
    o("    best = '0;")
    o("    cand = '0;")
    o(f"    for (int c = 0; c < {s.C}; c++) begin")
    o(f"      best = win[c*{s.iw} +: {s.iw}];")
    o(f"      for (int t = 1; t < {s.R * s.S}; t++) begin")
    o(f"        cand = win[(t*{s.C} + c)*{s.iw} +: {s.iw}];")
    o(f"        if ({cmp}) best = cand;")
    o("      end")
    o(f"      pool_y[c*{s.iw} +: {s.iw}] = best;")
    o("    end")
    o("  end")
    o("  always_ff @(posedge clk_i) begin")
    o("    if (step) out_q <= pool_y;")
    o("  end")
    _control_ff(o, s)
    o("")
    o(f"endmodule : {mod}")
    o("`default_nettype wire")
    return o.text(), {}


def _operand_width(s):
    if s.xnor:
        return 2
    return s.iw if s.isg else s.iw + 1


def _is_pm1(s):
    return s.wtype in ("ternary", "binary") and not s.syq


def emit_mvau(s, mod, rom_name, use_cse=True, sync_rom=True):
    o = Emitter()
    aw = _operand_width(s)
    wa = max(s.wa, aw) + 1
    stats = {"nonzero": int(np.count_nonzero(s.w)), "weights": int(s.w.size)}
    tree = s.NF == 1 and s.SF == 1
    extra = [f"MVAU: {s.wtype} weights{' x SYQ' if s.syq else ''}, K={s.K} taps, PE={s.PE} outputs x SIMD={s.SIMD} "
             f"inputs per cycle (NF={s.NF}, SF={s.SF} steps per output pixel).",
             "Datapath: " + ("constant add/sub/shift trees (weights in the logic, zero weights removed)" if tree else
                             f"weight ROM of NF*SF = {s.NF * s.SF} words ({rom_name}), lanes multiply/select"),
             f"Requant '{s.mode}' per channel as constants; accumulator {wa} bits."]
    _header(o, s, mod, extra)
    o("  logic out_valid_q;")
    o(f"  logic [{s.M * s.ow - 1}:0] out_q;")
    o("  assign out_valid_o = out_valid_q;")
    o("  assign out_data_o = out_q;")
    _window_control(o, s, mod)
    # step counters
    if s.SF > 1:
        o(f"  logic [{clog2(s.SF) - 1}:0] sf_q;  // input slice of the current step")
    if s.NF > 1:
        o(f"  logic [{clog2(s.NF) - 1}:0] nf_q;  // output group of the current step")
    o("  logic last_sf, last_nf;")
    o(f"  assign last_sf = {'1' if s.SF == 1 else f'(sf_q == {lit(clog2(s.SF), s.SF - 1)})'};")
    o(f"  assign last_nf = {'1' if s.NF == 1 else f'(nf_q == {lit(clog2(s.NF), s.NF - 1)})'};")
    o("  assign last_step = last_sf && last_nf;")
    o("  assign step = win_ok && (!last_step || !out_valid_q || out_ready_i);")
    o("")
    # operands
    o(f"  // ---- operands: {aw}-bit signed, 0 for padding taps" + (", XNOR: bit 0 -> +1 / -1" if s.xnor else "") + " ----")
    o(f"  logic [{s.K * aw - 1}:0] op;")
    if s.xnor or s.iw == 1:
        o("  /* verilator lint_off UNUSEDSIGNAL */  // an XNOR layer reads only bit 0 of each tap")
    for k in range(s.K):
        pix = k // s.C
        src = f"win[{k * s.iw + s.iw - 1}:{k * s.iw}]" if s.iw > 1 else f"win[{k}]"
        if s.xnor:
            val = f"(win[{k * s.iw}] ? 2'b01 : 2'b11)"
        elif s.isg:
            val = src
        else:
            val = f"{{1'b0, {src}}}"
        o(f"  assign op[{(k + 1) * aw - 1}:{k * aw}] = win_pix_ok[{pix}] ? {val} : {aw}'h0;")
    if s.xnor or s.iw == 1:
        o("  /* verilator lint_on UNUSEDSIGNAL */")
    o("")
    o(f"  logic [{s.PE * wa - 1}:0] psum;  // this step's partial sum of each PE lane")
    if tree:
        _emit_tree(o, s, aw, wa, use_cse, stats)
        rom = None
    else:
        rom = _emit_rom(o, s, aw, wa, rom_name, stats, sync_rom)
    # accumulate and requantise
    o("")
    o("  // ---- accumulate over the SF slices, requantise on the last ----")
    o(f"  logic [{s.PE * wa - 1}:0] acc_sum;")
    if s.SF > 1:
        o(f"  logic [{s.PE * wa - 1}:0] acc_q;")
        o(f"  for (genvar p = 0; p < {s.PE}; p++) begin : gen_acc")
        o(f"    assign acc_sum[p*{wa} +: {wa}] = (sf_q == '0) ? psum[p*{wa} +: {wa}] : "
          f"acc_q[p*{wa} +: {wa}] + psum[p*{wa} +: {wa}];")
        o("  end")
        o("  always_ff @(posedge clk_i) begin")
        o("    if (step) acc_q <= acc_sum;")
        o("  end")
    else:
        o("  assign acc_sum = psum;")
    o(f"  logic [{s.PE * s.ow - 1}:0] y;  // requantised outputs of this group")
    _emit_requant(o, s, wa)
    # output assembly
    o("")
    o("  // ---- output pixel: groups 0..NF-2 wait in res_q, the last group joins them in out_q ----")
    if s.NF > 1:
        o(f"  logic [{(s.NF - 1) * s.PE * s.ow - 1}:0] res_q;")
        o("  always_ff @(posedge clk_i) begin")
        o(f"    for (int n = 0; n < {s.NF - 1}; n++) begin")
        o(f"      if (step && last_sf && ({{{{({32 - clog2(s.NF)}){{1'b0}}}}, nf_q}} == n)) "
          f"res_q[n*{s.PE * s.ow} +: {s.PE * s.ow}] <= y;")
        o("    end")
        o("    if (step && last_step) out_q <= {y, res_q};")
        o("  end")
    else:
        o("  always_ff @(posedge clk_i) begin")
        o("    if (step && last_step) out_q <= y;")
        o("  end")
    _control_ff(o, s)
    o("")
    o(f"endmodule : {mod}")
    o("`default_nettype wire")
    return o.text(), {"rom": rom, "stats": stats}


def csd(n):
    """Canonical signed digits of n > 0: [(shift, +-1)], the fewest shift-add terms."""
    out, i = [], 0
    while n:
        if n & 1:
            d = 2 - (n & 3)
            out.append((i, d))
            n -= d
        n >>= 1
        i += 1
    return out


def _term(k, w, wa, xname, shift_add=False):
    """Expression and sign of w * x_k with a constant w (shift_add: the CSD shift-add terms of |w|)."""
    a = abs(int(w))
    x = f"$signed({xname}[{(k + 1) * wa - 1}:{k * wa}])"
    if a == 1:
        e = x
    elif a & (a - 1) == 0:
        e = f"({x} <<< {a.bit_length() - 1})"
    elif shift_add:
        e = balanced_sum([(x if sh == 0 else f"({x} <<< {sh})", d) for sh, d in csd(a)])
    else:
        e = f"({x} * {slit(wa, a)})"
    return e, (1 if w > 0 else -1)


def _emit_tree(o, s, aw, wa, use_cse, stats):
    o(f"  // ---- constant weights: operands sign-extended to {wa} bits ----")
    o(f"  logic [{s.K * wa - 1}:0] xe;")
    o(f"  for (genvar k = 0; k < {s.K}; k++) begin : gen_xe")
    if wa > aw:
        o(f"    assign xe[k*{wa} +: {wa}] = {{{{{wa - aw}{{op[k*{aw} + {aw - 1}]}}}}, op[k*{aw} +: {aw}]}};")
    else:
        o(f"    assign xe[k*{wa} +: {wa}] = op[k*{aw} +: {aw}];")
    o("  end")
    rows = [{int(k): int(s.w[m, k]) for k in np.nonzero(s.w[m])[0]} for m in range(s.M)]
    stats["adders_plain"] = cse_mod.adders_plain(rows)
    used = set()
    for r in rows:
        used.update(r)
    if _is_pm1(s) and use_cse:
        c = cse_mod.extract(s.K, rows)
        cse_mod.check(c, rows)
        stats["adders_cse"] = c.adders()
        stats["cse_nodes"] = len(c.nodes)
        o(f"  // {len(c.nodes)} shared sub-sums (CSE across the {s.M} outputs): "
          f"{stats['adders_plain']} -> {stats['adders_cse']} adders for {stats['nonzero']} non-zero weights")
        name = {k: f"$signed(xe[{(k + 1) * wa - 1}:{k * wa}])" for k in range(s.K)}
        for j, (a, b, rel) in enumerate(c.nodes):
            o(f"  logic signed [{wa - 1}:0] cse_{j};")
            o(f"  assign cse_{j} = {name[a]} {'+' if rel > 0 else '-'} {name[b]};")
            name[s.K + j] = f"cse_{j}"
        for m in range(s.M):
            e = balanced_sum([(name[t], sg) for t, sg in sorted(c.outputs[m].items())])
            o(f"  assign psum[{(m + 1) * wa - 1}:{m * wa}] = {e if e else f'{wa}' + chr(39) + 'h0'};")
    else:
        stats["adders_cse"] = stats["adders_plain"]
        for m in range(s.M):
            e = balanced_sum([_term(k, w, wa, "xe", s.wtype.startswith("addnet"))
                              for k, w in sorted(rows[m].items())])
            o(f"  assign psum[{(m + 1) * wa - 1}:{m * wa}] = {e if e else f'{wa}' + chr(39) + 'h0'};")
    unused = s.K - len(used)
    if unused:
        o(f"  // {unused} of the {s.K} taps have only zero weights")
    o("  /* verilator lint_off UNUSEDSIGNAL */  // taps whose weights are all zero")
    o("  logic unused_xe;")
    o("  assign unused_xe = ^xe;")
    o("  /* verilator lint_on UNUSEDSIGNAL */")


def _emit_rom(o, s, aw, wa, rom_name, stats, sync_rom=True):
    pm1 = _is_pm1(s)
    log2 = s.wtype == "log2" and not s.syq  # 5-bit code {non-zero, negative, exponent[2:0]}: a shift
    wb = 2 if pm1 else 5 if log2 else bits_signed(int(s.w.min()), int(s.w.max()))

    def code(w):
        if log2:
            return 0 if w == 0 else 16 | (8 if w < 0 else 0) | (abs(w).bit_length() - 1)
        return w & ((1 << wb) - 1)
    steps = s.NF * s.SF
    stb = clog2(steps)
    width = s.PE * s.SIMD * wb
    words = []
    for nf in range(s.NF):
        for sf in range(s.SF):
            blk = s.w[nf * s.PE:(nf + 1) * s.PE, sf * s.SIMD:(sf + 1) * s.SIMD]
            v = 0
            for p in range(s.PE):
                for j in range(s.SIMD):
                    v |= code(int(blk[p, j])) << ((p * s.SIMD + j) * wb)
            words.append(v)
    stats["adders_plain"] = None
    stats["rom_bits"] = width * steps
    o(f"  // ---- weight ROM: word nf*SF + sf holds lane (p, j) = weight[nf*PE + p][sf*SIMD + j] at "
      f"[(p*SIMD + j)*{wb} +: {wb}] ----")
    o("  // codes: " + ("01 = +1, 11 = -1, 00 = 0" if pm1 else "{non-zero, negative, exponent}: +-2^e" if log2
                        else f"the {wb}-bit two's-complement weight"))
    o(f"  logic [{width - 1}:0] rom [{steps}];")
    o(f"  initial $readmemh(\"{rom_name}\", rom);")
    if steps > 1:
        o(f"  logic [{stb - 1}:0] step_idx;")
        nfp = f"{{{{({stb - clog2(s.NF)}){{1'b0}}}}, nf_q}}" if s.NF > 1 else None
        sfp = f"{{{{({stb - clog2(s.SF)}){{1'b0}}}}, sf_q}}" if s.SF > 1 else None
        if s.NF > 1 and s.SF > 1:
            o(f"  assign step_idx = {nfp} * {lit(stb, s.SF)} + {sfp};")
        else:
            o(f"  assign step_idx = {nfp or sfp};")
        o("  logic [%d:0] wword;" % (width - 1))
        if sync_rom:
            # synchronous read (block RAM): the ROM is read with the step index the counters will hold in
            # the next cycle (their next state, reset included), so wword_q holds rom[step_idx] in every
            # cycle: the same word as an asynchronous read, the same cycle behaviour.
            if s.SF > 1:
                sfb = clog2(s.SF)
                o(f"  logic [{sfb - 1}:0] sf_d;  // next state of sf_q")
                o(f"  assign sf_d = !rst_ni ? '0 : !step ? sf_q : last_sf ? '0 : sf_q + {lit(sfb, 1)};")
            if s.NF > 1:
                nfb = clog2(s.NF)
                o(f"  logic [{nfb - 1}:0] nf_d;  // next state of nf_q")
                o(f"  assign nf_d = !rst_ni ? '0 : !(step && last_sf) ? nf_q : last_nf ? '0 : nf_q + {lit(nfb, 1)};")
            nfd = f"{{{{({stb - clog2(s.NF)}){{1'b0}}}}, nf_d}}" if s.NF > 1 else None
            sfd = f"{{{{({stb - clog2(s.SF)}){{1'b0}}}}, sf_d}}" if s.SF > 1 else None
            o(f"  logic [{stb - 1}:0] step_idx_d;")
            if s.NF > 1 and s.SF > 1:
                o(f"  assign step_idx_d = {nfd} * {lit(stb, s.SF)} + {sfd};")
            else:
                o(f"  assign step_idx_d = {nfd or sfd};")
            o("  /* verilator lint_off UNUSEDSIGNAL */  // step_idx: the asynchronous-read address, kept for reading")
            o("  logic unused_step_idx;")
            o("  assign unused_step_idx = ^step_idx;")
            o("  /* verilator lint_on UNUSEDSIGNAL */")
            o("  logic [%d:0] wword_q;" % (width - 1))
            o("  always_ff @(posedge clk_i) wword_q <= rom[step_idx_d];")
            o("  assign wword = wword_q;")
        else:
            o("  assign wword = rom[step_idx];")
    else:
        o("  logic [%d:0] wword;" % (width - 1))
        o("  assign wword = rom[0];")
    if s.SF > 1:
        o(f"  logic [{s.SIMD * aw - 1}:0] xs;  // the SIMD operands of slice sf_q")
        o(f"  assign xs = op[{{{{({32 - clog2(s.SF)}){{1'b0}}}}, sf_q}} * {s.SIMD * aw} +: {s.SIMD * aw}];")
    else:
        o(f"  logic [{s.SIMD * aw - 1}:0] xs;")
        o("  assign xs = op;")
    o("  // lanes with constant indices (generate): lane j of PE p reads operand j of the slice and weight (p, j)")
    o(f"  for (genvar p = 0; p < {s.PE}; p++) begin : gen_pe")
    o(f"    logic [{s.SIMD * wa - 1}:0] prod;  // the SIMD lane products of PE p")
    o(f"    for (genvar j = 0; j < {s.SIMD}; j++) begin : gen_lane")
    o(f"      logic signed [{wa - 1}:0] x;")
    o(f"      logic [{wb - 1}:0] w;")
    if wa > aw:
        o(f"      assign x = {{{{{wa - aw}{{xs[j*{aw} + {aw - 1}]}}}}, xs[j*{aw} +: {aw}]}};")
    else:
        o(f"      assign x = xs[j*{aw} +: {aw}];")
    o(f"      assign w = wword[(p*{s.SIMD} + j)*{wb} +: {wb}];")
    if pm1:
        o(f"      assign prod[j*{wa} +: {wa}] = (w == 2'b01) ? x : (w == 2'b11) ? -x : {wa}'h0;")
    elif log2:
        o(f"      logic signed [{wa - 1}:0] xsh;")
        o("      assign xsh = x <<< w[2:0];")
        o(f"      assign prod[j*{wa} +: {wa}] = !w[4] ? {wa}'h0 : w[3] ? -xsh : xsh;")
    else:
        o(f"      logic signed [{wa - 1}:0] wx;")
        if wa > wb:
            o(f"      assign wx = {{{{{wa - wb}{{w[{wb - 1}]}}}}, w}};")
        else:
            o("      assign wx = w;")
        o(f"      assign prod[j*{wa} +: {wa}] = x * wx;")
    o("    end")
    terms = [(f"$signed(prod[{(j + 1) * wa - 1}:{j * wa}])", 1) for j in range(s.SIMD)]
    o(f"    assign psum[p*{wa} +: {wa}] = {balanced_sum(terms)};")
    o("  end")
    hexd = (width + 3) // 4
    return "\n".join(f"{w:0{hexd}x}" for w in words) + "\n"


def _emit_requant(o, s, wa):
    M, PE = s.M, s.PE
    nfb = clog2(s.NF)

    def sel(table, width, p):
        """The per-channel constant of lane p for the current group."""
        if s.NF == 1:
            return f"{table}[{(p + 1) * width - 1}:{p * width}]"
        return f"{table}[({{{{({32 - nfb}){{1'b0}}}}, nf_q}} * {PE} + {p}) * {width} +: {width}]"

    if s.mode == "linear":
        bias, mult, shift = [int(v) for v in s.bias], [int(v) for v in s.mult], [int(v) for v in s.shift]
        pmax = 0
        for m in range(M):
            vmax = s.accmax + abs(bias[m])
            pmax = max(pmax, vmax * mult[m] + (1 << max(0, shift[m] - 1)))
        wr = max(bits_signed(-pmax, pmax), wa + 1, 18)
        lo = -(1 << (s.ow - 1)) if s.osg else 0
        hi = (1 << (s.ow - 1)) - 1 if s.osg else (1 << s.ow) - 1
        rnd = [(1 << (sh - 1)) if sh > 0 else 0 for sh in shift]
        o(f"  // linear: y = clamp((acc + bias) * mult + round >>> shift, {lo}, {hi}); {wr}-bit arithmetic")
        o(f"  localparam logic [{M * wr - 1}:0] RqBias = {flat_const(wr, bias)};")
        o(f"  localparam logic [{M * wr - 1}:0] RqMult = {flat_const(wr, mult)};")
        o(f"  localparam logic [{M * wr - 1}:0] RqRound = {flat_const(wr, rnd)};")
        o(f"  localparam logic [{M * 6 - 1}:0] RqShift = {flat_const(6, shift)};")
        for p in range(PE):
            o(f"  logic signed [{wr - 1}:0] rq_v_{p}, rq_p_{p}, rq_q_{p};")
            o(f"  assign rq_v_{p} = $signed({{{{{wr - wa}{{acc_sum[{p * wa + wa - 1}]}}}}, "
              f"acc_sum[{(p + 1) * wa - 1}:{p * wa}]}}) + $signed({sel('RqBias', wr, p)});")
            o(f"  assign rq_p_{p} = rq_v_{p} * $signed({sel('RqMult', wr, p)}) + $signed({sel('RqRound', wr, p)});")
            o(f"  assign rq_q_{p} = rq_p_{p} >>> {sel('RqShift', 6, p)};")
            o(f"  assign y[{(p + 1) * s.ow - 1}:{p * s.ow}] = (rq_q_{p} < {slit(wr, lo)}) ? {lit(s.ow, lo)} : "
              f"(rq_q_{p} > {slit(wr, hi)}) ? {lit(s.ow, hi)} : rq_q_{p}[{s.ow - 1}:0];")
    elif s.mode == "threshold":
        nt = (1 << s.ow) - 1
        th = [int(v) for v in np.asarray(s.th).reshape(-1)]
        wt = max(wa, bits_signed(min(th + [0]), max(th + [0])))
        o(f"  // threshold: y = #{{i : acc >= t[m][i]}}, {nt} ascending thresholds per channel")
        o(f"  localparam logic [{M * nt * wt - 1}:0] RqThr = {flat_const(wt, th)};")
        for p in range(PE):
            o(f"  logic signed [{wt - 1}:0] rq_a_{p};")
            o(f"  assign rq_a_{p} = $signed({{{{{wt - wa}{{acc_sum[{p * wa + wa - 1}]}}}}, "
              f"acc_sum[{(p + 1) * wa - 1}:{p * wa}]}});" if wt > wa else
              f"  assign rq_a_{p} = $signed(acc_sum[{(p + 1) * wa - 1}:{p * wa}]);")
            cmps = []
            for i in range(nt):
                if s.NF == 1:
                    t = f"RqThr[{((p * nt) + i + 1) * wt - 1}:{(p * nt + i) * wt}]"
                else:
                    t = f"RqThr[(({{{{({32 - nfb}){{1'b0}}}}, nf_q}} * {PE} + {p}) * {nt} + {i}) * {wt} +: {wt}]"
                cmps.append(f"{{{s.ow - 1}'h0, (rq_a_{p} >= $signed({t}))}}" if s.ow > 1 else
                            f"(rq_a_{p} >= $signed({t}))")
            o(f"  assign y[{(p + 1) * s.ow - 1}:{p * s.ow}] = " + " + ".join(cmps) + ";")
    else:  # raw
        bias = [int(v) for v in s.bias]
        wv = max(wa, 32) + 2
        o(f"  // raw: y = acc + bias saturated to int32; {wv}-bit arithmetic")
        o(f"  localparam logic [{M * wv - 1}:0] RqBias = {flat_const(wv, bias)};")
        for p in range(PE):
            o(f"  logic signed [{wv - 1}:0] rq_v_{p};")
            o(f"  assign rq_v_{p} = $signed({{{{{wv - wa}{{acc_sum[{p * wa + wa - 1}]}}}}, "
              f"acc_sum[{(p + 1) * wa - 1}:{p * wa}]}}) + $signed({sel('RqBias', wv, p)});")
            o(f"  assign y[{(p + 1) * 32 - 1}:{p * 32}] = (rq_v_{p} < {slit(wv, -(1 << 31))}) ? 32'h80000000 : "
              f"(rq_v_{p} > {slit(wv, (1 << 31) - 1)}) ? 32'h7fffffff : rq_v_{p}[31:0];")


def emit_top(stages, top, mods):
    o = Emitter()
    s0, sl = stages[0], stages[-1]
    o(f"// {top}: hardened streaming pipeline, {len(stages)} stages -- generated by scripts/harden/harden.py.")
    o(f"// Input: one pixel of the [{s0.C}, {s0.H}, {s0.W}] image per beat ({s0.C} x 8-bit unsigned), raster order.")
    o(f"// Output: one pixel of the [{sl.M}, {sl.E}, {sl.F}] result per beat ({sl.M} x {sl.ow}-bit).")
    o("// tap_fire_o[i] / tap<i>_data_o: stage i's output stream (a beat moves when tap_fire_o[i]); for tests.")
    o("`default_nettype none")
    o("")
    o(f"module {top} (")
    o("  input  logic clk_i,")
    o("  input  logic rst_ni,")
    o("  input  logic in_valid_i,")
    o("  output logic in_ready_o,")
    o(f"  input  logic [{s0.C * 8 - 1}:0] in_data_i,")
    o("  output logic out_valid_o,")
    o("  input  logic out_ready_i,")
    o(f"  output logic [{sl.M * sl.ow - 1}:0] out_data_o,")
    o(f"  output logic [{len(stages) - 1}:0] tap_fire_o,")
    for i, s in enumerate(stages):
        o(f"  output logic [{s.M * s.ow - 1}:0] tap{i}_data_o" + ("," if i < len(stages) - 1 else ""))
    o(");")
    n = len(stages)
    for i, s in enumerate(stages):
        o(f"  logic s{i}_valid, s{i}_ready;")
        o(f"  logic [{s.M * s.ow - 1}:0] s{i}_data;")
    for i, (s, mname) in enumerate(zip(stages, mods)):
        prev_v = "in_valid_i" if i == 0 else f"s{i - 1}_valid"
        prev_d = "in_data_i" if i == 0 else f"s{i - 1}_data"
        rdy = "in_ready_o" if i == 0 else f"s{i - 1}_ready"
        o(f"  {mname} i_s{i} (")
        o("    .clk_i      (clk_i),")
        o("    .rst_ni     (rst_ni),")
        o(f"    .in_valid_i ({prev_v}),")
        o(f"    .in_ready_o ({rdy}),")
        o(f"    .in_data_i  ({prev_d}),")
        o(f"    .out_valid_o(s{i}_valid),")
        o(f"    .out_ready_i(s{i}_ready),")
        o(f"    .out_data_o (s{i}_data)")
        o("  );")
        o(f"  assign tap_fire_o[{i}] = s{i}_valid && s{i}_ready;")
        o(f"  assign tap{i}_data_o = s{i}_data;")
    o(f"  assign s{n - 1}_ready = out_ready_i;")
    o(f"  assign out_valid_o = s{n - 1}_valid;")
    o(f"  assign out_data_o = s{n - 1}_data;")
    o("")
    o(f"endmodule : {top}")
    o("`default_nettype wire")
    return o.text()
