//===- AttnDialect.td - attn dialect definition ------------*- tablegen -*-===//

#ifndef CASCADE_ATTN_DIALECT_TD
#define CASCADE_ATTN_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Attn_Dialect : Dialect {
  let name = "attn";
  let cppNamespace = "::cascade::attn";
  let summary = "What an attention block means";
  let description = [{
    The `attn` dialect states *what* an attention block computes: which
    normalizer, which mask, which score modifiers, which head layout. It says
    nothing about how the block is computed; `attn-decompose` turns each op
    into a cascade of extended Einsums in the `ein` dialect, where the fast
    forms are derived by rewrites.
  }];
  let useDefaultAttributePrinterParser = 1;
}

class Attn_Op<string mnemonic, list<Trait> traits = []>
    : Op<Attn_Dialect, mnemonic, traits>;

def Attn_CausalKind : I32EnumAttr<"CausalKind", "alignment of a causal mask", [
    I32EnumAttrCase<"TopLeft", 1, "top_left">,
    I32EnumAttrCase<"BottomRight", 2, "bottom_right">
  ]> {
  let cppNamespace = "::cascade::attn";
  let genSpecializedAttr = 0;
}

def Attn_CausalAttr : EnumAttr<Attn_Dialect, Attn_CausalKind, "causal"> {
  let assemblyFormat = "`<` $value `>`";
}

def Attn_Normalizer : I32EnumAttr<"Normalizer",
    "how scores become attention weights", [
    I32EnumAttrCase<"Softmax", 0, "softmax">,
    I32EnumAttrCase<"Sigmoid", 1, "sigmoid">,
    I32EnumAttrCase<"Softplus", 2, "softplus">,
    I32EnumAttrCase<"Relu", 3, "relu">
  ]> {
  let cppNamespace = "::cascade::attn";
  let genSpecializedAttr = 0;
}

def Attn_NormalizerAttr : EnumAttr<Attn_Dialect, Attn_Normalizer, "normalizer"> {
  let assemblyFormat = "`<` $value `>`";
}

def Attn_FeatureMap : I32EnumAttr<"FeatureMap",
    "the feature map phi of linear attention", [
    I32EnumAttrCase<"Identity", 0, "identity">,
    I32EnumAttrCase<"Elu1", 1, "elu1">,
    I32EnumAttrCase<"Relu", 2, "relu">
  ]> {
  let cppNamespace = "::cascade::attn";
  let genSpecializedAttr = 0;
}

def Attn_FeatureMapAttr : EnumAttr<Attn_Dialect, Attn_FeatureMap, "feature_map"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // CASCADE_ATTN_DIALECT_TD
