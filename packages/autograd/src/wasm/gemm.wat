;; General matrix multiply C = op(A) op(B) with WebAssembly SIMD (v128; no relaxed SIMD, no FMA).
;; Compiled to gemm-binary.ts by packages/autograd/scripts/build-wasm.ts (`pnpm build:wasm`).
;;
;; GotoBLAS/BLIS structure: for each NC-wide block of columns and KC-deep slice of k, a block of
;; op(B) is packed into NR-column micro-panels; for each MC-high block of rows, a block of op(A)
;; into MR-row micro-panels; then a register-tiled micro-kernel multiplies one A micro-panel by
;; one B micro-panel (MR×NR outputs, kc rank-1 updates). Packing absorbs the transpositions (any
;; strides), so one micro-kernel serves NN, NT, TN and TT, and it zero-pads partial panels, so
;; the micro-kernel only ever sees full tiles; a partial tile goes through a scratch tile.
;;
;; Sums are in the element type (f32 for float32, like BLAS sgemm; f64 for float64). Each output
;; element is the sum over KC-slices in order of (sum over the slice in order), whatever the
;; blocking of m and n, so splitting m or n between threads gives bit-identical results.
;;
;; Tile sizes come from V8's code for x64 (Node 20, measured on Zen 4): TurboFan schedules all
;; the loads of a loop body ahead of its arithmetic and has 15 SIMD registers, so a tile runs
;; without spills only if accumulators + loaded vectors + 1 temporary <= 15. f32: 4×8 (8
;; accumulators, 2 B vectors, 4 A broadcasts); 6×8, 4×12, 3×16 spill and run at ~60%, and so
;; does unrolling k. f64: 4×4 likewise, with A packed already broadcast ([a a] per element):
;; plain loads ran 20% faster than v128.load64_splat (vmovddup). The f32 micro-kernel peaks
;; at ~46 GFLOP/s at 3.6 GHz, 80% of the 58 GFLOP/s that independent mulps + addps reach there,
;; issuing ~5.4 instructions/cycle: it is bound by instruction count, not by the FP units. The
;; grouping of loads holds only in the first copy of a loop V8 unrolls (it unrolls call-free
;; small loops 2×); a loop it does not unroll, if tested at the top, is scheduled load-by-load,
;; and so runs 5×8 without spills (7 loads + 20 FP ops per k step): with A pre-broadcast that
;; gained only 1-3% on large products and lost up to 19% on W2's (packing 4× the A bytes).
;;
;; All state is in parameters and linear memory (no globals), so the same code can run on a
;; shared memory from several threads, each with its own `work` area. The memory is imported;
;; build-wasm.ts also emits a variant whose import is `shared` (same maximum). Addresses must be
;; below 2^31 (the memory is at most 32768 pages): the micro-kernels mask their pointers with
;; 0x7fffffff, which tells V8 they are zero-extended and saves a register move per load.
(module
  (import "env" "memory" (memory 1 32768))

  ;; ---------------------------------------------------------------------------------------
  ;; f32 micro-kernel over `tiles` tiles stacked down C: each C[4×8] (row stride ldc bytes)
  ;; = (add ? C : 0) + Apᵀ·Bp, with Ap the tile's A micro-panel (4 floats per k step; the
  ;; panels of consecutive tiles are contiguous) and Bp one B micro-panel (8 floats per step).
  ;; kc >= 1, tiles >= 1. Looping over tiles here, not in $gemm, matters when kc is small.
  (func $s_kern (param $kc i32) (param $ap i32) (param $bp i32) (param $cp i32) (param $ldc i32) (param $add i32) (param $tiles i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128) (local $k i32) (local $p i32)
    (local.set $ap (i32.and (local.get $ap) (i32.const 0x7fffffff)))
    (local.set $bp (i32.and (local.get $bp) (i32.const 0x7fffffff)))
    (loop $tile
      (local.set $k (local.get $kc))
      (local.set $p (local.get $bp))
      (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
      (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
      (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
      (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
      (loop $k
        (local.set $b0 (v128.load (local.get $p)))
        (local.set $b1 (v128.load offset=16 (local.get $p)))
        (local.set $a (v128.load32_splat (local.get $ap)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=4 (local.get $ap)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=8 (local.get $ap)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=12 (local.get $ap)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br_if $k (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
      (if (local.get $add) (then
        (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c00)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c01)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c10)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c11)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c20)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c21)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $c30)))
        (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $c31)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc))))
      (else
        (v128.store (local.get $cp) (local.get $c00))
        (v128.store offset=16 (local.get $cp) (local.get $c01))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (local.get $c10))
        (v128.store offset=16 (local.get $cp) (local.get $c11))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (local.get $c20))
        (v128.store offset=16 (local.get $cp) (local.get $c21))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (local.get $c30))
        (v128.store offset=16 (local.get $cp) (local.get $c31))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))))
      ;; ap is now at the next tile's A micro-panel, cp at its first row.
      (br_if $tile (local.tee $tiles (i32.sub (local.get $tiles) (i32.const 1))))))

  ;; ---------------------------------------------------------------------------------------
  ;; f64 micro-kernel, as $s_kern with C[4×4] tiles: Ap holds per k step the 4 values each
  ;; duplicated ([a0 a0 a1 a1 a2 a2 a3 a3], 64 bytes), Bp 4 doubles per step.
  (func $d_kern (param $kc i32) (param $ap i32) (param $bp i32) (param $cp i32) (param $ldc i32) (param $add i32) (param $tiles i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128) (local $k i32) (local $p i32)
    (local.set $ap (i32.and (local.get $ap) (i32.const 0x7fffffff)))
    (local.set $bp (i32.and (local.get $bp) (i32.const 0x7fffffff)))
    (loop $tile
      (local.set $k (local.get $kc))
      (local.set $p (local.get $bp))
      (local.set $c00 (v128.const i64x2 0 0)) (local.set $c01 (v128.const i64x2 0 0))
      (local.set $c10 (v128.const i64x2 0 0)) (local.set $c11 (v128.const i64x2 0 0))
      (local.set $c20 (v128.const i64x2 0 0)) (local.set $c21 (v128.const i64x2 0 0))
      (local.set $c30 (v128.const i64x2 0 0)) (local.set $c31 (v128.const i64x2 0 0))
      (loop $k
        (local.set $b0 (v128.load (local.get $p)))
        (local.set $b1 (v128.load offset=16 (local.get $p)))
        (local.set $a (v128.load (local.get $ap)))
        (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load offset=16 (local.get $ap)))
        (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load offset=32 (local.get $ap)))
        (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load offset=48 (local.get $ap)))
        (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a) (local.get $b0))))
        (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a) (local.get $b1))))
        (local.set $ap (i32.add (local.get $ap) (i32.const 64)))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br_if $k (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
      (if (local.get $add) (then
        (v128.store (local.get $cp) (f64x2.add (v128.load (local.get $cp)) (local.get $c00)))
        (v128.store offset=16 (local.get $cp) (f64x2.add (v128.load offset=16 (local.get $cp)) (local.get $c01)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (f64x2.add (v128.load (local.get $cp)) (local.get $c10)))
        (v128.store offset=16 (local.get $cp) (f64x2.add (v128.load offset=16 (local.get $cp)) (local.get $c11)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (f64x2.add (v128.load (local.get $cp)) (local.get $c20)))
        (v128.store offset=16 (local.get $cp) (f64x2.add (v128.load offset=16 (local.get $cp)) (local.get $c21)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (f64x2.add (v128.load (local.get $cp)) (local.get $c30)))
        (v128.store offset=16 (local.get $cp) (f64x2.add (v128.load offset=16 (local.get $cp)) (local.get $c31)))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc))))
      (else
        (v128.store (local.get $cp) (local.get $c00))
        (v128.store offset=16 (local.get $cp) (local.get $c01))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (local.get $c10))
        (v128.store offset=16 (local.get $cp) (local.get $c11))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (local.get $c20))
        (v128.store offset=16 (local.get $cp) (local.get $c21))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))
        (v128.store (local.get $cp) (local.get $c30))
        (v128.store offset=16 (local.get $cp) (local.get $c31))
        (local.set $cp (i32.add (local.get $cp) (local.get $ldc)))))
      ;; ap is now at the next tile's A micro-panel, cp at its first row.
      (br_if $tile (local.tee $tiles (i32.sub (local.get $tiles) (i32.const 1))))))

  ;; ---------------------------------------------------------------------------------------
  ;; The 2-row remainder of a block (m = 10 and 30 in the MLP benchmarks): C[2×NR] = (add ? C : 0)
  ;; + the product of rows 0 and 1 of a 4-row A micro-panel with one B micro-panel, straight into
  ;; C; the general path computes a whole padded tile into the scratch tile and copies 2 rows out.
  (func $s_kern2 (param $kc i32) (param $ap i32) (param $bp i32) (param $cp i32) (param $ldc i32) (param $add i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $b0 v128) (local $b1 v128) (local $a v128)
    (local.set $ap (i32.and (local.get $ap) (i32.const 0x7fffffff)))
    (local.set $bp (i32.and (local.get $bp) (i32.const 0x7fffffff)))
    (loop $k
      (local.set $b0 (v128.load (local.get $bp)))
      (local.set $b1 (v128.load offset=16 (local.get $bp)))
      (local.set $a (v128.load32_splat (local.get $ap)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=4 (local.get $ap)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
      (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (if (local.get $add) (then
      (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $cp))))
      (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $cp))))
      (local.set $c10 (f32x4.add (local.get $c10) (v128.load (i32.add (local.get $cp) (local.get $ldc)))))
      (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (i32.add (local.get $cp) (local.get $ldc)))))))
    (v128.store (local.get $cp) (local.get $c00))
    (v128.store offset=16 (local.get $cp) (local.get $c01))
    (v128.store (i32.add (local.get $cp) (local.get $ldc)) (local.get $c10))
    (v128.store offset=16 (i32.add (local.get $cp) (local.get $ldc)) (local.get $c11)))

  ;; f64 version of $s_kern2: C[2×4] from rows 0 and 1 of a 4-row A micro-panel (see d_kern).
  (func $d_kern2 (param $kc i32) (param $ap i32) (param $bp i32) (param $cp i32) (param $ldc i32) (param $add i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $b0 v128) (local $b1 v128) (local $a v128)
    (local.set $ap (i32.and (local.get $ap) (i32.const 0x7fffffff)))
    (local.set $bp (i32.and (local.get $bp) (i32.const 0x7fffffff)))
    (loop $k
      (local.set $b0 (v128.load (local.get $bp)))
      (local.set $b1 (v128.load offset=16 (local.get $bp)))
      (local.set $a (v128.load (local.get $ap)))
      (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a) (local.get $b0))))
      (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load offset=16 (local.get $ap)))
      (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a) (local.get $b0))))
      (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a) (local.get $b1))))
      (local.set $ap (i32.add (local.get $ap) (i32.const 64)))
      (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    (if (local.get $add) (then
      (local.set $c00 (f64x2.add (local.get $c00) (v128.load (local.get $cp))))
      (local.set $c01 (f64x2.add (local.get $c01) (v128.load offset=16 (local.get $cp))))
      (local.set $c10 (f64x2.add (local.get $c10) (v128.load (i32.add (local.get $cp) (local.get $ldc)))))
      (local.set $c11 (f64x2.add (local.get $c11) (v128.load offset=16 (i32.add (local.get $cp) (local.get $ldc)))))))
    (v128.store (local.get $cp) (local.get $c00))
    (v128.store offset=16 (local.get $cp) (local.get $c01))
    (v128.store (i32.add (local.get $cp) (local.get $ldc)) (local.get $c10))
    (v128.store offset=16 (i32.add (local.get $cp) (local.get $ldc)) (local.get $c11)))

  ;; ---------------------------------------------------------------------------------------
  ;; Packing. A panel is `w` lines (rows of op(A) or columns of op(B)) by kc steps of k, stored
  ;; step-major: dst[p][r] = src[r*rs + p*ps] (byte strides rs along the lines, ps along k) for
  ;; r < valid, and 0 for valid <= r < w.

  ;; f32 panel, w = 4 or 8.
  (func $s_pack (param $dst i32) (param $src i32) (param $valid i32) (param $kc i32) (param $rs i32) (param $ps i32) (param $w i32)
    (local $p i32) (local $r i32) (local $g i32) (local $q i32) (local $out i32) (local $stride i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $stride (i32.shl (local.get $w) (i32.const 2)))
    (if (i32.eq (local.get $valid) (local.get $w)) (then
      ;; Lines contiguous in memory (op(A) = Aᵀ, op(B) = B): copy w floats per step.
      (if (i32.eq (local.get $rs) (i32.const 4)) (then
        (loop $copy
          (v128.store (local.get $dst) (v128.load (local.get $src)))
          (if (i32.eq (local.get $w) (i32.const 8)) (then
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))))
          (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
          (local.set $src (i32.add (local.get $src) (local.get $ps)))
          (br_if $copy (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
        (return)))
      ;; k contiguous (op(A) = A, op(B) = Bᵀ): 4 steps of 4 lines at a time, as a 4×4 transpose
      ;; (unpack pairs of lines, then pairs of pairs).
      (if (i32.eq (local.get $ps) (i32.const 4)) (then
        (block $tdone (loop $transpose
          (br_if $tdone (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
          (local.set $g (i32.const 0))
          (loop $group
            (local.set $q (i32.add (local.get $src) (i32.add (i32.shl (local.get $p) (i32.const 2)) (i32.mul (local.get $g) (local.get $rs)))))
            (local.set $x0 (v128.load (local.get $q)))
            (local.set $x1 (v128.load (local.tee $q (i32.add (local.get $q) (local.get $rs)))))
            (local.set $x2 (v128.load (local.tee $q (i32.add (local.get $q) (local.get $rs)))))
            (local.set $x3 (v128.load (i32.add (local.get $q) (local.get $rs))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
            (local.set $out (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $p) (local.get $w)) (local.get $g)) (i32.const 2))))
            (v128.store (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store (local.tee $out (i32.add (local.get $out) (local.get $stride)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store (local.tee $out (i32.add (local.get $out) (local.get $stride)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store (i32.add (local.get $out) (local.get $stride))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (br_if $group (i32.lt_u (local.tee $g (i32.add (local.get $g) (i32.const 4))) (local.get $w))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $transpose)))))))
    ;; Everything else, and the last kc % 4 steps of the transposing case: one float at a time.
    (block $done (loop $scalar
      (br_if $done (i32.ge_u (local.get $p) (local.get $kc)))
      (local.set $out (i32.add (local.get $dst) (i32.mul (local.get $p) (local.get $stride))))
      (local.set $q (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $ps))))
      (local.set $r (i32.const 0))
      (loop $line
        (f32.store (local.get $out)
          (if (result f32) (i32.lt_u (local.get $r) (local.get $valid))
            (then (f32.load (local.get $q))) (else (f32.const 0))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $q (i32.add (local.get $q) (local.get $rs)))
        (br_if $line (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $w))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $scalar))))
  
  ;; f64 B panel, w = 4.
  (func $d_packB (param $dst i32) (param $src i32) (param $valid i32) (param $kc i32) (param $rs i32) (param $ps i32)
    (local $p i32) (local $r i32) (local $q i32) (local $x v128) (local $y v128) (local $row i32)
    (if (i32.eq (local.get $valid) (i32.const 4)) (then
      ;; Columns contiguous (op(B) = B): copy 4 doubles per step.
      (if (i32.eq (local.get $rs) (i32.const 8)) (then
        (loop $copy
          (v128.store (local.get $dst) (v128.load (local.get $src)))
          (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
          (local.set $src (i32.add (local.get $src) (local.get $ps)))
          (br_if $copy (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
        (return)))
      ;; k contiguous (op(B) = Bᵀ): 2×2 transposes, 2 steps at a time.
      (if (i32.eq (local.get $ps) (i32.const 8)) (then
        (block $tdone (loop $transpose
          (br_if $tdone (i32.gt_u (i32.add (local.get $p) (i32.const 2)) (local.get $kc)))
          (local.set $row (i32.add (local.get $src) (i32.shl (local.get $p) (i32.const 3))))
          (local.set $q (i32.add (local.get $dst) (i32.shl (local.get $p) (i32.const 5))))
          (local.set $x (v128.load (local.get $row)))
          (local.set $y (v128.load (i32.add (local.get $row) (local.get $rs))))
          (v128.store (local.get $q) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y)))
          (v128.store offset=32 (local.get $q) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y)))
          (local.set $row (i32.add (local.get $row) (i32.shl (local.get $rs) (i32.const 1))))
          (local.set $x (v128.load (local.get $row)))
          (local.set $y (v128.load (i32.add (local.get $row) (local.get $rs))))
          (v128.store offset=16 (local.get $q) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $y)))
          (v128.store offset=48 (local.get $q) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $y)))
          (local.set $p (i32.add (local.get $p) (i32.const 2)))
          (br $transpose)))))))
    (block $done (loop $scalar
      (br_if $done (i32.ge_u (local.get $p) (local.get $kc)))
      (local.set $row (i32.add (local.get $dst) (i32.shl (local.get $p) (i32.const 5))))
      (local.set $q (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $ps))))
      (local.set $r (i32.const 0))
      (loop $line
        (f64.store (local.get $row)
          (if (result f64) (i32.lt_u (local.get $r) (local.get $valid))
            (then (f64.load (local.get $q))) (else (f64.const 0))))
        (local.set $row (i32.add (local.get $row) (i32.const 8)))
        (local.set $q (i32.add (local.get $q) (local.get $rs)))
        (br_if $line (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $scalar))))

  ;; f64 A panel, 4 rows, each value duplicated into both lanes (see d_kern).
  (func $d_packA (param $dst i32) (param $src i32) (param $valid i32) (param $kc i32) (param $rs i32) (param $ps i32)
    (local $r i32) (local $q i32)
    (loop $step
      (local.set $q (local.get $src))
      (local.set $r (i32.const 0))
      (loop $line
        (v128.store (local.get $dst)
          (if (result v128) (i32.lt_u (local.get $r) (local.get $valid))
            (then (v128.load64_splat (local.get $q))) (else (v128.const i64x2 0 0))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (local.get $rs)))
        (br_if $line (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 4))))
      (local.set $src (i32.add (local.get $src) (local.get $ps)))
      (br_if $step (local.tee $kc (i32.sub (local.get $kc) (i32.const 1))))))

  ;; ---------------------------------------------------------------------------------------
  ;; The valid mr×nr corner of a scratch tile (row stride ts bytes) into C (row stride ldc bytes),
  ;; added to C when `add`; e = element bytes.
  (func $edge (param $e i32) (param $tile i32) (param $ts i32) (param $cp i32) (param $ldc i32) (param $mr i32) (param $nr i32) (param $add i32)
    (local $i i32) (local $j i32) (local $t i32) (local $c i32)
    (loop $row
      (local.set $t (i32.add (local.get $tile) (i32.mul (local.get $i) (local.get $ts))))
      (local.set $c (i32.add (local.get $cp) (i32.mul (local.get $i) (local.get $ldc))))
      (local.set $j (i32.const 0))
      (loop $col
        (if (i32.eq (local.get $e) (i32.const 4))
          (then (f32.store (local.get $c) (f32.add (f32.load (local.get $t))
                  (if (result f32) (local.get $add) (then (f32.load (local.get $c))) (else (f32.const 0))))))
          (else (f64.store (local.get $c) (f64.add (f64.load (local.get $t))
                  (if (result f64) (local.get $add) (then (f64.load (local.get $c))) (else (f64.const 0)))))))
        (local.set $t (i32.add (local.get $t) (local.get $e)))
        (local.set $c (i32.add (local.get $c) (local.get $e)))
        (br_if $col (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $nr))))
      (br_if $row (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $mr)))))

  ;; ---------------------------------------------------------------------------------------
  ;; The blocked loops, shared by both element types ($f64: 0 or 1). Pointers and strides:
  ;; op(A)[i][p] = A[ta ? p*lda + i : i*lda + p], op(B)[p][j] = B[tb ? j*ldb + p : p*ldb + j],
  ;; C[i][j] at c + (i*ldc + j)*e (leading dimensions in elements, pointers in bytes). Block sizes
  ;; kcb, mcb, ncb come from the caller (mcb a multiple of 4, ncb of 8); `work` holds
  ;; mcb*kcb*(f32: 4, f64: 16) bytes of packed A, then kcb*ncb*e of packed B, then a 4×NR tile.
  (func $gemm (param $f64 i32) (param $m i32) (param $n i32) (param $k i32)
      (param $a i32) (param $lda i32) (param $ta i32) (param $b i32) (param $ldb i32) (param $tb i32)
      (param $c i32) (param $ldc i32) (param $work i32) (param $kcb i32) (param $mcb i32) (param $ncb i32)
    (local $e i32) (local $ae i32) (local $nr i32) (local $ars i32) (local $aps i32) (local $brs i32) (local $bps i32)
    (local $pa i32) (local $pb i32) (local $tile i32) (local $jc i32) (local $pc i32) (local $ic i32) (local $jr i32) (local $ir i32)
    (local $nc i32) (local $kc i32) (local $mc i32) (local $mv i32) (local $nv i32) (local $cp i32) (local $bp i32) (local $add i32) (local $ap i32) (local $cr i32)
    (local.set $e (select (i32.const 8) (i32.const 4) (local.get $f64)))
    (local.set $ae (select (i32.const 16) (i32.const 4) (local.get $f64)))
    (local.set $nr (select (i32.const 4) (i32.const 8) (local.get $f64)))
    ;; Byte strides of op(A) along i and p, and of op(B) along j and p.
    (local.set $ars (select (local.get $e) (i32.mul (local.get $lda) (local.get $e)) (local.get $ta)))
    (local.set $aps (select (i32.mul (local.get $lda) (local.get $e)) (local.get $e) (local.get $ta)))
    (local.set $brs (select (i32.mul (local.get $ldb) (local.get $e)) (local.get $e) (local.get $tb)))
    (local.set $bps (select (local.get $e) (i32.mul (local.get $ldb) (local.get $e)) (local.get $tb)))
    (local.set $ldc (i32.mul (local.get $ldc) (local.get $e)))
    (local.set $pa (local.get $work))
    (local.set $pb (i32.add (local.get $pa) (i32.mul (i32.mul (local.get $mcb) (local.get $kcb)) (local.get $ae))))
    (local.set $tile (i32.add (local.get $pb) (i32.mul (i32.mul (local.get $kcb) (local.get $ncb)) (local.get $e))))
    (if (i32.eqz (local.get $k)) (then
      ;; An empty sum: C = 0.
      (block $done (loop $zero
        (br_if $done (i32.ge_u (local.get $ic) (local.get $m)))
        (memory.fill (i32.add (local.get $c) (i32.mul (local.get $ic) (local.get $ldc))) (i32.const 0) (i32.mul (local.get $n) (local.get $e)))
        (local.set $ic (i32.add (local.get $ic) (i32.const 1)))
        (br $zero)))
      (return)))
    (block $jdone (loop $jloop
      (br_if $jdone (i32.ge_u (local.get $jc) (local.get $n)))
      (local.set $nc (call $min (local.get $ncb) (i32.sub (local.get $n) (local.get $jc))))
      (local.set $pc (i32.const 0))
      (block $pdone (loop $ploop
        (br_if $pdone (i32.ge_u (local.get $pc) (local.get $k)))
        (local.set $kc (call $min (local.get $kcb) (i32.sub (local.get $k) (local.get $pc))))
        (local.set $add (i32.ne (local.get $pc) (i32.const 0)))
        ;; Pack op(B)[pc:pc+kc, jc:jc+nc] into NR-column micro-panels.
        (local.set $jr (i32.const 0))
        (block $bdone (loop $bloop
          (br_if $bdone (i32.ge_u (local.get $jr) (local.get $nc)))
          (local.set $nv (call $min (local.get $nr) (i32.sub (local.get $nc) (local.get $jr))))
          (local.set $bp (i32.add (local.get $pb) (i32.mul (i32.mul (local.get $jr) (local.get $kc)) (local.get $e))))
          (local.set $cp (i32.add (local.get $b) (i32.add (i32.mul (local.get $pc) (local.get $bps))
            (i32.mul (i32.add (local.get $jc) (local.get $jr)) (local.get $brs)))))
          (if (local.get $f64)
            (then (call $d_packB (local.get $bp) (local.get $cp) (local.get $nv) (local.get $kc) (local.get $brs) (local.get $bps)))
            (else (call $s_pack (local.get $bp) (local.get $cp) (local.get $nv) (local.get $kc) (local.get $brs) (local.get $bps) (i32.const 8))))
          (local.set $jr (i32.add (local.get $jr) (local.get $nr)))
          (br $bloop)))
        (local.set $ic (i32.const 0))
        (block $idone (loop $iloop
          (br_if $idone (i32.ge_u (local.get $ic) (local.get $m)))
          (local.set $mc (call $min (local.get $mcb) (i32.sub (local.get $m) (local.get $ic))))
          ;; Pack op(A)[ic:ic+mc, pc:pc+kc] into 4-row micro-panels.
          (local.set $ir (i32.const 0))
          (block $adone (loop $aloop
            (br_if $adone (i32.ge_u (local.get $ir) (local.get $mc)))
            (local.set $mv (call $min (i32.const 4) (i32.sub (local.get $mc) (local.get $ir))))
            (local.set $cp (i32.add (local.get $a) (i32.add (i32.mul (local.get $pc) (local.get $aps))
              (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ars)))))
            (if (local.get $f64)
              (then (call $d_packA (i32.add (local.get $pa) (i32.mul (i32.mul (local.get $ir) (local.get $kc)) (local.get $ae)))
                      (local.get $cp) (local.get $mv) (local.get $kc) (local.get $ars) (local.get $aps)))
              (else (call $s_pack (i32.add (local.get $pa) (i32.mul (i32.mul (local.get $ir) (local.get $kc)) (local.get $ae)))
                      (local.get $cp) (local.get $mv) (local.get $kc) (local.get $ars) (local.get $aps) (i32.const 4))))
            (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
            (br $aloop)))
          ;; For each B micro-panel (it stays in L1), the full tiles down the block in one call,
          ;; a remainder of 2 rows straight into C, other partial tiles through the scratch tile.
          (local.set $jr (i32.const 0))
          (block $jrdone (loop $jrloop
            (br_if $jrdone (i32.ge_u (local.get $jr) (local.get $nc)))
            (local.set $nv (call $min (local.get $nr) (i32.sub (local.get $nc) (local.get $jr))))
            (local.set $bp (i32.add (local.get $pb) (i32.mul (i32.mul (local.get $jr) (local.get $kc)) (local.get $e))))
            (local.set $cp (i32.add (local.get $c) (i32.add (i32.mul (local.get $ic) (local.get $ldc))
              (i32.mul (i32.add (local.get $jc) (local.get $jr)) (local.get $e)))))
            (local.set $ir (i32.const 0))
            (if (i32.and (i32.eq (local.get $nv) (local.get $nr)) (i32.ge_u (local.get $mc) (i32.const 4))) (then
              (local.set $ir (i32.and (local.get $mc) (i32.const -4)))
              (call $kern (local.get $f64) (local.get $kc) (local.get $pa) (local.get $bp) (local.get $cp) (local.get $ldc)
                (local.get $add) (i32.shr_u (local.get $ir) (i32.const 2)))))
            (if (i32.and (i32.eq (local.get $nv) (local.get $nr)) (i32.eq (i32.sub (local.get $mc) (local.get $ir)) (i32.const 2))) (then
              (local.set $ap (i32.add (local.get $pa) (i32.mul (i32.mul (local.get $ir) (local.get $kc)) (local.get $ae))))
              (local.set $cr (i32.add (local.get $cp) (i32.mul (local.get $ir) (local.get $ldc))))
              (if (local.get $f64)
                (then (call $d_kern2 (local.get $kc) (local.get $ap) (local.get $bp) (local.get $cr) (local.get $ldc) (local.get $add)))
                (else (call $s_kern2 (local.get $kc) (local.get $ap) (local.get $bp) (local.get $cr) (local.get $ldc) (local.get $add))))
              (local.set $ir (local.get $mc))))
            (block $edone (loop $eloop
              (br_if $edone (i32.ge_u (local.get $ir) (local.get $mc)))
              (call $kern (local.get $f64) (local.get $kc) (i32.add (local.get $pa) (i32.mul (i32.mul (local.get $ir) (local.get $kc)) (local.get $ae)))
                (local.get $bp) (local.get $tile) (i32.mul (local.get $nr) (local.get $e)) (i32.const 0) (i32.const 1))
              (call $edge (local.get $e) (local.get $tile) (i32.mul (local.get $nr) (local.get $e))
                (i32.add (local.get $cp) (i32.mul (local.get $ir) (local.get $ldc))) (local.get $ldc)
                (call $min (i32.const 4) (i32.sub (local.get $mc) (local.get $ir))) (local.get $nv) (local.get $add))
              (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
              (br $eloop)))
            (local.set $jr (i32.add (local.get $jr) (local.get $nr)))
            (br $jrloop)))
          (local.set $ic (i32.add (local.get $ic) (local.get $mcb)))
          (br $iloop)))
        (local.set $pc (i32.add (local.get $pc) (local.get $kcb)))
        (br $ploop)))
      (local.set $jc (i32.add (local.get $jc) (local.get $ncb)))
      (br $jloop))))

  (func $min (param $x i32) (param $y i32) (result i32)
    (select (local.get $x) (local.get $y) (i32.lt_u (local.get $x) (local.get $y))))

  (func $kern (param $f64 i32) (param $kc i32) (param $ap i32) (param $bp i32) (param $cp i32) (param $ldc i32) (param $add i32) (param $tiles i32)
    (if (local.get $f64)
      (then (call $d_kern (local.get $kc) (local.get $ap) (local.get $bp) (local.get $cp) (local.get $ldc) (local.get $add) (local.get $tiles)))
      (else (call $s_kern (local.get $kc) (local.get $ap) (local.get $bp) (local.get $cp) (local.get $ldc) (local.get $add) (local.get $tiles)))))

  ;; C[m×n] = op(A) op(B) in float32 (f32 sums), see $gemm for the arguments.
  (func (export "sgemm") (param $m i32) (param $n i32) (param $k i32)
      (param $a i32) (param $lda i32) (param $ta i32) (param $b i32) (param $ldb i32) (param $tb i32)
      (param $c i32) (param $ldc i32) (param $work i32) (param $kcb i32) (param $mcb i32) (param $ncb i32)
    (call $gemm (i32.const 0) (local.get $m) (local.get $n) (local.get $k) (local.get $a) (local.get $lda) (local.get $ta)
      (local.get $b) (local.get $ldb) (local.get $tb) (local.get $c) (local.get $ldc) (local.get $work)
      (local.get $kcb) (local.get $mcb) (local.get $ncb)))

  ;; C[m×n] = op(A) op(B) in float64, see $gemm for the arguments.
  (func (export "dgemm") (param $m i32) (param $n i32) (param $k i32)
      (param $a i32) (param $lda i32) (param $ta i32) (param $b i32) (param $ldb i32) (param $tb i32)
      (param $c i32) (param $ldc i32) (param $work i32) (param $kcb i32) (param $mcb i32) (param $ncb i32)
    (call $gemm (i32.const 1) (local.get $m) (local.get $n) (local.get $k) (local.get $a) (local.get $lda) (local.get $ta)
      (local.get $b) (local.get $ldb) (local.get $tb) (local.get $c) (local.get $ldc) (local.get $work)
      (local.get $kcb) (local.get $mcb) (local.get $ncb)))
)
