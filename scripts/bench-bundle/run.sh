#!/usr/bin/env bash
# Runs opticspace's benchmarks from a bench bundle (`pnpm bench:bundle`) on a Linux x86-64 host
# with a Vulkan driver (an NVIDIA GPU, or Mesa's lavapipe) and no package registry: unpacks the
# bundled Node and Dawn into a work folder, uses the host's Vulkan loader or unpacks the bundled
# libvulkan1 .deb there (never into /), points the loader at the NVIDIA ICD when it exists,
# finds a python3 whose torch sees CUDA for the PyTorch anchors, then runs each bench area in
# its own process and writes <out>/<area>.json and .md, log.txt, environment.txt and summary.md.
set -euo pipefail

BUNDLE_AREAS=(gpu encoder torch index)
SIZE_PROFILES=(quick default large)
NVIDIA_ICDS=(/usr/share/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json)

usage() {
  cat <<'EOF'
usage: run.sh [--quick | --sizes quick|default|large] [--out DIR] [--areas LIST] [--timeout SECONDS]
              [--no-torch] [--bundled-loader] [--dry-run] [-- BENCH_ARGS...]
       run.sh [--bundled-loader] cli COMMAND [ARGS...]

  --sizes       benchmark sizes (default large: matmul 4096^3, full-size encoders, index at 100K
                and 1M); --quick = --sizes quick (small sizes, for software Vulkan)
  --out         results folder (default ./bench-results)
  --areas       comma-separated subset of: gpu,encoder,torch,index (default all, in that order)
  --timeout     seconds per area (default 300); a timed-out area is reported, the rest still run
  --no-torch    skip the PyTorch anchors (torch area and the encoder's torch column)
  --bundled-loader  use the bundled Vulkan loader even where the host has one
  --dry-run     print what would run and exit
  -- ARGS       passed to every bench process, e.g. -- --dawn-flags enable-dawn-features=allow_unsafe_apis
  cli           run the opticspace CLI with the bundled Node instead of the benches
EOF
}

fail_usage() {
  echo "run.sh: $1" >&2
  usage >&2
  exit 2
}

contains() {
  local needle="$1"
  shift
  local item
  for item in "$@"; do [[ "$item" == "$needle" ]] && return 0; done
  return 1
}

sizes=large
out="$PWD/bench-results"
areas=("${BUNDLE_AREAS[@]}")
area_timeout=300
torch=1
loader_choice=auto
dry_run=0
mode=bench
bench_args=()
cli_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) sizes=quick ;;
    --sizes | --out | --areas | --timeout)
      [[ $# -ge 2 && "$2" != --* ]] || fail_usage "$1 needs a value"
      case "$1" in
        --sizes) sizes="$2" ;;
        --out) out="$2" ;;
        --areas) IFS=',' read -r -a areas <<<"$2" ;;
        --timeout) area_timeout="$2" ;;
      esac
      shift
      ;;
    --no-torch) torch=0 ;;
    --bundled-loader) loader_choice=bundled ;;
    --dry-run) dry_run=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    cli)
      mode=cli
      shift
      cli_args=("$@")
      break
      ;;
    --)
      shift
      bench_args=("$@")
      break
      ;;
    *) fail_usage "unknown argument '$1'" ;;
  esac
  shift
