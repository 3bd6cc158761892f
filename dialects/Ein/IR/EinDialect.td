//===- EinDialect.td - ein dialect definition --------------*- tablegen -*-===//

#ifndef CASCADE_EIN_DIALECT_TD
#define CASCADE_EIN_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Ein_Dialect : Dialect {
  let name = "ein";
  let cppNamespace = "::cascade::ein";
  let summary = "Attention as a cascade of extended Einsums";
  let description = [{
    Every tensor of an `ein.cascade` is indexed by named *ranks*. An
    `ein.einsum` says how one tensor is computed from others: an access per
    operand (affine in the ranks, `K[b, h floordiv 4, m1 * 64 + m0, e]`), a
    map region computing one element, a reduction over the ranks that appear
    in the operands but not in the output (Einstein convention; `+=`, `*=`,
    `max=`, `min=`), and an optional condition on the ranks (`where (m <= p)`)
    outside of which a point contributes nothing.

    An output access `m1 + 1` makes the einsum a *recurrence* over the
    iterative rank `m1`: `RM[m1 + 1, p] = max(RM[m1, p], LM[m1, p])` with
    `init` giving `RM[0, p]`. Accesses may name a rank's extent as `|m1|`, so
    the final value of a recurrence reads `RD[|m1|, p]`.

    The cascade's region is a graph region: a recurrence uses its own result,
    and einsums may be listed in any order.
  }];
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

class Ein_Op<string mnemonic, list<Trait> traits = []>
    : Op<Ein_Dialect, mnemonic, traits>;

def Ein_ReductionKind : I32EnumAttr<"ReductionKind",
    "how an einsum combines the points of its reduced ranks", [
    I32EnumAttrCase<"None", 0, "none">,
    I32EnumAttrCase<"Add", 1, "add">,
    I32EnumAttrCase<"Mul", 2, "mul">,
    I32EnumAttrCase<"Max", 3, "max">,
    I32EnumAttrCase<"Min", 4, "min">
  ]> {
  let cppNamespace = "::cascade::ein";
  let genSpecializedAttr = 0;
}

def Ein_ReductionKindAttr : EnumAttr<Ein_Dialect, Ein_ReductionKind, "reduction">;

#endif // CASCADE_EIN_DIALECT_TD
