//===- CPUCheck.cpp - Compiled code refuses CPUs it was not built for -----===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// Code compiled for the host CPU (its name and every feature it reports)
// executes instructions that another x86-64 CPU may lack: AVX-512 in the
// tile bodies, vdpbf16ps in bf16 contractions, BMI2 in index arithmetic.
// Run there it would die of SIGILL somewhere in a kernel. Every exported
// function of a library therefore starts with a call of a check, compiled
// for baseline x86-64, that compares the CPUID bits of the extensions the
// code was compiled with to the CPU's, once per process, and stops with a
// message that names what is missing.
//
//===----------------------------------------------------------------------===//

#include "cascade/Target/CPU.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Triple.h"

#include <array>
#include <cstdlib>

using namespace llvm;

namespace {
enum Register { EAX, EBX, ECX, EDX };

/// Where CPUID reports the extension LLVM calls `feature`: bit `bit` of
/// register `reg` of leaf `leaf`, subleaf `subleaf` (Intel SDM vol. 2A,
/// CPUID; AMD APM vol. 3, appendix E).
struct CPUIDBit {
  StringLiteral feature;
  uint32_t leaf, subleaf;
  Register reg;
  unsigned bit;
};

constexpr uint32_t kExtended = 0x80000001;

constexpr CPUIDBit kCPUIDBits[] = {
    {"sse3", 1, 0, ECX, 0},          {"pclmul", 1, 0, ECX, 1},
    {"ssse3", 1, 0, ECX, 9},         {"fma", 1, 0, ECX, 12},
    {"cx16", 1, 0, ECX, 13},         {"sse4.1", 1, 0, ECX, 19},
    {"sse4.2", 1, 0, ECX, 20},       {"movbe", 1, 0, ECX, 22},
    {"popcnt", 1, 0, ECX, 23},       {"aes", 1, 0, ECX, 25},
    {"xsave", 1, 0, ECX, 26},        {"avx", 1, 0, ECX, 28},
    {"f16c", 1, 0, ECX, 29},         {"rdrnd", 1, 0, ECX, 30},
    {"cmov", 1, 0, EDX, 15},         {"mmx", 1, 0, EDX, 23},
    {"fxsr", 1, 0, EDX, 24},         {"sse", 1, 0, EDX, 25},
    {"sse2", 1, 0, EDX, 26},         {"fsgsbase", 7, 0, EBX, 0},
    {"bmi", 7, 0, EBX, 3},           {"avx2", 7, 0, EBX, 5},
    {"bmi2", 7, 0, EBX, 8},          {"avx512f", 7, 0, EBX, 16},
    {"avx512dq", 7, 0, EBX, 17},     {"rdseed", 7, 0, EBX, 18},
    {"adx", 7, 0, EBX, 19},          {"avx512ifma", 7, 0, EBX, 21},
    {"clflushopt", 7, 0, EBX, 23},   {"clwb", 7, 0, EBX, 24},
    {"avx512cd", 7, 0, EBX, 28},     {"sha", 7, 0, EBX, 29},
    {"avx512bw", 7, 0, EBX, 30},     {"avx512vl", 7, 0, EBX, 31},
    {"avx512vbmi", 7, 0, ECX, 1},    {"avx512vbmi2", 7, 0, ECX, 6},
    {"gfni", 7, 0, ECX, 8},          {"vaes", 7, 0, ECX, 9},
    {"vpclmulqdq", 7, 0, ECX, 10},   {"avx512vnni", 7, 0, ECX, 11},
    {"avx512bitalg", 7, 0, ECX, 12}, {"avx512vpopcntdq", 7, 0, ECX, 14},
    {"rdpid", 7, 0, ECX, 22},        {"movdiri", 7, 0, ECX, 27},
    {"movdir64b", 7, 0, ECX, 28},    {"avx512vp2intersect", 7, 0, EDX, 8},
    {"serialize", 7, 0, EDX, 14},    {"amx-bf16", 7, 0, EDX, 22},
    {"avx512fp16", 7, 0, EDX, 23},   {"amx-tile", 7, 0, EDX, 24},
    {"amx-int8", 7, 0, EDX, 25},     {"avxvnni", 7, 1, EAX, 4},
    {"avx512bf16", 7, 1, EAX, 5},    {"avxifma", 7, 1, EAX, 23},
    {"sahf", kExtended, 0, ECX, 0},  {"lzcnt", kExtended, 0, ECX, 5},
    {"sse4a", kExtended, 0, ECX, 6}, {"prfchw", kExtended, 0, ECX, 8},
    {"xop", kExtended, 0, ECX, 11},  {"fma4", kExtended, 0, ECX, 16},
    {"tbm", kExtended, 0, ECX, 21},
};

/// Extensions whose registers the operating system must save (XCR0): the
/// 256-bit ones need the SSE and AVX state (bits 1, 2), AVX-512 also the
/// mask and upper-ZMM state (bits 5, 6, 7).
bool usesAVXState(StringRef feature) {
  return feature.starts_with("avx") || feature.starts_with("vaes") ||
         feature == "fma" || feature == "f16c" || feature == "fma4" ||
         feature == "xop" || feature == "vpclmulqdq" || feature == "gfni";
}
} // namespace

