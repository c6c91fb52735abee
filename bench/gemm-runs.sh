#!/bin/bash
# The JMH runs behind bench/RESULTS-gemm.md, one at a time (under $JVK_BENCH_LOCK when set, a lock
# file that keeps other jobs off a shared machine), each well under 8 minutes. Usage: bench/gemm-runs.sh OUTDIR [run ...]
# Runs: sgemm1 sgemm2 peers dgemm sgemv reference sweep gc segment. Build first:
#   mvn -q -pl bench -am package -DskipTests
# OpenBLAS runs with its AVX-512 kernels (OPENBLAS_CORETYPE=SkylakeX; dev.jvk.bench.gemm.OpenBlasCheck
# shows it computes correctly here); the environment may otherwise pin an AVX2 core type.
set -u
out=${1:?output directory}; shift
mkdir -p "$out"
J=${J:-/usr/lib/jvm/temurin-25-jdk-amd64}
CP=${CP:-"bench/target/classes:bench/target/lib/*"}
export OPENBLAS_CORETYPE=SkylakeX
jmh() { # name, then JMH arguments
  local name=$1; shift
  echo "== $name: $*"
  ${JVK_BENCH_LOCK:+flock "$JVK_BENCH_LOCK"} timeout 500 $J/bin/java --add-modules jdk.incubator.vector -cp "$CP" org.openjdk.jmh.Main "$@" \
      -wi ${WI:-8} -w 1s -i 5 -r 1s -f 1 -rf json -rff "$out/$name.json" > "$out/$name.log" 2>&1
  echo "   exit $? ($(date +%T))"
}
SQUARES=NN:64x64x64,NN:128x128x128,NN:256x256x256,NN:512x512x512,NN:1024x1024x1024,NN:2048x2048x2048
MLP=NN:128x256x784,NN:128x128x256,NN:128x10x128,NT:128x784x256,TN:784x256x128
runs=${*:-sgemm1 sgemm2 peers dgemm sgemv reference sweep gc segment}
for run in $runs; do
  case $run in
    sgemm1) jmh sgemm1 '(gemm\.SgemmBench\.(jvk|openblas)|ceiling\.FmaPeakBench\.(float|double)512)$' -p threads=1 -p shape=$SQUARES,$MLP ;;
    sgemm2) jmh sgemm2 'gemm\.SgemmBench\.(jvk|openblas)$' -p threads=2 -p shape=NN:256x256x256,NN:512x512x512,NN:1024x1024x1024,NN:2048x2048x2048,$MLP ;;
    peers) jmh peers 'gemm\.SgemmBench\.(netlib|ejml)$' -p threads=1 -p shape=NN:128x128x128,NN:256x256x256,NN:512x512x512,NN:1024x1024x1024,$MLP ;;
    dgemm) jmh dgemm '(gemm\.DgemmBench\.(jvk|openblas|netlib)|ceiling\.FmaPeakBench\.double512)$' -p threads=1 -p shape=NN:128x128x128,NN:256x256x256,NN:512x512x512,NN:1024x1024x1024,NN:2048x2048x2048,NN:128x256x784,NT:128x784x256,TN:784x256x128 ;;
    sgemv) jmh sgemv 'gemm\.SgemvBench\.(jvk|openblas|netlib)$' ;;
    reference) jmh reference 'gemm\.(SgemmBench\.(jvk|reference|ejml)|DgemmBench\.(jvk|reference|ejml))$' -p threads=1 -p shape=NN:64x64x64,NN:256x256x256,$MLP ;;
    sweep)
      for opt in kc=128 kc=192 kc=256 kc=384 kc=512 mc=96 mc=384 mc=768 nc=512 nc=8192 direct=48 direct=64 direct=96 direct=128; do
        jmh "sweep-$opt" 'gemm\.SgemmBench\.jvk$' -p threads=1 -p shape=NN:1024x1024x1024,NN:128x256x784,NN:64x64x64,NN:96x96x96,NN:128x128x128 -jvmArgsAppend "-Djvk.gemm.$opt"
      done ;;
    gc) jmh gc 'gemm\.(SgemmBench|DgemmBench)\.jvk$' -p threads=1,2 -p shape=NN:64x64x64,NN:128x10x128,NN:1024x1024x1024,NT:128x784x256 -prof gc ;;
    segment) jmh segment 'gemm\.SegmentBench' ;;
    *) echo "unknown run $run" ;;
  esac
done
