//===- Ein.td - The ein dialect umbrella -------------------*- tablegen -*-===//
//
// Part of Cascade. The ein dialect says how attention is computed, as a
// cascade of extended Einsums (FuseMax notation).
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_EIN_TD
#define CASCADE_EIN_TD

include "dialects/Ein/IR/EinDialect.td"
include "dialects/Ein/IR/EinAttrs.td"
include "dialects/Ein/IR/EinOps.td"

#endif // CASCADE_EIN_TD