/// The entries of the table that `features` ("+avx2,-amx-tile,...") enables.
static SmallVector<const CPUIDBit *> requiredBits(StringRef features) {
  SmallVector<const CPUIDBit *> required;
  SmallVector<StringRef> items;
  features.split(items, ',', -1, /*KeepEmpty=*/false);
  // A test hook: extensions to require besides the compiled-for ones
  // ("avx512fp16,amx-tile"), to see the refusal on a CPU that lacks them.
  SmallVector<std::string> extra;
  if (const char *names = std::getenv("CASCADE_REQUIRE_CPU_FEATURES")) {
    SmallVector<StringRef> more;
    StringRef(names).split(more, ',', -1, /*KeepEmpty=*/false);
    for (StringRef f : more) {
      f = f.trim();
      f.consume_front("+");
      extra.push_back(("+" + f).str());
    }
  }
  for (const std::string &f : extra)
    items.push_back(f);
  for (StringRef item : items) {
    if (!item.consume_front("+"))
      continue;
    for (const CPUIDBit &bit : kCPUIDBits)
      if (bit.feature == item && !llvm::is_contained(required, &bit))
        required.push_back(&bit);
  }
  // In the table's order, for a stable message.
  llvm::sort(required);
  return required;
}

void cascade::addCPUCheck(Module &module, StringRef cpu, StringRef features) {
  Triple triple(module.getTargetTriple());
  if (triple.getArch() != Triple::x86_64)
    return;
  SmallVector<const CPUIDBit *> required = requiredBits(features);
  if (required.empty())
    return;
  bool avxState = llvm::any_of(
      required, [](const CPUIDBit *b) { return usesAVXState(b->feature); });
  bool avx512State = llvm::any_of(required, [](const CPUIDBit *b) {
    return b->feature.starts_with("avx512");
  });

  LLVMContext &ctx = module.getContext();
  Type *i32 = Type::getInt32Ty(ctx), *i64 = Type::getInt64Ty(ctx);
  Type *ptr = PointerType::getUnqual(ctx), *voidType = Type::getVoidTy(ctx);
  // 1 once a call found the CPU fit (racing first calls both check).
  auto *checked = new GlobalVariable(
      module, i32, /*isConstant=*/false, GlobalValue::InternalLinkage,
      ConstantInt::get(i32, 0), "cascade.cpu_checked");
  Function *check = Function::Create(
      FunctionType::get(voidType, /*isVarArg=*/false),
      GlobalValue::InternalLinkage, "cascade.check_cpu", module);
  // The check itself runs on any x86-64 CPU, and stays a call: inlined, the
  // caller's instructions could be scheduled before it.
  check->addFnAttr(Attribute::NoInline);
  check->addFnAttr(Attribute::NoUnwind);
  check->addFnAttr("target-cpu", "x86-64");
  check->addFnAttr("target-features", "+cx8,+fxsr,+mmx,+sse,+sse2,+x87");
  FunctionCallee write = module.getOrInsertFunction(
      "write", FunctionType::get(i64, {i32, ptr, i64}, /*isVarArg=*/false));
  FunctionCallee abortFn = module.getOrInsertFunction(
      "abort", FunctionType::get(voidType, /*isVarArg=*/false));
  if (auto *f = dyn_cast<Function>(abortFn.getCallee()))
    f->setDoesNotReturn();

  BasicBlock *entry = BasicBlock::Create(ctx, "entry", check);
  BasicBlock *detect = BasicBlock::Create(ctx, "detect", check);
  BasicBlock *done = BasicBlock::Create(ctx, "done", check);
  IRBuilder<> b(entry);
  LoadInst *seen = b.CreateAlignedLoad(i32, checked, Align(4));
  seen->setAtomic(AtomicOrdering::Monotonic);
  b.CreateCondBr(b.CreateICmpNE(seen, b.getInt32(0)), done, detect);
  b.SetInsertPoint(done);
  b.CreateRetVoid();

  b.SetInsertPoint(detect);
  auto *regsType = StructType::get(ctx, {i32, i32, i32, i32});
  InlineAsm *cpuidAsm = InlineAsm::get(
      FunctionType::get(regsType, {i32, i32}, /*isVarArg=*/false), "cpuid",
      "={ax},={bx},={cx},={dx},{ax},{cx},~{dirflag},~{fpsr},~{flags}",
      /*hasSideEffects=*/true);
  // The four registers of a leaf, zero where `valid` is false (a leaf past
  // the CPU's last one reports another leaf's bits).
  auto cpuid = [&](uint32_t leaf, uint32_t subleaf,
                   Value *valid) -> std::array<Value *, 4> {
    Value *regs =
        b.CreateCall(cpuidAsm, {b.getInt32(leaf), b.getInt32(subleaf)});
    std::array<Value *, 4> out;
    for (unsigned r = 0; r < 4; ++r) {
      out[r] = b.CreateExtractValue(regs, r);
      if (valid)
        out[r] = b.CreateSelect(valid, out[r], b.getInt32(0));
    }
    return out;
  };
  Value *maxLeaf = cpuid(0, 0, nullptr)[EAX];
  Value *maxExtended = cpuid(0x80000000, 0, nullptr)[EAX];
  std::array<Value *, 4> leaf1 = cpuid(1, 0, nullptr);
  Value *has7 = b.CreateICmpUGE(maxLeaf, b.getInt32(7));
  std::array<Value *, 4> leaf7 = cpuid(7, 0, has7), leaf71 = cpuid(7, 1, has7);
  std::array<Value *, 4> extended =
      cpuid(kExtended, 0, b.CreateICmpUGE(maxExtended, b.getInt32(kExtended)));
  auto regsOf = [&](const CPUIDBit &bit) -> const std::array<Value *, 4> & {
    if (bit.leaf == 1)
      return leaf1;
    if (bit.leaf == 7)
      return bit.subleaf == 0 ? leaf7 : leaf71;
    return extended;
  };

  // XCR0, read with xgetbv where the OS enabled it (OSXSAVE), else 0.
  Value *xcr0 = b.getInt32(0);
  if (avxState) {
    Value *osxsave = b.CreateICmpNE(
        b.CreateAnd(leaf1[ECX], b.getInt32(1u << 27)), b.getInt32(0));
    BasicBlock *read = BasicBlock::Create(ctx, "xgetbv", check);
    BasicBlock *compare = BasicBlock::Create(ctx, "compare", check);
    BasicBlock *from = b.GetInsertBlock();
    b.CreateCondBr(osxsave, read, compare);
    b.SetInsertPoint(read);
    InlineAsm *xgetbv = InlineAsm::get(
        FunctionType::get(StructType::get(ctx, {i32, i32}), {i32},
                          /*isVarArg=*/false),
        "xgetbv", "={ax},={dx},{cx},~{dirflag},~{fpsr},~{flags}",
        /*hasSideEffects=*/true);
    Value *low = b.CreateExtractValue(b.CreateCall(xgetbv, {b.getInt32(0)}), 0);
    b.CreateBr(compare);
    b.SetInsertPoint(compare);
    PHINode *phi = b.CreatePHI(i32, 2);
    phi->addIncoming(b.getInt32(0), from);
    phi->addIncoming(low, read);
    xcr0 = phi;
  }

  // What is missing, as (condition, name) pairs.
  SmallVector<std::pair<Value *, std::string>> missing;
  for (const CPUIDBit *bit : required) {
    Value *word = regsOf(*bit)[bit->reg];
    Value *has = b.CreateICmpNE(b.CreateAnd(word, b.getInt32(1u << bit->bit)),
                                b.getInt32(0));
    missing.push_back({b.CreateNot(has), bit->feature.str()});
  }
  auto stateMissing = [&](uint32_t mask, StringRef what) {
    Value *has =
        b.CreateICmpEQ(b.CreateAnd(xcr0, b.getInt32(mask)), b.getInt32(mask));
    missing.push_back({b.CreateNot(has), what.str()});
  };
  if (avxState)
    stateMissing(0x6, "AVX registers saved by the operating system (XCR0)");
  if (avx512State)
    stateMissing(0xe6,
                 "AVX-512 registers saved by the operating system (XCR0)");
  Value *anyMissing = b.getFalse();
  for (auto &[condition, name] : missing)
    anyMissing = b.CreateOr(anyMissing, condition);
  BasicBlock *fits = BasicBlock::Create(ctx, "fits", check);
  BasicBlock *report = BasicBlock::Create(ctx, "report", check);
  b.CreateCondBr(anyMissing, report, fits);
  b.SetInsertPoint(fits);
  StoreInst *store = b.CreateAlignedStore(b.getInt32(1), checked, Align(4));
  store->setAtomic(AtomicOrdering::Monotonic);
  b.CreateRetVoid();

  // The message, on standard error, then abort().
  b.SetInsertPoint(report);
  auto print = [&](StringRef text) {
    Value *str = b.CreateGlobalString(text, "cascade.cpu_message");
    b.CreateCall(write, {b.getInt32(2), str, b.getInt64(text.size())});
  };
  print("cascade: this code was compiled for a CPU with instruction-set "
        "extensions that this CPU lacks:");
  for (auto &[condition, name] : missing) {
    BasicBlock *say = BasicBlock::Create(ctx, "missing", check);
    BasicBlock *next = BasicBlock::Create(ctx, "next", check);
    b.CreateCondBr(condition, say, next);
    b.SetInsertPoint(say);
    print(" " + name);
    b.CreateBr(next);
    b.SetInsertPoint(next);
  }
  print(("\ncascade: it was compiled for " + cpu +
         " (Cascade compiles for the CPU it runs on); compile it again on "
         "this machine\n")
            .str());
  b.CreateCall(abortFn);
  b.CreateUnreachable();

  // Every exported function checks first.
  for (Function &f : module) {
    if (f.isDeclaration() || !f.hasExternalLinkage() || &f == check)
      continue;
    IRBuilder<> at(&*f.getEntryBlock().getFirstInsertionPt());
    at.CreateCall(check);
  }
}
