# Tern — entry points. `make help` lists them. Every target installs what it needs (scripts/setup).
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
PY    := /usr/bin/python3
TRACE ?= 0
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release -DTERN_TRACE=$(if $(filter 1,$(TRACE)),ON,OFF)

.PHONY: help setup configure build test lint area run bench coverage synth clean fuzz asan formal regress test-slurm test-energy

help:
	@echo "Tern targets:"
	@echo "  make run       main job: a bundled trained network through the RTL and the golden model, spec sheet"
	@echo "  make test      build everything and run the whole test suite (CTest: unit, lint, synthesis, system)"
	@echo "                 TRACE=1: build the Verilated models with FST tracing; TERN_WAVES=1 then dumps build/waves/*.fst"
	@echo "  make lint      verilator --lint-only -Wall and Yosys 0.23 synthesis of every RTL module"
	@echo "  make area      Yosys area of every arithmetic unit (generic, iCE40, Xilinx 7, OSU 0.18um) -> docs/area.md"
	@echo "  make bench     benchmarks (utilisation, sparse speedup, bit-serial scaling) -> docs/"
	@echo "  make coverage  Verilator line/branch/toggle coverage per module with listed waivers -> docs/coverage.md"
	@echo "  make synth     whole-accelerator PPA flows"
	@echo "  make fuzz      libFuzzer (clang, ASan/UBSan) on every fuzz target, FUZZ_SECONDS each (default 60)"
	@echo "  make asan      golden library, model/format/data tests, CLI bad-input tests under ASan/UBSan"
	@echo "  make formal    formal proofs (k-induction, PDR) of the decompressors, FIFO, register block, AXI4 adapter, memory port,"
	@echo "                 covers and mutation checks -> build/formal/ (docs/formal.md); make test runs the quick ones"
	@echo "  make regress   seeded RTL regression: SEEDS random programs (default 1000) with fault and X-state runs, sharded;"
	@echo "                 LAUNCHER=slurm runs the shards as a Slurm array job (docs/cluster.md); LAUNCH_ARGS for more"
	@echo "  make test-slurm  the launcher against a real Slurm: a single-node cluster on 127.0.0.1, local vs Slurm results"
	@echo "  make test-energy  the energy-from-activity flow on the small OSU 0.18 um gate-level build (docs/energy.md)"
	@echo "  make setup     install the Debian packages the flows need (idempotent)"
	@echo "  make clean     remove $(BUILD)/"

setup:
	@scripts/setup core

$(BUILD)/CMakeCache.txt: | setup
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: setup
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	@scripts/setup train onnx formal
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure --timeout 900

# Seeded RTL regression (docs/robustness.md), local or on Slurm (docs/cluster.md): SEEDS programs from seed FIRST.
SEEDS ?= 1000
FIRST ?= 1
LAUNCHER ?= local
regress: configure
	cmake --build $(BUILD) -j $(JOBS) --target tern_regress
	scripts/regress --build $(BUILD) --seeds $(SEEDS) --first $(FIRST) --launcher $(LAUNCHER) $(LAUNCH_ARGS) \
	  $(if $(REGRESS_DOC),--doc $(REGRESS_DOC))

# Tern's launcher against a real Slurm (Debian slurm-wlm + munge, a single-node cluster on 127.0.0.1).
test-slurm: configure
	cmake --build $(BUILD) -j $(JOBS) --target tern_regress tern_ppa_cycles
	tests/cluster/test_slurm.sh $(BUILD)

# Energy flow test (tests/energy, docs/energy.md): the OSU 0.18 um gate-level build with VCD tracing (~35 min
# to build on 2 cores, so not part of `make test`), then its CTest.
test-energy: setup
	@scripts/setup asic
	cmake -S . -B $(BUILD)-energy $(CMAKE_FLAGS) -DTERN_ENERGY=ON
	cmake --build $(BUILD)-energy -j $(JOBS) --target tern_energy_sim
	cd $(BUILD)-energy && ctest -L energy --output-on-failure

lint: configure
	cd $(BUILD) && ctest -j $(JOBS) -L lint --output-on-failure

area: setup
	@scripts/setup fpga asic
	$(PY) synth/area.py --out docs/area.md

run: build
	@scripts/setup data
	scripts/run_main

bench: build
	cd $(BUILD)/.. && TERN_ROOT=$(CURDIR) $(BUILD)/bench/accel/tern_bench --out docs/benchmarks.md

# Coverage: every simulation test of the RTL blocks (decompressors, arithmetic units, core blocks with their
# twins, AXI adapter) and of the accelerator (incl. faults and X-state runs) in a coverage build; each
# simulation writes $(BUILD)-cov/coverage/*.dat, merged per module (source points over all instances and
# configurations) by the script, with the waivers of scripts/coverage_waivers.txt.
COV_CORE := fetch writer stats mem_arb feed colseq pool requant requant_ser pe rq_pool desc_check
COV_TESTS := tests/decomp/test_decomp tests/decomp/test_decomp_dense8 tests/arith/test_arith \
  $(addprefix tests/core/test_,$(COV_CORE)) tests/axi/test_axi \
  tests/accel/test_accel_rtl tests/accel/test_accel_faults tests/accel/test_accel_xinit
coverage: setup
	cmake -S . -B $(BUILD)-cov $(CMAKE_FLAGS) -DTERN_COVERAGE=ON
	cmake --build $(BUILD)-cov -j $(JOBS) --target $(notdir $(COV_TESTS))
	rm -rf $(BUILD)-cov/coverage
	cd $(BUILD)-cov && for t in $(COV_TESTS); do TERN_ROOT=$(CURDIR) TERN_BUILD=$(CURDIR)/$(BUILD)-cov ./$$t --gtest_brief=1 || exit 1; done
	$(PY) scripts/coverage_report.py $(BUILD)-cov --tests "$(notdir $(COV_TESTS))" --out docs/coverage.md --json docs/coverage.json

synth: setup
	@scripts/setup fpga asic plot
	$(MAKE) -C synth all
	$(PY) scripts/ppa_summary.py

FUZZ_SECONDS ?= 60
fuzz: setup
	@scripts/setup fuzz
	cmake -S . -B $(BUILD)-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTERN_FUZZ=ON -DCMAKE_C_COMPILER=clang \
	  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
	cmake --build $(BUILD)-fuzz -j $(JOBS) --target fuzz_model fuzz_idx fuzz_decode fuzz_decomp_rtl fuzz_desc_rtl
	tests/fuzz/run_fuzz.sh $(BUILD)-fuzz $(FUZZ_SECONDS)

# Formal: every proof job of formal/jobs (quick, full: k-induction, PDR, BMC, covers) and the mutation
# checks; then the tables of docs/formal.md from the results (formal/report).
formal: setup
	@scripts/setup formal
	formal/run --tags all --jobs $(JOBS)
	formal/report --out docs/formal.md

ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
asan: setup
	cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="$(ASAN_FLAGS)"
	cmake --build $(BUILD)-asan -j $(JOBS) --target test_model test_formats test_tools tern fuzz_model fuzz_idx fuzz_decode
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure \
	  -R '^(ModelFile|Format|ToolsParallel|tools\.cli_errors|robust\.cli_adversarial|fuzz\.replay\.(model|idx|decode))'

clean:
	rm -rf $(BUILD) $(BUILD)-cov $(BUILD)-fuzz $(BUILD)-asan
