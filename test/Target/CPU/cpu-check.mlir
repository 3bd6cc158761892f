// A library is compiled for the CPU cascadec runs on (its name and every
// extension it reports). Each exported function first calls a check,
// compiled for baseline x86-64, that the running CPU has the extensions the
// code was compiled with: here it does, elsewhere the library stops with a
// message and abort() instead of dying of SIGILL in a kernel.
//
// REQUIRES: c-compiler
// RUN: cascadec %s -o %t.ll
// RUN: FileCheck %s --check-prefix=IR < %t.ll
// IR:     define {{.*}}void @attention(
// IR-NEXT:  {{.*}}:
// IR-NEXT:  call {{.*}}void @cascade.check_cpu()
// IR:     define {{.*}}void @_mlir_ciface_attention(
// IR-NEXT:  call {{.*}}void @cascade.check_cpu()
// IR:     define internal {{.*}}void @cascade.check_cpu() {{.*}}#[[CHECK:[0-9]+]]
// IR:       load atomic i32, ptr @cascade.cpu_checked monotonic
// IR:       call { i32, i32, i32, i32 } asm sideeffect "cpuid"
// IR:       call void @abort()
// IR:     attributes #[[CHECK]] = { {{.*}}noinline {{.*}}"target-cpu"="x86-64" "target-features"="+cx8,+fxsr,+mmx,+sse,+sse2,+x87" }
//
// RUN: cascadec %s -o %t.so
// RUN: %cc -O1 -std=c99 %S/Inputs/driver.c -o %t.driver -ldl -lm -lpthread
// RUN: %t.driver %t.so attention 1 2 1 9 13 8 8 0 | FileCheck %s --check-prefix=RUNS
// RUNS: OK
//
// The same library made to require an extension this CPU lacks.
// RUN: %python %S/Inputs/refuse_cpu.py %t.driver %s %t.dir attention 1 2 1 9 13 8 8 0 \
// RUN:   | FileCheck %s --check-prefix=REFUSED
// REFUSED:      ended by signal 6
// REFUSED-NEXT: required [[FEATURE:.+]]
// REFUSED-NEXT: cascade: this code was compiled for a CPU with instruction-set extensions that this CPU lacks: [[FEATURE]]{{$}}
// REFUSED-NEXT: cascade: it was compiled for {{.+}} (Cascade compiles for the CPU it runs on); compile it again on this machine

func.func @attention(%q: tensor<1x2x9x8xf32>, %k: tensor<1x1x13x8xf32>,
                     %v: tensor<1x1x13x8xf32>) -> tensor<1x2x9x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x9x8xf32>, tensor<1x1x13x8xf32>, tensor<1x1x13x8xf32>
      -> tensor<1x2x9x8xf32>
  return %o : tensor<1x2x9x8xf32>
}