done
contains "$sizes" "${SIZE_PROFILES[@]}" || fail_usage "unknown size profile '$sizes' (one of: ${SIZE_PROFILES[*]})"
[[ "$area_timeout" =~ ^[1-9][0-9]*$ ]] || fail_usage "--timeout wants a whole number of seconds, not '$area_timeout'"
[[ ${#areas[@]} -gt 0 ]] || fail_usage "--areas is empty"
for area in "${areas[@]}"; do
  contains "$area" "${BUNDLE_AREAS[@]}" || fail_usage "unknown area '$area' (the bundle has: ${BUNDLE_AREAS[*]})"
done
if [[ $torch == 0 ]]; then
  kept=()
  for area in "${areas[@]}"; do [[ "$area" == torch ]] || kept+=("$area"); done
  areas=("${kept[@]}")
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="${OPTICSPACE_BUNDLE_WORK:-${TMPDIR:-/tmp}/opticspace-bench-$(id -u)}"

# The Vulkan loader: the host's, else the bundled Debian libvulkan1.
find_ldconfig() { command -v ldconfig || { [[ -x /sbin/ldconfig ]] && echo /sbin/ldconfig; } || true; }
host_has_loader() {
  local ldconfig
  ldconfig="$(find_ldconfig)"
  [[ -n "$ldconfig" ]] && "$ldconfig" -p 2>/dev/null | grep -q 'libvulkan\.so\.1'
}
deb="$(compgen -G "$HERE/debs/libvulkan1_*.deb" | head -n 1 || true)"
if [[ $loader_choice == auto ]] && host_has_loader; then
  loader="host ($("$(find_ldconfig)" -p | grep 'libvulkan\.so\.1' | head -n 1 | sed 's/.*=> //' || true))"
  use_bundled_loader=0
else
  loader="bundled ${deb:-(missing: built with --no-vulkan-deb)}"
  use_bundled_loader=1
fi

# The NVIDIA ICD, unless the caller chose one (without it Dawn reports VK_ERROR_INCOMPATIBLE_DRIVER).
if [[ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]]; then
  for icd in "${NVIDIA_ICDS[@]}"; do
    if [[ -e "$icd" ]]; then
      export VK_ICD_FILENAMES="$icd" VK_DRIVER_FILES="$icd"
      break
    fi
  done
fi
no_icd="none set: the default search of the loader (no NVIDIA ICD at ${NVIDIA_ICDS[*]})"
icd_line="${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-$no_icd}}"

# A python3 whose torch sees CUDA, for the PyTorch anchors.
torch_line="off (--no-torch)"
if [[ $torch == 1 ]]; then
  torch_line="not run: no python3 with torch and CUDA (tried ${OPTICSPACE_PYTHON:+$OPTICSPACE_PYTHON }python3 /usr/bin/python3)"
  for python in ${OPTICSPACE_PYTHON:-} python3 /usr/bin/python3; do
    if command -v "$python" >/dev/null 2>&1 && "$python" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' >/dev/null 2>&1; then
      export OPTICSPACE_PYTHON="$python"
      torch_line="$python: $("$python" -c 'import torch; print("torch", torch.__version__, "on", torch.cuda.get_device_name(0))' 2>/dev/null)"
      break
    fi
  done
else
  export OPTICSPACE_NO_TORCH=1
fi

if [[ $dry_run == 1 ]]; then
  echo "bundle: $HERE"
  echo "work folder: $WORK"
  echo "mode: $mode"
  echo "sizes: $sizes"
  echo "areas: ${areas[*]}"
  echo "timeout per area: ${area_timeout} s"
  echo "out: $out"
  echo "vulkan loader: $loader"
  echo "vulkan ICD: $icd_line"
  echo "pytorch: $torch_line"
  echo "bench args: ${bench_args[*]:-}"
  echo "cli args: ${cli_args[*]:-}"
  exit 0
fi

[[ -f "$HERE/manifest.json" && -f "$HERE/node.xz" ]] || {
  echo "run.sh: $HERE is not a built bench bundle (no manifest.json / node.xz): run 'pnpm bench:bundle' first" >&2
  exit 1
}

# Unpacks once per bundle build into $WORK/<manifest checksum>/.
unxz_to() {
  local source="$1" target="$2"
  mkdir -p "$(dirname "$target")"
  if command -v xz >/dev/null 2>&1; then
    xz -dc "$source" >"$target.partial"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$source" >"$target.partial"
  else
    echo "run.sh: need xz or python3 to unpack $source" >&2
    exit 1
  fi
  mv "$target.partial" "$target"
}
STAGE="$WORK/$(cksum <"$HERE/manifest.json" | cut -d' ' -f1)"
NODE="$STAGE/bin/node"
STAGE_MARK=.opticspace-bench-stage
if [[ ! -x "$NODE" || ! -f "$STAGE/app/node_modules/webgpu/dist/linux-x64/dawn.node" ]]; then
  echo "unpacking into $STAGE"
  # Earlier bundles' unpacked copies (about 120 MiB each), recognised by their mark file.
  for old_stage in "$WORK"/*/; do
    [[ -f "$old_stage$STAGE_MARK" ]] && rm -rf "$old_stage"
  done
  rm -rf "$STAGE"
  mkdir -p "$STAGE"
  touch "$STAGE/$STAGE_MARK"
  cp -R "$HERE/app" "$STAGE/app"
  unxz_to "$HERE/dawn.node.xz" "$STAGE/app/node_modules/webgpu/dist/linux-x64/dawn.node"
  unxz_to "$HERE/node.xz" "$NODE"
  chmod +x "$NODE"
fi
export PATH="$STAGE/bin:$PATH"

# dpkg -x into a folder of our own (never into /); ar + tar where there is no dpkg.
extract_deb() {
  local deb="$1" target="$2"
  mkdir -p "$target"
  if command -v dpkg-deb >/dev/null 2>&1; then
    dpkg-deb -x "$deb" "$target"
    return
  fi
  local member compression=""
  member="$(ar t "$deb" | grep '^data\.tar')"
  case "$member" in
    *.xz) compression=-J ;;
    *.gz) compression=-z ;;
    *.zst) compression=--zstd ;;
  esac
  ar p "$deb" "$member" | tar -x $compression -C "$target" -f -
}
if [[ $use_bundled_loader == 1 ]]; then
  [[ -n "$deb" ]] || {
    echo "run.sh: the host has no Vulkan loader (libvulkan.so.1) and the bundle carries none (built with --no-vulkan-deb)" >&2
    exit 1
  }
  if [[ ! -d "$STAGE/vulkan" ]]; then
    rm -rf "$STAGE/vulkan.partial"
    extract_deb "$deb" "$STAGE/vulkan.partial"
    mv "$STAGE/vulkan.partial" "$STAGE/vulkan"
  fi
  export LD_LIBRARY_PATH="$STAGE/vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

if [[ -z "${XDG_RUNTIME_DIR:-}" ]]; then
  export XDG_RUNTIME_DIR="$STAGE/xdg"
  mkdir -p -m 700 "$XDG_RUNTIME_DIR"
fi

if [[ $mode == cli ]]; then
  exec "$NODE" "$STAGE/app/cli.mjs" "${cli_args[@]}"
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm), $(nproc) CPUs"
  if command -v nvidia-smi >/dev/null 2>&1; then
    echo "nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -n 1)"
  fi
  echo "bundle: $(grep -m 1 '"commit"' "$HERE/manifest.json" | sed 's/.*: "\(.*\)".*/\1/') (built $(grep -m 1 '"builtAt"' "$HERE/manifest.json" | sed 's/.*: "\(.*\)".*/\1/'))"
  echo "node: $NODE $("$NODE" --version)"
  echo "vulkan loader: $loader"
  echo "vulkan ICD: $icd_line"
  echo "pytorch: $torch_line"
  echo "sizes: $sizes; areas: ${areas[*]}; timeout per area: ${area_timeout} s"
} >"$out/environment.txt"
cat "$out/environment.txt"

suffix=""
[[ $sizes == default ]] || suffix=".$sizes"
statuses=()
write_summary() {
  {
    echo "# opticspace benchmarks from the bench bundle"
    echo
    sed 's/^/    /' "$out/environment.txt"
    echo
    for line in "${statuses[@]}"; do echo "- $line"; done
    echo
    local area
    for area in "${areas[@]}"; do
      if [[ -f "$out/$area$suffix.md" ]]; then
        cat "$out/$area$suffix.md"
        echo
      fi
    done
  } >"$out/summary.md"
}

failed=0
for area in "${areas[@]}"; do
  echo "== $area (sizes $sizes, timeout ${area_timeout} s)" | tee -a "$out/log.txt"
  start=$SECONDS
  set +e
  timeout --kill-after=10 "$area_timeout" "$NODE" "$STAGE/app/bench/run.mjs" "$area" --sizes "$sizes" --out "$out" "${bench_args[@]}" 2>&1 | tee -a "$out/log.txt"
  status=${PIPESTATUS[0]}
  set -e
  elapsed=$((SECONDS - start))
  case $status in
    0) statuses+=("$area: done in ${elapsed} s") ;;
    124 | 137) statuses+=("$area: TIMED OUT after ${area_timeout} s"); failed=1 ;;
    *) statuses+=("$area: FAILED (exit $status) after ${elapsed} s; see log.txt"); failed=1 ;;
  esac
  write_summary
done
echo "results: $out/summary.md"
printf '%s\n' "${statuses[@]}"
exit $failed
